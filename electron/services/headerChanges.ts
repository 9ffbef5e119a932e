// The app's header changes in place (`objects.changeHeaders`): each a job on the account's engine
// (headerChange.ts) that reports through `headerChange` events and stops when cancelled.

import type { AppEvent, HeaderChangeEvent } from '../../shared/api.js';
import { METADATA_PREFIX } from '../../shared/publishRules.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import type { TransferEngine } from '../engine/engine.js';
import { FerryError } from '../engine/errors.js';
import { checkEdit, type HeaderChangeProgress, type HeaderEdit } from '../engine/headerChange.js';
import { WIRE_NAMES, setHeader } from '../engine/publishRules.js';
import { JobSet } from './jobs.js';

export interface HeaderChangeRequest {
  bucket: string;
  keys: string[];
  prefixes: string[];
  edit: HeaderEdit;
  ifEtag?: string;
}

// An event carries this many failures at most; the count says how many there were.
const FAILURES_SHOWN = 100;

/**
 * The headers of a request as the engine takes them: storage class and ACL checked as a rule's are,
 * metadata names in lower case (S3 keeps them so; "Build" and "build" would be one entry twice).
 */
export function headersToSet(set: ObjectHeaders): ObjectHeaders {
  const headers: ObjectHeaders = {};
  for (const [field, name] of Object.entries(WIRE_NAMES) as [keyof typeof WIRE_NAMES, string][]) {
    const value = set[field];
    if (value !== undefined) setHeader(headers, name, value);
  }
  for (const [name, value] of Object.entries(set.metadata ?? {})) setHeader(headers, `${METADATA_PREFIX}${name.trim()}`, value);
  return headers;
}

/** "A", "A and B", "A, B and C", "A, B and 2 more headers". */
function joinNames(names: string[], noun: string): string {
  if (names.length > 3) return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more ${noun}`;
  const last = names.at(-1) ?? '';
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${last}` : last;
}

/** What is asked, for a person: "Cache-Control on 500 objects in www/", "Cache-Control and Expires on photo.jpg". */
export function headerChangeLabel(request: Pick<HeaderChangeRequest, 'keys' | 'prefixes' | 'edit'>, objects: number, listed: boolean): string {
  const { set = {}, remove = [], rules } = request.edit;
  const names = [
    ...(rules ? ['Publishing rules'] : []),
    ...(Object.keys(WIRE_NAMES) as (keyof typeof WIRE_NAMES)[]).filter((f) => set[f] !== undefined).map((f) => WIRE_NAMES[f]),
    ...Object.keys(set.metadata ?? {}).map((name) => `${METADATA_PREFIX}${name}`),
    ...remove.map((name) => Object.values(WIRE_NAMES).find((wire) => wire.toLowerCase() === name.toLowerCase()) ?? name),
  ];
  const what = joinNames([...new Set(names)], 'headers');
  const { keys, prefixes } = request;
  const [onlyKey] = keys;
  if (onlyKey !== undefined && keys.length === 1 && prefixes.length === 0) return `${what} on ${onlyKey}`;
  const count = listed ? `${objects.toLocaleString('en-US')} object${objects === 1 ? '' : 's'}` : 'objects';
  const items = [...prefixes, ...keys];
  const more = items.length > 1 ? ` and ${items.length - 1} more` : '';
  return keys.length === 0 ? `${what} on ${count} in ${items[0]}${more}` : `${what} on ${count} (${items[0]}${more})`;
}

export class HeaderChangeJobs extends JobSet {
  constructor(private readonly emit: (event: AppEvent) => void) {
    super();
  }

  /** Starts the change; refused at once when the edit cannot be sent (a bad name or value) or says nothing. */
  start(engine: TransferEngine, request: HeaderChangeRequest): { jobId: string } {
    const { edit } = request;
    if (!edit.rules && Object.keys(edit.set ?? {}).length === 0 && (edit.remove ?? []).length === 0) {
      throw new FerryError('InvalidInput', 'Say what to change: a header to set or remove, or the publishing rules.');
    }
    checkEdit(edit);
    let last: HeaderChangeProgress = { objects: 0, listed: false, changed: 0, unchanged: 0, failed: 0, bytes: 0 };
    let send = (_status: HeaderChangeEvent['status'], _progress: HeaderChangeProgress, _failures: HeaderChangeEvent['failures'] = []): void => undefined;
    const jobId = this.launch(
      (id, signal) => {
        send = (status, progress, failures = []) => {
          const { objects, listed, changed, unchanged, failed } = progress;
          this.emit({ type: 'headerChange', jobId: id, bucket: request.bucket, label: headerChangeLabel(request, objects, listed), objects, listed, changed, unchanged, failed, failures: failures.slice(0, FAILURES_SHOWN), status });
        };
        send('running', last);
        // The engine reports a few times a second and once at the end: each report is one event.
        return engine.changeHeaders(
          { bucket: request.bucket, keys: request.keys, prefixes: request.prefixes, edit, ifEtag: request.ifEtag },
          { signal, onProgress: (progress) => ((last = progress), signal.aborted || send('running', progress)) },
        );
      },
      {
        done: (result) => {
          const counts = { ...last, objects: result.objects, listed: true, changed: result.changed, unchanged: result.unchanged, failed: result.failures.length };
          send(result.failures.length > 0 ? 'failed' : 'done', counts, result.failures);
        },
        failed: (error) => send('failed', last, [{ item: `s3://${request.bucket}/${[...request.prefixes, ...request.keys][0] ?? ''}`, error }]),
        cancelled: () => send('cancelled', last),
      },
    );
    return { jobId };
  }
}
