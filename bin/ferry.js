#!/usr/bin/env node
// Launches the ferry command line from one compiled bundle (dist/cli/ferry.cjs): loading it takes a
// third of the time of transpiling the TypeScript at every start. In a checkout the bundle is
// rebuilt (esbuild, about a second) whenever a source file is newer than it, so it is never stale;
// without esbuild, the source runs through tsx as before. The bundle is compiled with V8's code
// cache (dist/cli/ferry.cjs.v8cache, written by the first run after a build), so later starts skip
// most of the parsing and compiling.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle } from './load-bundle.cjs';

// The engine's V8 flags (V8_FLAGS in electron/engine/v8Flags.ts, which says why), set before the
// bundle is compiled: a code cache made under other flags is refused, and would be written anew at
// every start. The command line sets them again when it starts; the same flags change nothing then.
setFlagsFromString('--liftoff-only');

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'electron', 'cli', 'main.ts');
const bundle = path.join(root, 'dist', 'cli', 'ferry.cjs');

/** The newest modification time of the command line's sources (what the bundle is built from). */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  for (const dir of ['electron/cli', 'electron/engine', 'shared']) visit(path.join(root, dir));
  for (const file of ['package-lock.json', 'bin/build-cli.js']) newest = Math.max(newest, statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest;
}

async function entry() {
  if (!existsSync(source)) return bundle;
  const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built >= newestSource()) return bundle;
  try {
    const { buildCli, writeCli } = await import('./build-cli.js');
    writeCli(root, await buildCli(root), { mkdirSync, writeFileSync, renameSync });
    return bundle;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') process.stderr.write(`ferry: could not build the command line (${error?.message ?? error}); running it from source.\n`);
    const { register } = await import('tsx/esm/api');
    register();
    return source;
  }
}

const file = await entry();
if (file === bundle) {
  const { exports, save } = loadBundle(file);
  const { main } = exports;
  process.exitCode = await main(process.argv.slice(2));
  save();
} else {
  const { main } = await import(pathToFileURL(file).href);
  process.exitCode = await main(process.argv.slice(2));
}
