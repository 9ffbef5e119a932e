// Queue rows that go through a relay (an account's "upload through relay"): the relay's gain is
// few round trips, so a batch's rows go together in one send (relay/sender.ts, which bundles the
// small ones), not one send per row. A row that starts takes its outcome from the send already
// carrying it, or starts a send of itself and of its batch's other rows waiting to go.

import type { ErrorInfo } from '../../shared/errors.js';
import { asFerryError } from '../engine/errors.js';
import type { RelayFile, RelayTarget, relayUpload } from '../relay/sender.js';

export interface RelayedRow {
  id: string;
  file: RelayFile;
}

/** `earlier`: an earlier send of the batch had finished it (the host's log), so it was not sent again. */
export type RelayOutcome = { ok: true; earlier: boolean } | { ok: false; error: ErrorInfo };

export class RelaySends {
  /** By row id: the outcome of the send carrying the row, settled when the host's line for it arrives or the send ends. */
  private readonly outcomes = new Map<string, Promise<RelayOutcome>>();

  constructor(private readonly send: typeof relayUpload) {}

  /**
   * The row's outcome: from the send already carrying it, else from a new send of it and of
   * `others` (its batch's rows waiting to go) not carried by a send yet.
   */
  outcome(row: RelayedRow, target: RelayTarget, others: () => RelayedRow[]): Promise<RelayOutcome> {
    const carried = this.outcomes.get(row.id);
    if (carried) return carried;
    const rows = [row, ...others().filter((o) => o.id !== row.id && !this.outcomes.has(o.id))];
    this.start(target, rows);
    return this.outcomes.get(row.id) as Promise<RelayOutcome>;
  }

  /** Forgets a row's outcome once the row has taken it (or was cancelled): its next run sends it again. */
  forget(rowId: string): void {
    this.outcomes.delete(rowId);
  }

  private start(target: RelayTarget, rows: RelayedRow[]): void {
    // By the file's name in the batch, which is how the host's lines name it.
    const waiting = new Map<string, (outcome: RelayOutcome) => void>();
    for (const row of rows) {
      this.outcomes.set(row.id, new Promise((resolve) => waiting.set(row.file.name, resolve)));
    }
    const settle = (name: string, outcome: RelayOutcome) => {
      waiting.get(name)?.(outcome.ok ? outcome : { ok: false, error: withoutToken(outcome.error, target.url) });
      waiting.delete(name);
    };
    void this.send(
      target,
      rows.map((r) => r.file),
      { onLine: (line) => settle(line.name, line.ok ? { ok: true, earlier: false } : { ok: false, error: line.error }) },
    ).then(
      (result) => {
        // Files without a line are those the host's log had (not sent), unless a stream of the
        // host's answer ended early: then which is which is unknown, and a retry asks the log again.
        const unanswered = [...waiting.keys()];
        const outcome: RelayOutcome =
          unanswered.length === result.alreadyDone
            ? { ok: true, earlier: true }
            : { ok: false, error: { code: 'ServerError', message: 'The relay ended without a word about this file; retry it (what the host finished is not sent again).' } };
        for (const name of unanswered) settle(name, outcome);
      },
      (error: unknown) => {
        const failed: RelayOutcome = { ok: false, error: asFerryError(error).toInfo() };
        for (const name of [...waiting.keys()]) settle(name, failed);
      },
    );
  }
}

/** The relay's token is a secret: an error message that quotes the address (an HTTP client's may) does not carry it to the UI. */
function withoutToken(error: ErrorInfo, url: string): ErrorInfo {
  const token = new URL(url).searchParams.get('token');
  return token ? { ...error, message: error.message.replaceAll(token, '…') } : error;
}
