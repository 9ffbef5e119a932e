// Builds the command line into one CommonJS file (dist/cli/ferry.cjs): bin/ferry.js calls it when a
// source is newer than the bundle, `npm run build:cli` always.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundle's text: electron/cli/main.ts with the engine and every dependency in one file.
 * CommonJS, so bin/ferry.js can compile it as one script with V8's code cache (an ES module cannot
 * take one on Node 20); whitespace and comments stripped (names kept, for readable stacks), which
 * leaves it pure ASCII: read as Latin-1, with no UTF-8 decoding.
 */
export async function buildCli(root) {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.join(root, 'electron', 'cli', 'main.ts')],
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
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    logLevel: 'error',
    legalComments: 'none',
  });
  return out.outputFiles[0].text;
}

// `node bin/build-cli.js`: writes the bundle.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.join(root, 'dist', 'cli', 'ferry.cjs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await buildCli(root));
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
