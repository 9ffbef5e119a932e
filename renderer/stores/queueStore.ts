// The transfer queue panel's state: the queue model (rows, group rows, segments, throughput) fed by
// the host's snapshot and events, the selection, which rows and groups are open, and the actions
// on rows. Views are told of model changes at most once a frame, so a burst of progress events
// (one per running transfer) costs one render of the rows that changed.
import { create } from 'zustand';
import type { BatchEvent, QueueBatchEvent, QueueEvent } from '../../shared/api.js';
import { FINISHED_STATES } from '../../shared/queue.js';
import type { TransferEvent } from '../../shared/transfer.js';
import { call } from '../bridge.js';
import { QueueModel, type QueueGroup, type QueueRowView } from '../model/queueModel.js';
import type { QueueTotals } from '../model/queueTotals.js';
import type { SegmentMapState } from '../model/segmentMap.js';
import { clickRow, emptySelection, moveCursor, selectAll, type ClickMode, type Keyed, type Selection } from '../model/selection.js';
import type { ThroughputHistory } from '../model/throughput.js';
import { reportError, useUiStore } from './uiStore.js';

export type QueueHostEvent = QueueEvent | QueueBatchEvent | BatchEvent | TransferEvent;

type RowCall = 'queue.pause' | 'queue.resume' | 'queue.cancel' | 'queue.retry';

interface QueueStore {
  loaded: boolean;
  /**
   * Moves whenever the model changed. The maps below are the model's own and change in place
   * (copying 10,000 rows per progress event is what this store avoids); every change replaces the
   * entry it changes, so a selector of one entry sees a new object exactly when that entry changed.
   */
  version: number;
  rows: ReadonlyMap<string, QueueRowView>;
  segments: ReadonlyMap<string, SegmentMapState>;
  groups: ReadonlyMap<string, QueueGroup>;
  /** Row ids in queue order; a new array only when rows come, go or move. */
  order: readonly string[];
  /** Group ids, oldest first. */
  groupOrder: readonly string[];
  totals: QueueTotals;
  throughput: ThroughputHistory;
  /** Row ids; the cursor is the row the graph follows. */
  selection: Selection;
  /** Rows whose segment map is open. */
  expandedRows: ReadonlySet<string>;
  /** Group rows whose rows are hidden. */
  collapsedGroups: ReadonlySet<string>;

  load: () => Promise<void>;
  receive: (event: QueueHostEvent) => void;
  download: (request: { accountId: string; bucket: string; keys: string[]; prefixes: string[] }) => Promise<void>;
  /** Without ids: every row ("Pause all", "Resume all"). */
  pause: (ids?: string[]) => Promise<void>;
  resume: (ids?: string[]) => Promise<void>;
  cancel: (ids: string[]) => Promise<void>;
  retry: (ids: string[]) => Promise<void>;
  moveToTop: (ids: string[]) => Promise<void>;
  /** A batch's rows and its planning, if it is still finding files. */
  cancelBatch: (batchId: string) => Promise<void>;
  clearFinished: () => Promise<void>;
  click: (rows: readonly Keyed[], index: number, mode: ClickMode) => void;
  /** Arrow keys: the cursor to a row, with Shift extending the range. */
  moveCursorTo: (rows: readonly Keyed[], index: number, extend: boolean) => void;
  selectAll: (rows: readonly Keyed[]) => void;
  clearSelection: () => void;
  toggleRow: (id: string) => void;
  toggleGroup: (batchId: string) => void;
}

/** The selected rows, in no particular order. */
export function selectedIds(s: Pick<QueueStore, 'selection'>): string[] {
  return [...s.selection.selected];
}

/** The rows of a group, in queue order (a scan of the queue: for actions, not for rendering). */
export function groupRowIds(s: Pick<QueueStore, 'order' | 'rows'>, batchId: string): string[] {
  return s.order.filter((id) => s.rows.get(id)?.batchId === batchId);
}

/** The selection without rows that are gone. */
function withoutRows(selection: Selection, gone: (id: string) => boolean): Selection {
  if (![...selection.selected].some(gone)) return selection;
  const selected = new Set([...selection.selected].filter((id) => !gone(id)));
  const keep = (id: string | null) => (id !== null && !gone(id) ? id : null);
  return { selected, anchor: keep(selection.anchor), cursor: keep(selection.cursor) };
}

function without(set: ReadonlySet<string>, ids: readonly string[]): ReadonlySet<string> {
  if (!ids.some((id) => set.has(id))) return set;
  const next = new Set(set);
  for (const id of ids) next.delete(id);
  return next;
}

function toggled(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(set);
  if (!next.delete(id)) next.add(id);
  return next;
}

export const useQueueStore = create<QueueStore>()((set, get) => {
  const model = new QueueModel();
  let frameRequested = false;

  function publish(): void {
    frameRequested = false;
    set((s) => ({ version: s.version + 1, order: model.order, groupOrder: model.groupOrder, totals: model.totals }));
  }

  /** Tells the views once per frame, however many events came in it. */
  function changed(): void {
    if (frameRequested) return;
    frameRequested = true;
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(publish);
    else setTimeout(publish, 16);
  }

  async function rowCall(name: RowCall, ids: string[] | undefined): Promise<void> {
    if (ids?.length === 0) return;
    const result = await call(name, ids ? { ids } : {});
    if (!result.ok) reportError(result.error);
  }

  return {
    loaded: false,
    version: 0,
    rows: model.rows,
    segments: model.segments,
    groups: model.groups,
    order: model.order,
    groupOrder: model.groupOrder,
    totals: model.totals,
    throughput: model.throughput,
    selection: emptySelection,
    expandedRows: new Set(),
    collapsedGroups: new Set(),

    load: async () => {
      const result = await call('queue.list', {});
      if (!result.ok) {
        reportError(result.error);
        return;
      }
      model.load(result.value);
      const gone = (id: string) => !model.rows.has(id);
      set((s) => ({ loaded: true, selection: withoutRows(s.selection, gone), expandedRows: without(s.expandedRows, [...s.expandedRows].filter(gone)) }));
      publish();
    },

    receive: (event) => {
      switch (event.type) {
        case 'queue': {
          model.receiveQueue(event);
          if (event.moved) model.moveToTop(event.moved);
          if (event.removed.length > 0) {
            const removed = new Set(event.removed);
            set((s) => ({ selection: withoutRows(s.selection, (id) => removed.has(id)), expandedRows: without(s.expandedRows, event.removed) }));
          }
          break;
        }
        case 'queueBatch': {
          const isNew = !model.groups.has(event.batch.batchId);
          model.receiveBatch(event.batch);
          // A new batch (a drop, an Upload… choice, a download) shows itself.
          if (isNew && get().loaded) useUiStore.getState().setQueueOpen(true);
          break;
        }
        case 'batch':
          model.receiveBatchEnd(event, Date.now());
          break;
        default:
          model.receiveTransfer(event, Date.now());
      }
      changed();
    },

    download: async (request) => {
      const result = await call('transfers.download', request);
      if (!result.ok) {
        reportError(result.error);
        return;
      }
      const { served } = result.value;
      if (served) useUiStore.getState().showNotice(`${served.because} Downloading from the replica ${served.location} instead.`);
      // Its rows come as `queue` events; the panel opens to show them.
      useUiStore.getState().setQueueOpen(true);
    },

    pause: (ids) => rowCall('queue.pause', ids),
    resume: (ids) => rowCall('queue.resume', ids),
    cancel: (ids) => rowCall('queue.cancel', ids),
    retry: (ids) => rowCall('queue.retry', ids),

    moveToTop: async (ids) => {
      if (ids.length === 0) return;
      const result = await call('queue.moveToTop', { ids });
      if (!result.ok) {
        reportError(result.error);
        return;
      }
      // The host's next `queue` event says where the rows went (`moved`), for every window alike.
    },

    cancelBatch: async (batchId) => {
      const result = await call('transfers.cancel', { batchId });
      if (!result.ok) reportError(result.error);
    },

    clearFinished: async () => {
      const result = await call('queue.clearFinished', {});
      if (!result.ok) {
        reportError(result.error);
        return;
      }
      // What the host removed is every row that had ended; its `queue` event saying so may come later.
      const finished = get().order.filter((id) => {
        const row = model.rows.get(id);
        return row !== undefined && FINISHED_STATES.includes(row.state);
      });
      get().receive({ type: 'queue', rows: [], removed: finished });
      model.removeEmptyGroups();
      changed();
    },

    click: (rows, index, mode) => set((s) => ({ selection: clickRow(s.selection, rows, index, mode) })),
    moveCursorTo: (rows, index, extend) => set((s) => ({ selection: moveCursor(s.selection, rows, index, extend) })),
    selectAll: (rows) => set((s) => ({ selection: selectAll(s.selection, rows) })),
    clearSelection: () => set({ selection: emptySelection }),
    toggleRow: (id) => set((s) => ({ expandedRows: toggled(s.expandedRows, id) })),
    toggleGroup: (batchId) => set((s) => ({ collapsedGroups: toggled(s.collapsedGroups, batchId) })),
  };
});
