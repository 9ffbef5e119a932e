#!/usr/bin/env node
// Launches the ferry command line: the compiled build when present, else the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'electron', 'cli', 'main.js');
let entry;
if (existsSync(built)) {
  entry = built;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = path.join(root, 'electron', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
