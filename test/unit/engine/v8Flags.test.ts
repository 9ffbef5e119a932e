import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from '../../../electron/engine/v8Flags.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('V8 flags', () => {
  it('bin/ferry.js sets the engine’s flags before it compiles the bundle (else its code cache is refused at every start)', async () => {
    const launcher = await readFile(path.join(root, 'bin', 'ferry.js'), 'utf8');
    const set = launcher.indexOf(`setFlagsFromString('${V8_FLAGS}')`);
    expect(set).toBeGreaterThan(0);
    expect(set).toBeLessThan(launcher.indexOf('loadBundle(file)'));
  });
});
