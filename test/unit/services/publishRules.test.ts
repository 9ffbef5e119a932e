import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublishRules } from '../../../shared/publishRules.js';
import { PublishRulesFile } from '../../../electron/services/publishRules.js';

const HTML: PublishRules = { rules: [{ match: '**/*.html', headers: { 'Cache-Control': 'no-cache' } }] };
const ALL: PublishRules = { rules: [{ match: '**', headers: { 'Cache-Control': 'public, max-age=3600' } }] };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-rules-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the kept publishing rules', () => {
  it('keeps rules per account and bucket, across a restart', async () => {
    const kept = new PublishRulesFile(dir);
    expect(await kept.get('a', 'site')).toEqual({ rules: [] });
    expect(await kept.ruleSet('a', 'site')).toBeUndefined();
    await kept.save('a', 'site', HTML);
    await kept.save('b', 'site', ALL);
    const again = new PublishRulesFile(dir);
    expect(await again.get('a', 'site')).toEqual(HTML);
    expect(await again.get('b', 'site')).toEqual(ALL);
    expect(await again.get('a', 'other')).toEqual({ rules: [] });
    expect((await again.ruleSet('a', 'site'))?.headersFor('x/index.html')).toEqual({ cacheControl: 'no-cache' });
  });

  it('refuses a rule it cannot use with its number, and keeps what it had', async () => {
    const kept = new PublishRulesFile(dir);
    await kept.save('a', 'site', HTML);
    await expect(kept.save('a', 'site', { rules: [...HTML.rules, { match: '**', headers: { 'X-Powered-By': 'ferry' } }] })).rejects.toThrow(/^rule 2: "X-Powered-By" is not a header Ferry sets/);
    await expect(kept.save('a', 'site', { rules: [{ match: '**', headers: { Expires: 'soon' } }] })).rejects.toThrow(/^rule 1: Expires must be a date/);
    expect(await new PublishRulesFile(dir).get('a', 'site')).toEqual(HTML);
  });

  it('forgets a bucket saved with no rules, and every bucket of a removed account', async () => {
    const kept = new PublishRulesFile(dir);
    await Promise.all([kept.save('a', 'one', HTML), kept.save('a', 'two', ALL), kept.save('b', 'one', ALL)]);
    await kept.save('a', 'one', { rules: [] });
    await kept.removeAccount('b');
    const file = JSON.parse(await readFile(path.join(dir, 'publish-rules.json'), 'utf8')) as { buckets: { accountId: string; bucket: string }[] };
    expect(file.buckets.map((b) => `${b.accountId}/${b.bucket}`)).toEqual(['a/two']);
  });

  it('leaves out an entry that does not read as rules, and a file that is not JSON gives none', async () => {
    const good = { accountId: 'a', bucket: 'site', rules: HTML };
    await writeFile(path.join(dir, 'publish-rules.json'), JSON.stringify({ version: 1, buckets: [good, { accountId: 'a', bucket: 'bad', rules: { rules: 'no' } }] }));
    expect(await new PublishRulesFile(dir).get('a', 'site')).toEqual(HTML);
    expect(await new PublishRulesFile(dir).get('a', 'bad')).toEqual({ rules: [] });
    await writeFile(path.join(dir, 'publish-rules.json'), '{ not json');
    expect(await new PublishRulesFile(dir).get('a', 'site')).toEqual({ rules: [] });
  });
});
