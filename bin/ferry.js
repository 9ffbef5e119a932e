#!/usr/bin/env node
// Launches the ferry command line: from the TypeScript source through tsx in a checkout (so it is
// never a stale build), from the compiled build (npm run build) where the source is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'electron', 'cli', 'main.ts');
let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else {
  entry = path.join(root, 'dist', 'electron', 'cli', 'main.js');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
