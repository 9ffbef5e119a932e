// The house's layers, enforced: shared/ is plain TypeScript, the engine and the command line are
// plain Node, the renderer is browser code. A file that imports across its layer fails here.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(full);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const child = path.join(dir, name);
    if (statSync(path.join(root, child)).isDirectory()) return sourceFiles(child);
    return /\.(ts|tsx)$/.test(name) ? [child] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2] ?? match[3]) as string);
  }
  return found;
}

function resolvedDir(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.relative(root, path.resolve(path.dirname(path.join(root, file)), specifier));
}

describe('layers', () => {
  it('shared/ imports neither Node, nor electron, nor the DOM-side code', () => {
    for (const file of sourceFiles('shared')) {
      for (const spec of imports(file)) {
        expect(nodeBuiltins.has(spec), `${file} imports ${spec}`).toBe(false);
        expect(spec === 'electron', `${file} imports electron`).toBe(false);
        const target = resolvedDir(file, spec);
        if (target) expect(target.startsWith('shared'), `${file} imports ${spec} outside shared/`).toBe(true);
      }
    }
  });

  it('the engine, command line, services and browser host never import electron or the renderer', () => {
    const files = ['electron/engine', 'electron/cli', 'electron/services', 'electron/host'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const spec of imports(file)) {
        expect(spec === 'electron' || spec.startsWith('electron/'), `${file} imports ${spec}`).toBe(false);
        const target = resolvedDir(file, spec);
        if (target) {
          expect(target.startsWith('renderer'), `${file} imports ${spec}`).toBe(false);
          expect(['electron/engine', 'electron/cli', 'electron/services', 'electron/host', 'shared'].some((layer) => target.startsWith(layer)), `${file} imports ${spec}`).toBe(true);
        }
      }
    }
  });

  it('the engine does not import the command line', () => {
    for (const file of sourceFiles('electron/engine')) {
      for (const spec of imports(file)) {
        const target = resolvedDir(file, spec);
        if (target) expect(target.startsWith('electron/cli'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('renderer/ imports no Node built-in, no electron, no engine', () => {
    for (const file of sourceFiles('renderer')) {
      for (const spec of imports(file)) {
        expect(nodeBuiltins.has(spec), `${file} imports ${spec}`).toBe(false);
        expect(spec === 'electron', `${file} imports electron`).toBe(false);
        const target = resolvedDir(file, spec);
        if (target) expect(target.startsWith('electron'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });
});
