// The transfer queue as the renderer knows it: rows by id, group rows with running totals, each
// transfer's segments and the throughput history, built from the host's snapshot and events. Each
// event costs what it changes: a changed row replaces its own entry and its group's totals (old row
// subtracted, new added); `order` is a new array only when rows come, go or move.
import type { BatchEvent, QueueEvent, QueueSnapshot } from '../../shared/api.js';
import { FINISHED_STATES, type QueueBatch, type QueueKind, type QueueRow } from '../../shared/queue.js';
import type { SegmentProgress, TransferEvent, TransferStatus, TransferSummary } from '../../shared/transfer.js';
import { waitingSentence } from '../../shared/waiting.js';
import { groupInsertIndex } from './queueLayout.js';
import { emptyTotals, replaceRow, type QueueTotals } from './queueTotals.js';
import { applySegments, isNewRun, type SegmentMapState } from './segmentMap.js';
import { ThroughputHistory } from './throughput.js';

/** A row as the panel shows it: the queue's row, and what the engine says of its transfer while it runs. */
export interface QueueRowView extends QueueRow {
  /** Bytes per second over the last seconds (the engine's figure); meaningful while active. */
  rate: number;
  /** The engine's status when it says more than the row's state (retrying). */
  transferStatus?: TransferStatus;
  /** Why the transfer is trying again, or what it waits for; gone once it moves on. */
  retryNote?: string;
  /** Something the engine said about this run (fewer parts in flight, resumed from the journal). */
  notice?: string;
}

/** A group row: one batch (a drop, an Upload… choice, a download selection) and its rows' totals. */
export interface QueueGroup {
  batchId: string;
  kind: QueueKind;
  createdAt: number;
  /** Unknown until its `queueBatch` event (rows can come first). */
  batch?: QueueBatch;
  /** How the batch last ended (its `batch` event); cleared when a row of it runs again. */
  ended?: BatchEvent;
  totals: QueueTotals;
}

// The app's own words for how to stop a transfer that waits for a server (the command line says Ctrl-C).
const HOW_TO_STOP = 'Pause or Cancel to stop';

function isFinished(state: QueueRow['state']): boolean {
  return FINISHED_STATES.includes(state);
}

/** A row from a `queue` event over what was known of it. */
function merged(before: QueueRowView | undefined, incoming: QueueRow): QueueRowView {
  const running = incoming.state === 'active';
  return {
    ...incoming,
    // While a row runs, its progress events are newer than the queue's copy of its bytes (sent up to a
    // quarter second later), so the larger of the two is the truth until the next progress event.
    bytesDone: running && before ? Math.max(incoming.bytesDone, before.bytesDone) : incoming.bytesDone,
    rate: running ? (before?.rate ?? 0) : 0,
    transferStatus: running ? before?.transferStatus : undefined,
    retryNote: running ? before?.retryNote : undefined,
    notice: running ? before?.notice : undefined,
  };
}

export class QueueModel {
  readonly rows = new Map<string, QueueRowView>();
  /** Per transfer id (a row's id), also for a row whose `queue` event has not come yet. */
  readonly segments = new Map<string, SegmentMapState>();
  readonly groups = new Map<string, QueueGroup>();
  /** Row ids in queue order (the order they start in). */
  order: readonly string[] = [];
  /** Group ids, oldest first. */
  groupOrder: readonly string[] = [];
  totals: QueueTotals = emptyTotals;
  readonly throughput = new ThroughputHistory();
  /** Each transfer's last status from the engine, to tell a new run (which plans its segments again). */
  private readonly runStatus = new Map<string, TransferStatus>();

  /** Everything from a snapshot (start, reconnect). Segments and throughput of rows still there stay. */
  load(snapshot: QueueSnapshot): void {
    const before = new Map(this.rows);
    const ended = new Map([...this.groups].map(([id, g]) => [id, g.ended]));
    this.rows.clear();
    this.groups.clear();
    this.groupOrder = [];
    this.totals = emptyTotals;
    const present = new Set(snapshot.rows.map((r) => r.id));
    for (const id of before.keys()) if (!present.has(id)) this.forgetTransfer(id);
    for (const batch of snapshot.batches) this.receiveBatch(batch);
    for (const row of snapshot.rows) {
      this.throughput.baseline(row.id, row.bytesDone);
      this.put(merged(before.get(row.id), row));
    }
    this.order = snapshot.rows.map((r) => r.id);
    for (const [id, event] of ended) {
      const group = this.groups.get(id);
      if (group && event) this.groups.set(id, { ...group, ended: event });
    }
  }

  receiveQueue(event: QueueEvent): void {
    const added: string[] = [];
    for (const incoming of event.rows) {
      const before = this.rows.get(incoming.id);
      if (!before) {
        added.push(incoming.id);
        this.throughput.baseline(incoming.id, incoming.bytesDone);
      }
      this.put(merged(before, incoming));
    }
    if (added.length > 0) this.order = [...this.order, ...added];
    if (event.removed.length > 0) this.remove(event.removed);
  }

  receiveBatch(batch: QueueBatch): void {
    const group = this.groupFor(batch.batchId, batch.kind, batch.createdAt);
    this.groups.set(batch.batchId, { ...group, batch, kind: batch.kind });
    if (group.createdAt !== batch.createdAt) this.placeGroup(batch.batchId, batch.createdAt);
  }

  receiveBatchEnd(event: BatchEvent, now: number): void {
    const group = this.groupFor(event.batchId, event.kind, now);
    this.groups.set(event.batchId, { ...group, ended: event });
  }

  receiveTransfer(event: TransferEvent, now: number): void {
    switch (event.type) {
      case 'progress':
        this.progress(event.transfer, event.segments, now);
        break;
      case 'finished':
        this.progress(event.transfer, [], now);
        break;
      case 'retry': {
        const row = this.rows.get(event.transferId);
        if (!row) return;
        const part = event.segment >= 0 ? ` ${row.kind === 'upload' ? 'part' : 'range'} ${event.segment + 1}` : '';
        const note = event.waitingUntil !== undefined ? waitingSentence(event.server, event.error, event.waitingUntil, HOW_TO_STOP) : `Retrying${part} (attempt ${event.attempt}): ${event.error.message}`;
        if (note !== row.retryNote) this.put({ ...row, retryNote: note });
        break;
      }
      case 'notice': {
        const row = this.rows.get(event.transferId);
        if (row && row.notice !== event.message) this.put({ ...row, notice: event.message });
        break;
      }
      case 'resumed': {
        const row = this.rows.get(event.transferId);
        if (!row) return;
        const what = event.kind === 'upload' ? 'parts' : 'ranges';
        const notice =
          event.restartedBecause !== undefined
            ? `Started over: ${event.restartedBecause}`
            : event.segmentsDone > 0
              ? `Resumed: ${event.segmentsDone.toLocaleString('en-US')} of ${event.segmentCount.toLocaleString('en-US')} ${what} were already done`
              : undefined;
        if (notice !== undefined) this.put({ ...row, notice });
        break;
      }
    }
  }

  /** The rows first, in the order given: the host's `moved` (rows it put at the top of the queue). */
  moveToTop(ids: readonly string[]): void {
    const chosen = ids.filter((id) => this.rows.has(id));
    if (chosen.length === 0) return;
    const set = new Set(chosen);
    this.order = [...chosen, ...this.order.filter((id) => !set.has(id))];
  }

  /** Group rows left with no rows and nothing to find (after Clear finished). */
  removeEmptyGroups(): void {
    const empty = this.groupOrder.filter((id) => {
      const group = this.groups.get(id);
      return !group || (group.totals.files === 0 && group.batch?.planning !== true);
    });
    if (empty.length === 0) return;
    for (const id of empty) this.groups.delete(id);
    const gone = new Set(empty);
    this.groupOrder = this.groupOrder.filter((id) => !gone.has(id));
  }

  private progress(transfer: TransferSummary, segments: readonly SegmentProgress[], now: number): void {
    const id = transfer.id;
    const newRun = isNewRun(this.runStatus.get(id), transfer.status);
    this.runStatus.set(id, transfer.status);
    const map = this.segments.get(id);
    const nextMap = applySegments(map, transfer, segments, newRun);
    if (nextMap !== map) this.segments.set(id, nextMap);
    this.throughput.record(id, transfer.bytesDone, now);

    const row = this.rows.get(id);
    if (!row) return;
    const retryNote = transfer.status === 'retrying' ? row.retryNote : undefined;
    if (row.bytesDone === transfer.bytesDone && row.rate === transfer.rate && row.transferStatus === transfer.status && row.retryNote === retryNote) return;
    this.put({ ...row, bytesDone: transfer.bytesDone, rate: transfer.rate, transferStatus: transfer.status, retryNote });
  }

  /** Sets a row and moves its group's and the queue's totals by the difference. */
  private put(row: QueueRowView): void {
    const before = this.rows.get(row.id);
    this.rows.set(row.id, row);
    const group = this.groupFor(row.batchId, row.kind, row.addedAt);
    // A row of an ended batch running again (retry): that ending is no longer the news.
    const rerun = group.ended !== undefined && !isFinished(row.state) && (before === undefined || isFinished(before.state));
    this.groups.set(row.batchId, { ...group, totals: replaceRow(group.totals, before, row), ended: rerun ? undefined : group.ended });
    this.totals = replaceRow(this.totals, before, row);
  }

  private remove(ids: readonly string[]): void {
    const gone = new Set<string>();
    const emptied = new Set<string>();
    for (const id of ids) {
      this.forgetTransfer(id);
      const row = this.rows.get(id);
      if (!row) continue;
      gone.add(id);
      this.rows.delete(id);
      const group = this.groups.get(row.batchId);
      if (group) {
        const totals = replaceRow(group.totals, row, undefined);
        this.groups.set(row.batchId, { ...group, totals });
        if (totals.files === 0 && group.batch?.planning !== true) emptied.add(row.batchId);
      }
      this.totals = replaceRow(this.totals, row, undefined);
    }
    if (gone.size > 0) this.order = this.order.filter((id) => !gone.has(id));
    if (emptied.size > 0) {
      for (const id of emptied) this.groups.delete(id);
      this.groupOrder = this.groupOrder.filter((id) => !emptied.has(id));
    }
  }

  private forgetTransfer(id: string): void {
    this.segments.delete(id);
    this.runStatus.delete(id);
    this.throughput.forget(id);
  }

  private groupFor(batchId: string, kind: QueueKind, createdAt: number): QueueGroup {
    const known = this.groups.get(batchId);
    if (known) return known;
    const group: QueueGroup = { batchId, kind, createdAt, totals: emptyTotals };
    this.groups.set(batchId, group);
    const at = groupInsertIndex(this.groupOrder, (id) => this.groups.get(id)?.createdAt ?? 0, createdAt);
    this.groupOrder = [...this.groupOrder.slice(0, at), batchId, ...this.groupOrder.slice(at)];
    return group;
  }

  private placeGroup(batchId: string, createdAt: number): void {
    const rest = this.groupOrder.filter((id) => id !== batchId);
    const at = groupInsertIndex(rest, (id) => this.groups.get(id)?.createdAt ?? 0, createdAt);
    this.groupOrder = [...rest.slice(0, at), batchId, ...rest.slice(at)];
    const group = this.groups.get(batchId);
    if (group) this.groups.set(batchId, { ...group, createdAt });
  }
}
