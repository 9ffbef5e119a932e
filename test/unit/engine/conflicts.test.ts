import { describe, expect, it } from 'vitest';
import type { ConflictDecision, TransferConflict } from '../../../shared/transfer.js';
import { ConflictPolicy, conflictOutcome, decisionFromAnswer, etagComparison, renamedName, renamedNamesPrefix } from '../../../electron/engine/conflicts.js';

const MiB = 1024 * 1024;

const conflict = (target: string): TransferConflict => ({
  kind: 'upload',
  bucket: 'b',
  key: target.replace('s3://b/', ''),
  localPath: '/tmp/x',
  target,
  existing: { size: 1 },
  incoming: { size: 2 },
});

describe('renamedName', () => {
  const none = () => false;

  it('puts the number before the extension', () => {
    expect(renamedName('report.pdf', none)).toBe('report (1).pdf');
    expect(renamedName('README', none)).toBe('README (1)');
  });

  it('takes the first free number', () => {
    const taken = new Set(['report (1).pdf', 'report (2).pdf', 'report (4).pdf']);
    expect(renamedName('report.pdf', (c) => taken.has(c))).toBe('report (3).pdf');
  });

  it('changes only the last segment of a key', () => {
    expect(renamedName('dir/sub/photo.jpg', none)).toBe('dir/sub/photo (1).jpg');
    expect(renamedName('v1.2/notes', none)).toBe('v1.2/notes (1)');
    expect(renamedName('dir/.env', none)).toBe('dir/.env (1)');
  });

  it('keeps dot files and .tar.* archives whole', () => {
    expect(renamedName('.bashrc', none)).toBe('.bashrc (1)');
    expect(renamedName('backup.tar.gz', none)).toBe('backup (1).tar.gz');
    expect(renamedName('.tar.gz', none)).toBe('.tar.gz (1)');
    expect(renamedName('.config.json', none)).toBe('.config (1).json');
    expect(renamedName('name.', none)).toBe('name. (1)');
  });

  it('asks about candidates in order and stops at the first free one', () => {
    const asked: string[] = [];
    renamedName('a.txt', (c) => {
      asked.push(c);
      return asked.length < 3;
    });
    expect(asked).toEqual(['a (1).txt', 'a (2).txt', 'a (3).txt']);
  });

  it('gives the prefix every candidate starts with (one listing finds them all)', () => {
    expect(renamedNamesPrefix('dir/photo.jpg')).toBe('dir/photo (');
    expect(renamedName('dir/photo.jpg', none).startsWith(renamedNamesPrefix('dir/photo.jpg'))).toBe(true);
  });
});

describe('conflictOutcome', () => {
  it('overwrites, skips (saying why) and renames as told', () => {
    expect(conflictOutcome('overwrite', 5, 5)).toEqual({ kind: 'transfer' });
    expect(conflictOutcome('skip', 5, 7)).toEqual({ kind: 'skip', reason: 'exists (--if-exists skip)' });
    expect(conflictOutcome('skip', 5, 7, true)).toEqual({ kind: 'skip', reason: 'exists (skipped when asked)' });
    expect(conflictOutcome('rename', 5, 5)).toEqual({ kind: 'rename' });
  });

  it('"different": another size transfers at once, the same size needs the checksums', () => {
    expect(conflictOutcome('different', 5, 6)).toEqual({ kind: 'transfer' });
    expect(conflictOutcome('different', 0, 0)).toEqual({ kind: 'compare' });
  });
});

describe('ConflictPolicy', () => {
  it('applies a fixed action without asking; overwrite needs no lookup', async () => {
    expect(new ConflictPolicy({ ifExists: 'overwrite' }).looksUp).toBe(false);
    const skip = new ConflictPolicy({ ifExists: 'skip', ask: () => Promise.reject(new Error('asked')) });
    expect(skip.looksUp).toBe(true);
    await expect(skip.actionFor(conflict('s3://b/k'))).resolves.toEqual({ action: 'skip', asked: false });
  });

  it('fails with TargetExists and how to choose when it should ask but no one can answer', async () => {
    await expect(new ConflictPolicy({ ifExists: 'ask' }).actionFor(conflict('s3://b/k'))).rejects.toMatchObject({
      code: 'TargetExists',
      message: 's3://b/k exists; choose with --if-exists overwrite|skip|rename|different.',
    });
  });

  it('asks one question at a time, in order', async () => {
    const asked: string[] = [];
    let open = 0;
    const policy = new ConflictPolicy({
      ifExists: 'ask',
      ask: async (c) => {
        asked.push(c.target);
        open++;
        expect(open).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        open--;
        return { action: c.target.endsWith('a') ? 'rename' : 'skip' };
      },
    });
    const answers = await Promise.all(['s3://b/a', 's3://b/b'].map((t) => policy.actionFor(conflict(t))));
    expect(asked).toEqual(['s3://b/a', 's3://b/b']);
    expect(answers).toEqual([
      { action: 'rename', asked: true },
      { action: 'skip', asked: true },
    ]);
  });

  it('remembers an answer for all, also for the questions already waiting', async () => {
    let questions = 0;
    const policy = new ConflictPolicy({ ifExists: 'ask', ask: () => Promise.resolve<ConflictDecision>({ action: 'different', applyToAll: ++questions > 0 }) });
    const answers = await Promise.all(['s3://b/1', 's3://b/2', 's3://b/3'].map((t) => policy.actionFor(conflict(t))));
    expect(questions).toBe(1);
    expect(answers.map((a) => a.action)).toEqual(['different', 'different', 'different']);
  });

  it('refuses an answer that is none of the actions (it may come over IPC)', async () => {
    const policy = new ConflictPolicy({ ifExists: 'ask', ask: () => Promise.resolve({ action: 'delete' } as unknown as ConflictDecision) });
    await expect(policy.actionFor(conflict('s3://b/k'))).rejects.toMatchObject({ code: 'InvalidInput' });
  });

  it('a rejected question (cancel) fails that item only; the next is asked again', async () => {
    let calls = 0;
    const policy = new ConflictPolicy({ ifExists: 'ask', ask: () => (++calls === 1 ? Promise.reject(new Error('cancelled')) : Promise.resolve({ action: 'overwrite' })) });
    await expect(policy.actionFor(conflict('s3://b/1'))).rejects.toThrow('cancelled');
    await expect(policy.actionFor(conflict('s3://b/2'))).resolves.toEqual({ action: 'overwrite', asked: true });
  });
});

describe('decisionFromAnswer', () => {
  it('reads one letter; a capital applies to all', () => {
    expect(decisionFromAnswer('o')).toEqual({ action: 'overwrite' });
    expect(decisionFromAnswer(' s\n')).toEqual({ action: 'skip' });
    expect(decisionFromAnswer('r')).toEqual({ action: 'rename' });
    expect(decisionFromAnswer('D')).toEqual({ action: 'different', applyToAll: true });
    expect(decisionFromAnswer('O')).toEqual({ action: 'overwrite', applyToAll: true });
  });

  it('anything else is no answer (asked again)', () => {
    for (const text of ['', 'x', 'os', 'yes', '1']) expect(decisionFromAnswer(text)).toBeUndefined();
  });
});

describe('etagComparison', () => {
  it('compares a plain MD5 ETag directly', () => {
    expect(etagComparison(10, 'D41D8CD98F00B204E9800998ECF8427E', 8 * MiB)).toEqual({ kind: 'md5', etag: 'd41d8cd98f00b204e9800998ecf8427e' });
  });

  it('tries every known part size that gives the ETag part count, Ferry\'s own first', () => {
    const etag = `${'a'.repeat(32)}-2`;
    // 12 MiB in 2 parts: 8 MiB (Ferry's and the AWS CLI's) or 10 MiB; not 5 (3 parts) nor 15 or more (1 part).
    expect(etagComparison(12 * MiB, etag, 8 * MiB)).toEqual({ kind: 'multipart', etag, partSizes: [8 * MiB, 10 * MiB] });
    // A part size set by the user comes first.
    expect(etagComparison(12 * MiB, etag, 7 * MiB)).toEqual({ kind: 'multipart', etag, partSizes: [7 * MiB, 8 * MiB, 10 * MiB] });
    // Ferry's partPlan grows the part size for a file that would need more than 10,000 parts.
    const huge = 200 * 1024 * MiB;
    expect(etagComparison(huge, `${'b'.repeat(32)}-9753`, 8 * MiB)).toMatchObject({ kind: 'multipart', partSizes: [21 * MiB] });
  });

  it('cannot compare an ETag that is no MD5 (KMS, SSE-C), a part count no size gives, or none', () => {
    expect(etagComparison(12 * MiB, 'not-an-md5', 8 * MiB)).toMatchObject({ kind: 'none' });
    expect(etagComparison(12 * MiB, `${'a'.repeat(32)}-1000`, 8 * MiB)).toMatchObject({ kind: 'none' });
    expect(etagComparison(12 * MiB, undefined, 8 * MiB)).toMatchObject({ kind: 'none' });
  });
});
