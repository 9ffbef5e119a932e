// `--rules`: a preset's name, or the path of a rules file (shared/publishRules.ts), read and checked.

import { readFile } from 'node:fs/promises';
import { PRESETS } from '../../shared/publishRules.js';
import { FerryError, fromFsError } from '../engine/errors.js';
import { parseRules, presetRules, type RuleSet } from '../engine/publishRules.js';

export async function loadRules(nameOrPath: string): Promise<RuleSet> {
  const preset = presetRules(nameOrPath);
  if (preset) return preset;
  const text = await readFile(nameOrPath, 'utf8').catch((error: unknown) => {
    const e = fromFsError(error, nameOrPath);
    if (e.code !== 'LocalNotFound') throw e;
    throw new FerryError('LocalNotFound', `--rules ${nameOrPath}: no such file, and no preset of that name (presets: ${Object.keys(PRESETS).join(', ')}).`);
  });
  return parseRules(text, nameOrPath);
}
