// Builds the command line into one CommonJS file (dist/cli/ferry.cjs), and the listing worker's
// thread into another (dist/cli/list-worker.cjs, see electron/engine/s3/listWorker.ts): bin/ferry.js
// calls it when a source is newer than the bundle, `npm run build:cli` always.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundles' texts, by file name: electron/cli/main.ts with the engine and every dependency in
 * one file, and the listing worker's program the same way.
 * CommonJS, so bin/ferry.js can compile it as one script with V8's code cache (an ES module cannot
 * take one on Node 20); whitespace and comments stripped (names kept, for readable stacks), which
 * leaves it pure ASCII: read as Latin-1, with no UTF-8 decoding.
 */
export async function buildCli(root) {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: { ferry: path.join(root, 'electron', 'cli', 'main.ts'), 'list-worker': path.join(root, 'electron', 'engine', 's3', 'listWorker.ts') },
    outdir: path.join(root, 'dist', 'cli'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ES module builds first: jsonc-parser's UMD build requires its own files at run time.
    mainFields: ['module', 'main'],
    // The sources read package.json relative to import.meta.url.
    define: { 'import.meta.url': '__ferryModuleUrl' },
    banner: { js: "const __ferryModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // import() of Node's built-ins becomes require: a function loaded from the code cache has no
    // dynamic-import callback (Node 20), so an import() left in would fail there.
    supported: { 'dynamic-import': false },
    // The keychain's native binding is loaded from node_modules when --account needs it.
    external: ['keytar'],
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    logLevel: 'error',
    legalComments: 'none',
  });
  return Object.fromEntries(out.outputFiles.map((file) => [path.basename(file.path), file.text]));
}

/** Writes the bundles, each whole and renamed into place (two commands started at once never read half a file), ferry.cjs last: its time says the set is complete. */
export function writeCli(root, files, { mkdirSync, writeFileSync, renameSync }) {
  const dir = path.join(root, 'dist', 'cli');
  mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(files).sort((a, b) => Number(a === 'ferry.cjs') - Number(b === 'ferry.cjs'))) {
    const temp = path.join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, files[name]);
    renameSync(temp, path.join(dir, name));
  }
}

// `node bin/build-cli.js`: writes the bundle.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const fs = await import('node:fs');
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const files = await buildCli(root);
  writeCli(root, files, fs);
  process.stdout.write(`wrote ${Object.keys(files).map((name) => `dist/cli/${name}`).join(', ')}\n`);
}
