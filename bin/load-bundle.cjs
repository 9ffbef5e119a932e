// Loads one of the command line's bundles (dist/cli/*.cjs) as a script compiled with V8's code
// cache: bin/ferry.js for the command line, and the listing worker's thread for its own bundle
// (electron/engine/s3/listWorker.ts). CommonJS, so a worker started from code can require it.
'use strict';

const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { Buffer, isAscii } = require('node:buffer');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');

/**
 * A bundle's exports, compiled with the code cache when there is one for this bundle, Node and V8
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
  return { exports: module.exports, save };
}

function readFileOrEmpty(file) {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

module.exports = { loadBundle };
