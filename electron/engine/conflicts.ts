// When a transfer's target already exists: the policy, the free name for a rename, and the decision per item.

import type { ConflictAction, ConflictDecision, IfExists, TransferConflict } from '../../shared/transfer.js';
import { FerryError } from './errors.js';
import { isMd5Etag, multipartEtagParts } from './checksum.js';
import { partPlan } from './partPlan.js';
import { DEFAULT_SETTINGS } from './settings.js';

export const CONFLICT_ACTIONS: readonly ConflictAction[] = ['overwrite', 'skip', 'rename', 'different'];
export const IF_EXISTS: readonly IfExists[] = [...CONFLICT_ACTIONS, 'ask'];

/** Asks a person about one conflict (the CLI's prompt, the app's dialog); rejects when the batch is cancelled. */
export type AskConflict = (conflict: TransferConflict, signal?: AbortSignal) => Promise<ConflictDecision>;

/** How a batch treats targets that exist; `ask` without an `ask` callback fails those items with TargetExists. */
export interface ConflictOptions {
  ifExists: IfExists;
  ask?: AskConflict;
}

export const SKIPPED_SAME = 'exists (same size and checksum)';

/** What one item whose target exists comes to. */
export type ConflictOutcome =
  | { kind: 'transfer' }
  | { kind: 'skip'; reason: string }
  | { kind: 'rename' }
  /** Same size: only the checksums can tell; the item is skipped if they match (SKIPPED_SAME). */
  | { kind: 'compare' };

/**
 * The decision for an existing target of `existingSize` bytes replaced by `incomingSize` bytes.
 * `asked`: a person chose the action (the skip says so, rather than naming the option).
 */
export function conflictOutcome(action: ConflictAction, existingSize: number, incomingSize: number, asked = false): ConflictOutcome {
  switch (action) {
    case 'overwrite':
      return { kind: 'transfer' };
    case 'skip':
      return { kind: 'skip', reason: asked ? 'exists (skipped when asked)' : 'exists (--if-exists skip)' };
    case 'rename':
      return { kind: 'rename' };
    case 'different':
      return existingSize === incomingSize ? { kind: 'compare' } : { kind: 'transfer' };
  }
}

export function targetExistsError(target: string): FerryError {
  return new FerryError('TargetExists', `${target} exists; choose with --if-exists overwrite|skip|rename|different.`);
}

/**
 * The batch's policy in force: the fixed action, or the person's answers. Questions go one at a
 * time, in the order asked; an answer "for all" settles every later conflict without asking.
 */
export class ConflictPolicy {
  private readonly ask: AskConflict | undefined;
  private forAll: ConflictAction | undefined;
  private readonly asking: boolean;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(options: ConflictOptions) {
    this.asking = options.ifExists === 'ask';
    this.forAll = options.ifExists === 'ask' ? undefined : options.ifExists;
    this.ask = options.ask;
  }

  /** Whether targets must be looked up at all: overwriting needs no lookup. */
  get looksUp(): boolean {
    return this.forAll !== 'overwrite';
  }

  async actionFor(conflict: TransferConflict, signal?: AbortSignal): Promise<{ action: ConflictAction; asked: boolean }> {
    if (this.forAll) return { action: this.forAll, asked: this.asking };
    const ask = this.ask;
    if (!ask) throw targetExistsError(conflict.target);
    const answer = this.turn.then(async () => {
      if (this.forAll) return { action: this.forAll, asked: true };
      const decision = await ask(conflict, signal);
      // The answer may come over IPC: only the four actions are accepted.
      if (!CONFLICT_ACTIONS.includes(decision.action)) throw new FerryError('InvalidInput', `Unknown answer for an existing target: ${String(decision.action)}.`);
      if (decision.applyToAll) this.forAll = decision.action;
      return { action: decision.action, asked: true };
    });
    this.turn = answer.catch(() => undefined);
    return answer;
  }
}

/** A typed answer to the question `[o/s/r/d, capital = all]`, or undefined when it is none of them. */
export function decisionFromAnswer(answer: string): ConflictDecision | undefined {
  const letter = answer.trim();
  const action = ({ o: 'overwrite', s: 'skip', r: 'rename', d: 'different' } as const)[letter.toLowerCase() as 'o' | 's' | 'r' | 'd'];
  if (letter.length !== 1 || !action) return undefined;
  return letter === letter.toUpperCase() ? { action, applyToAll: true } : { action };
}

/**
 * The first free name `name (1).ext`, `name (2).ext`… for a file name or a key (only its last
 * segment changes: `dir/name (1).ext`). A dot file keeps its whole name as the stem (`.env (1)`),
 * and `.tar.gz` and the like stay together (`backup (1).tar.gz`).
 */
export function renamedName(name: string, taken: (candidate: string) => boolean): string {
  const { head, extension } = splitName(name);
  for (let n = 1; ; n++) {
    const candidate = `${head} (${n})${extension}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Everything renamedName may produce for `name` starts with this (to list the candidates with one request). */
export function renamedNamesPrefix(name: string): string {
  return `${splitName(name).head} (`;
}

function splitName(name: string): { head: string; extension: string } {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const match = /\.tar\.[^./]+$/i.exec(base) ?? /\.[^./]+$/.exec(base);
  const extension = match && match.index > 0 ? match[0] : '';
  return { head: name.slice(0, name.length - extension.length), extension };
}

// Part sizes of common tools, tried when a multipart ETag gives only the part count:
// AWS CLI 8 MiB, rclone 5 MiB, s3cmd 15 MiB, and common round sizes (as downloads try them).
const MiB = 1024 * 1024;
const COMMON_PART_SIZES = [8, 5, 16, 15, 10, 32, 64, 100, 128].map((n) => n * MiB);

/** How a local file of `size` bytes can be compared with an object's ETag. */
export type EtagComparison =
  | { kind: 'md5'; etag: string }
  /** Every part size that gives the ETag's part count, Ferry's own first: a match with any of them is the same content. */
  | { kind: 'multipart'; etag: string; partSizes: number[] }
  | { kind: 'none'; reason: string };

export function etagComparison(size: number, etag: string | undefined, preferredPartSize: number): EtagComparison {
  if (!etag) return { kind: 'none', reason: 'no ETag' };
  if (isMd5Etag(etag)) return { kind: 'md5', etag: etag.toLowerCase() };
  const parts = multipartEtagParts(etag);
  if (parts === undefined) return { kind: 'none', reason: `the ETag ${etag} is not an MD5` };
  const ferrys = [preferredPartSize, DEFAULT_SETTINGS.partSize].flatMap((preferred) => {
    try {
      return [partPlan(size, preferred).partSize];
    } catch {
      return [];
    }
  });
  const partSizes = [...new Set([...ferrys, ...COMMON_PART_SIZES])].filter((partSize) => Math.ceil(size / partSize) === parts);
  if (partSizes.length === 0) return { kind: 'none', reason: `no known part size gives ${parts} parts` };
  return { kind: 'multipart', etag: etag.toLowerCase(), partSizes };
}
