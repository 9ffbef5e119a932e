// The house's layers, enforced by dependency-cruiser with the rules of .dependency-cruiser.js (the
// same check as `npx depcruise electron shared renderer`): the tree must have no violation, and
// violations planted in a temporary tree must each be caught, whatever the shape of the import.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const LAYERS = ['electron', 'shared', 'renderer'];
// Parsing every file with the TypeScript compiler takes a few seconds on a slow machine.
const TIMEOUT_MS = 60_000;

async function cruiseFrom(baseDir: string, paths: string[], extra: Partial<ICruiseOptions> = {}): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.js'));
  const { output } = await cruise(paths, { ...options, ...extra, baseDir });
  if (typeof output === 'string') throw new Error(`dependency-cruiser gave a report, not a result: ${output.slice(0, 200)}`);
  return output;
}

/** One line per violation, the way a reader wants to see it in a failure. */
function violations(result: ICruiseResult): string[] {
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layers', () => {
  it(
    'no file imports across its layer',
    async () => {
      const result = await cruiseFrom(root, LAYERS);
      const cruised = result.modules.map((m) => m.source);
      // A cruise that silently found nothing would pass too.
      for (const file of ['electron/engine/engine.ts', 'electron/services/ferryService.ts', 'electron/host/server.ts', 'electron/cli/main.ts', 'renderer/main.tsx', 'shared/api.ts']) {
        expect(cruised).toContain(file);
      }
      expect(violations(result)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  describe('a planted violation is caught', () => {
    // Each file of a throwaway tree laid out like the repository, and the rules it must break.
    const planted: Record<string, { source: string; rules: string[] }> = {
      'shared/multiLine.ts': { source: "import {\n  readFileSync,\n  writeFileSync,\n} from 'node:fs';\nexport const io = [readFileSync, writeFileSync];\n", rules: ['shared-no-node'] },
      'shared/sideEffect.ts': { source: "import 'electron';\n", rules: ['shared-only-shared'] },
      'shared/requireCall.ts': { source: "export const os: unknown = require('os');\n", rules: ['shared-no-node'] },
      'electron/engine/sideEffect.ts': { source: "import 'electron';\n", rules: ['engine-plain-node'] },
      'electron/engine/multiLine.ts': { source: "import {\n  app,\n  BrowserWindow,\n} from 'electron';\nexport const shell = [app, BrowserWindow];\n", rules: ['engine-plain-node'] },
      'electron/engine/typeOnly.ts': { source: "import type { FerryService } from '../services/ferryService.js';\nexport type S = FerryService;\n", rules: ['engine-plain-node'] },
      'electron/services/reExport.ts': { source: "export { app } from 'electron';\n", rules: ['node-layers-no-electron'] },
      'electron/host/renderer.ts': { source: "import '../../renderer/fine.js';\n", rules: ['node-layers-no-electron'] },
      'renderer/dynamicImport.ts': { source: "export const load = () => import('node:path');\n", rules: ['renderer-no-node'] },
      'renderer/engine.ts': { source: "import { partSize } from '../electron/engine/settings.js';\nexport const size = partSize;\n", rules: ['renderer-no-electron'] },
      'renderer/nodePackage.ts': { source: "import 'ws';\n", rules: ['renderer-browser-packages'] },
      // What the layers may import: these must stay clean, or the rules refuse too much.
      'shared/fine.ts': { source: "import { z } from 'zod';\nexport const name = z.string();\n", rules: [] },
      'renderer/fine.ts': { source: "import { useState } from 'react';\nimport { name } from '../shared/fine.js';\nexport const fine = [useState, name];\n", rules: [] },
      'electron/engine/settings.ts': { source: "import { name } from '../../shared/fine.js';\nexport const partSize = 8;\nexport const n = name;\n", rules: [] },
      'electron/services/ferryService.ts': { source: "import { partSize } from '../engine/settings.js';\nexport class FerryService {\n  size = partSize;\n}\n", rules: [] },
    };
    let dir: string;
    let result: ICruiseResult;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'ferry-layering-'));
      for (const [file, { source }] of Object.entries(planted)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), source);
      }
      // The repository's packages, reached through a link kept as it is (preserveSymlinks), so
      // 'electron' resolves to node_modules/electron/ here as it does in the repository.
      await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
      result = await cruiseFrom(dir, LAYERS, { preserveSymlinks: true });
    }, TIMEOUT_MS);

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('every planted file was cruised', () => {
      const cruised = result.modules.map((m) => m.source);
      for (const file of Object.keys(planted)) expect(cruised).toContain(file);
    });

    it.each(Object.entries(planted))('%s', (file, { rules }) => {
      const broken = result.summary.violations.filter((v) => v.from === file).map((v) => v.rule.name);
      expect(broken.sort(), violations(result).join('\n')).toEqual([...rules].sort());
    });
  });
});
