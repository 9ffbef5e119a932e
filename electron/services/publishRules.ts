// The publishing rules the app keeps per account and bucket (shared/publishRules.ts), in one JSON
// file in the config folder. Rules kept for a bucket apply to every upload from the app into it.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publishRulesSchema, type PublishRulesInfo } from '../../shared/api.js';
import { PRESETS, type PublishRules } from '../../shared/publishRules.js';
import { compileRules, type RuleSet } from '../engine/publishRules.js';

interface Entry {
  accountId: string;
  bucket: string;
  rules: PublishRules;
}

interface RulesFile {
  version: 1;
  buckets: Entry[];
}

const PRESET_LIST: PublishRulesInfo['presets'] = Object.entries(PRESETS).map(([name, preset]) => ({ name, ...preset }));

export class PublishRulesFile {
  private readonly file: string;
  private entries: Promise<Entry[]> | undefined;
  /** Changes one at a time, each written whole through a temporary file: a crash never leaves half a file. */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(configDir: string) {
    this.file = path.join(configDir, 'publish-rules.json');
  }

  /** The bucket's rules (none kept: an empty list) and the presets to start from. */
  async info(accountId: string, bucket: string): Promise<PublishRulesInfo> {
    return { rules: await this.get(accountId, bucket), presets: PRESET_LIST };
  }

  async get(accountId: string, bucket: string): Promise<PublishRules> {
    const entry = (await this.load()).find((e) => e.accountId === accountId && e.bucket === bucket);
    return entry?.rules ?? { rules: [] };
  }

  /** The bucket's rules ready to match keys; undefined when none are kept. */
  async ruleSet(accountId: string, bucket: string): Promise<RuleSet | undefined> {
    const { rules } = await this.get(accountId, bucket);
    return rules.length > 0 ? compileRules({ rules }) : undefined;
  }

  /** Keeps the rules (an empty list: none); refused with `rule N: reason` when one cannot be used. */
  async save(accountId: string, bucket: string, rules: PublishRules): Promise<PublishRules> {
    compileRules(rules);
    await this.change((entries) => [...entries.filter((e) => e.accountId !== accountId || e.bucket !== bucket), ...(rules.rules.length > 0 ? [{ accountId, bucket, rules }] : [])]);
    return rules;
  }

  /** A removed account's rules go with it. */
  async removeAccount(accountId: string): Promise<void> {
    await this.change((entries) => entries.filter((e) => e.accountId !== accountId));
  }

  private load(): Promise<Entry[]> {
    this.entries ??= this.read();
    return this.entries;
  }

  /**
   * The kept entries. An entry that does not read as rules (edited by hand) is left out rather than
   * failing every upload; a file that is not JSON at all reads as none, and the next save replaces it.
   */
  private async read(): Promise<Entry[]> {
    let parsed: Partial<RulesFile>;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<RulesFile>;
    } catch {
      return []; // none kept yet
    }
    return (Array.isArray(parsed.buckets) ? parsed.buckets : []).flatMap((entry: Partial<Entry>) => {
      const rules = publishRulesSchema.safeParse(entry.rules);
      return typeof entry.accountId === 'string' && typeof entry.bucket === 'string' && rules.success ? [{ accountId: entry.accountId, bucket: entry.bucket, rules: rules.data }] : [];
    });
  }

  private change(edit: (entries: Entry[]) => Entry[]): Promise<void> {
    const next = this.saving.then(async () => {
      const entries = edit(await this.load());
      await mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      const body: RulesFile = { version: 1, buckets: entries };
      await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`);
      await rename(temp, this.file);
      this.entries = Promise.resolve(entries);
    });
    this.saving = next.catch(() => undefined);
    return next;
  }
}
