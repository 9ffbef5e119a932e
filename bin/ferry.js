#!/usr/bin/env node
// Launches the ferry command line from one compiled bundle (dist/cli/ferry.cjs): loading it takes a
// third of the time of transpiling the TypeScript at every start. In a checkout the bundle is
// rebuilt (esbuild, about a second) whenever a source file is newer than it, so it is never stale;
// without esbuild, the source runs through tsx as before. The bundle is compiled with V8's code
// cache (dist/cli/ferry.cjs.v8cache, written by the first run after a build), so later starts skip
// most of the parsing and compiling.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Buffer, isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

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

/**
 * The bundle's `main`, compiled with the code cache when there is one for this bundle, Node and V8
 * flags (V8 refuses one that does not fit, and the cache is then written anew). `save` writes the
 * cache after the command ran, so it holds the functions the run compiled, not only the top level.
 */
function loadBundle(file) {
  const bytes = readFileSync(file);
  // The build leaves only ASCII (comments stripped, strings escaped): Latin-1 reads it without decoding.
  const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cacheFile = `${file}.v8cache`;
  const { size, mtimeMs } = statSync(file);
  // The cache's first line names the bundle, Node and CPU it was made for and the CRC-32 of the
  // compiled code that follows: a cache damaged on disk is refused here, not handed to V8.
  const made = `${size} ${mtimeMs} ${process.version} ${process.arch}`;
  const cache = readFileOrEmpty(cacheFile);
  const newline = cache.indexOf(10);
  const stamp = cache.subarray(0, Math.max(newline, 0)).toString('latin1');
  const code = newline > 0 ? cache.subarray(newline + 1) : undefined;
  const fits = code !== undefined && code.length > 0 && stamp === `${made} ${crc32(code)}`;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename: file,
    cachedData: fits ? code : undefined,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const save = () => {
    if (fits && !script.cachedDataRejected) return;
    try {
      const compiled = script.createCachedData();
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, Buffer.concat([Buffer.from(`${made} ${crc32(compiled)}\n`, 'latin1'), compiled]));
      renameSync(temp, cacheFile);
    } catch {
      // A folder we cannot write (an installed copy): every start compiles, as without a cache.
    }
  };
  return { main: module.exports.main, save };
}

function readFileOrEmpty(file) {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

const file = await entry();
if (file === bundle) {
  const { main, save } = loadBundle(file);
  process.exitCode = await main(process.argv.slice(2));
  save();
} else {
  const { main } = await import(pathToFileURL(file).href);
  process.exitCode = await main(process.argv.slice(2));
}
