#!/usr/bin/env node
// Launches the ferry command line from one compiled bundle (dist/cli/ferry.mjs): loading it takes a
// third of the time of transpiling the TypeScript at every start. In a checkout the bundle is
// rebuilt (esbuild, about a second) whenever a source file is newer than it, so it is never stale;
// without esbuild, the source runs through tsx as before.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'electron', 'cli', 'main.ts');
const bundle = path.join(root, 'dist', 'cli', 'ferry.mjs');

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
    const { buildCli } = await import('./build-cli.js');
    // Written whole and renamed into place: two commands started at once never read half a bundle.
    const text = await buildCli(root);
    mkdirSync(path.dirname(bundle), { recursive: true });
    const temp = `${bundle}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, bundle);
    return bundle;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') process.stderr.write(`ferry: could not build the command line (${error?.message ?? error}); running it from source.\n`);
    const { register } = await import('tsx/esm/api');
    register();
    return source;
  }
}

const { main } = await import(pathToFileURL(await entry()).href);
process.exitCode = await main(process.argv.slice(2));
