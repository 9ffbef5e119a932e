// Builds the command line into one ES module (dist/cli/ferry.mjs): bin/ferry.js calls it when a
// source is newer than the bundle, `npm run build:cli` always.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle's text: electron/cli/main.ts with the engine and every dependency in one file. */
export async function buildCli(root) {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.join(root, 'electron', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ES module builds first: jsonc-parser's UMD build requires its own files at run time.
    mainFields: ['module', 'main'],
    // The CommonJS packages inside (the SDK's) call require for Node's built-ins.
    banner: { js: "import { createRequire as __ferryRequire } from 'node:module'; const require = __ferryRequire(import.meta.url);" },
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
  const file = path.join(root, 'dist', 'cli', 'ferry.mjs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await buildCli(root));
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
