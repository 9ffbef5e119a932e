import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journal, journalId, type DownloadRecord } from '../../../electron/engine/journal.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-journal-'));
});

afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

function record(key: string): DownloadRecord {
  const now = new Date().toISOString();
  return { version: 1, kind: 'download', id: journalId('download', 'srv', 'b', key, `/t/${key}`), server: 'srv', bucket: 'b', key, target: `/t/${key}`, size: 1, etag: 'e', rangeSize: 1, ranges: [], createdAt: now, updatedAt: now };
}

describe('Journal lookups (one listing of the folder answers most "is there a record?" questions)', () => {
  it('finds what another process wrote before, what it writes itself after its listing, and not what it removed', async () => {
    await new Journal(dir).write(record('earlier'));
    const journal = new Journal(dir);
    expect(await journal.findDownload('srv', 'b', 'earlier', '/t/earlier')).toMatchObject({ key: 'earlier' });
    expect(await journal.findDownload('srv', 'b', 'later', '/t/later')).toBeUndefined();
    await journal.write(record('later'));
    expect(await journal.findDownload('srv', 'b', 'later', '/t/later')).toMatchObject({ key: 'later' });
    await journal.remove(record('earlier').id);
    expect(await journal.findDownload('srv', 'b', 'earlier', '/t/earlier')).toBeUndefined();
  });

  it('sees a record another process wrote once its listing is two seconds old', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const journal = new Journal(dir);
    expect(await journal.findDownload('srv', 'b', 'other', '/t/other')).toBeUndefined();
    // Written by another process: this journal's listing does not know it yet.
    await new Journal(dir).write(record('other'));
    expect(await journal.findDownload('srv', 'b', 'other', '/t/other')).toBeUndefined();
    vi.setSystemTime(Date.now() + 2_001);
    expect(await journal.findDownload('srv', 'b', 'other', '/t/other')).toMatchObject({ key: 'other' });
  });
});
