// The bucket browser: where the user is (account, bucket, prefix, history), the rows of that place as
// they stream in from `listing` events, the sorted and filtered view of them, and the selection.
import { create } from 'zustand';
import type { Account, CallResult, ListingEvent, ListingServed } from '../../shared/api.js';
import { call } from '../bridge.js';
import { entriesFromPage, entryComparator, filterRows, mergeSorted, type Entry, type SortColumn, type SortOrder } from '../model/objectEntries.js';
import { clickRow, emptySelection, indexOfKey, keepVisible, moveCursor, selectAll, type ClickMode, type Keyed, type Selection } from '../model/selection.js';
import { formatCount } from '../model/format.js';
import { newRequestId } from '../requestIds.js';
import { reportError, useUiStore } from './uiStore.js';

export interface BrowseLocation {
  /** null: the account's bucket list. */
  bucket: string | null;
  prefix: string;
}

export interface BucketEntry extends Keyed {
  /** The bucket's name (the key the selection uses). */
  key: string;
  search: string;
  created?: number;
}

export type ListingState = 'idle' | 'listing' | 'done' | 'error';

interface BrowserStore {
  account: Account | null;
  location: BrowseLocation;
  backStack: BrowseLocation[];
  forwardStack: BrowseLocation[];
  buckets: BucketEntry[];
  bucketView: BucketEntry[];
  /** Every row of the listing, sorted. */
  entries: Entry[];
  /** The rows the filter lets through, sorted; the same array as `entries` when there is no filter. */
  objectView: Entry[];
  listingId: string | null;
  listingState: ListingState;
  listingError: string | null;
  /** The listing shown did not come from the bucket's endpoint (down): from its replica, or kept from before. */
  listingServed: ListingServed | null;
  sort: SortOrder;
  filter: string;
  selection: Selection;

  openAccount: (account: Account | null) => void;
  openBucket: (bucket: string) => void;
  openPrefix: (prefix: string) => void;
  /** Opens the folder or bucket under the keyboard cursor. */
  openCursor: () => void;
  goBack: () => void;
  goForward: () => void;
  goUp: () => void;
  refresh: () => void;
  receiveListing: (event: ListingEvent) => void;
  connectionLost: () => void;
  setSort: (column: SortColumn) => void;
  setFilter: (text: string) => void;
  click: (index: number, mode: ClickMode) => void;
  moveCursorTo: (index: number, extend: boolean) => void;
  selectAll: () => void;
  clearSelection: () => void;
  /** Type-ahead: puts the cursor on the next row (from the cursor's, or after it) whose name starts with `text`. */
  jumpTo: (text: string, afterCursor: boolean) => boolean;
  deleteItems: (keys: string[], prefixes: string[]) => Promise<void>;
  createFolder: (name: string) => Promise<CallResult<'browse.createFolder'>>;
  shareUrl: (key: string, expiresSeconds: number) => Promise<CallResult<'browse.shareUrl'>>;
}

const ROOT: BrowseLocation = { bucket: null, prefix: '' };

/** Entries of the current view: buckets at the top level, objects inside a bucket. */
export function currentView(s: Pick<BrowserStore, 'location' | 'bucketView' | 'objectView'>): readonly (Entry | BucketEntry)[] {
  return s.location.bucket === null ? s.bucketView : s.objectView;
}

/** The selected rows, in view order (stale keys from before a refresh drop out here). */
export function selectedEntries(s: BrowserStore): Entry[] {
  if (s.location.bucket === null || s.selection.selected.size === 0) return [];
  return s.objectView.filter((e) => s.selection.selected.has(e.key));
}

/** The one selected row, if exactly one is selected. */
export function singleSelected(s: BrowserStore): Entry | null {
  // Toolbars re-run this on every listing page, so it bails out before any scan of the rows it can.
  if (s.location.bucket === null || s.selection.selected.size !== 1) return null;
  const [key] = s.selection.selected;
  return s.objectView.find((e) => e.key === key) ?? null;
}

/** The one file the Info panel and Share link act on. */
export function focusedFile(s: BrowserStore): Entry | null {
  const entry = singleSelected(s);
  return entry?.kind === 'file' ? entry : null;
}

/** The folder directly under `parent` on the way to `child`, e.g. parent a/, child a/b/c/ → a/b/. */
function childOnTheWay(parent: BrowseLocation, child: BrowseLocation): string | null {
  if (parent.bucket === null) return child.bucket;
  if (parent.bucket !== child.bucket || !child.prefix.startsWith(parent.prefix) || child.prefix === parent.prefix) return null;
  const rest = child.prefix.slice(parent.prefix.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? null : parent.prefix + rest.slice(0, slash + 1);
}

function parentOf(location: BrowseLocation): BrowseLocation | null {
  if (location.bucket === null) return null;
  if (location.prefix === '') return ROOT;
  const trimmed = location.prefix.slice(0, -1);
  const slash = trimmed.lastIndexOf('/');
  return { bucket: location.bucket, prefix: slash === -1 ? '' : trimmed.slice(0, slash + 1) };
}

function sameLocation(a: BrowseLocation, b: BrowseLocation): boolean {
  return a.bucket === b.bucket && a.prefix === b.prefix;
}

// Pages waiting for the next flush. Pages can arrive faster than frames; merging them together costs
// one merge per flush instead of one per page, and React renders once.
let pendingRows: Entry[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
const FLUSH_MS = 16;
// Answers to a bucket-list request that is no longer the current one are dropped.
let bucketRequest = 0;

export const useBrowserStore = create<BrowserStore>()((set, get) => {
  function flushRows(): void {
    if (flushTimer !== null) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    if (pendingRows.length === 0) return;
    const batch = pendingRows;
    pendingRows = [];
    const s = get();
    const compare = entryComparator(s.sort);
    batch.sort(compare);
    const entries = mergeSorted(s.entries, batch, compare);
    const filter = s.filter.toLowerCase();
    const objectView = filter === '' ? entries : mergeSorted(s.objectView, filterRows(batch, filter), compare);
    set({ entries, objectView });
  }

  function cancelListing(): void {
    const listingId = get().listingId;
    pendingRows = [];
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    if (listingId !== null && get().listingState === 'listing') {
      void call('browse.cancelListing', { listingId }).then((r) => {
        if (!r.ok) reportError(r.error);
      });
    }
    set({ listingId: null });
  }

  async function loadBuckets(account: Account): Promise<void> {
    const request = ++bucketRequest;
    set({ buckets: [], bucketView: [], listingState: 'listing', listingError: null, listingServed: null });
    const result = await call('browse.buckets', { accountId: account.id });
    if (request !== bucketRequest || get().account?.id !== account.id || get().location.bucket !== null) return;
    if (!result.ok) {
      set({ listingState: 'error', listingError: result.error.message });
      reportError(result.error);
      return;
    }
    const buckets = result.value
      .map((b): BucketEntry => {
        const created = b.created ? Date.parse(b.created) : NaN;
        return { key: b.name, search: b.name.toLowerCase(), created: Number.isNaN(created) ? undefined : created };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    const filter = get().filter.toLowerCase();
    set({ buckets, bucketView: filterRows(buckets, filter), listingState: 'done' });
  }

  async function startListing(account: Account, bucket: string, prefix: string): Promise<void> {
    const listingId = newRequestId();
    set({ listingId, entries: [], objectView: [], listingState: 'listing', listingError: null, listingServed: null });
    const result = await call('browse.list', { accountId: account.id, bucket, prefix, listingId });
    if (!result.ok && get().listingId === listingId) {
      set({ listingState: 'error', listingError: result.error.message });
      reportError(result.error);
    }
  }

  function show(location: BrowseLocation, history: 'push' | 'none', selection: Selection = emptySelection): void {
    const { account, location: from } = get();
    if (!account) return;
    cancelListing();
    if (history === 'push' && !sameLocation(from, location)) set((s) => ({ backStack: [...s.backStack, from], forwardStack: [] }));
    // Coming out of a folder selects it, so the keyboard user keeps their place.
    const cameFrom = childOnTheWay(location, from);
    const start = selection !== emptySelection || cameFrom === null ? selection : { selected: new Set([cameFrom]), anchor: cameFrom, cursor: cameFrom };
    set({ location, filter: sameLocation(from, location) ? get().filter : '', selection: start });
    if (location.bucket === null) void loadBuckets(account);
    else void startListing(account, location.bucket, location.prefix);
  }

  function applySelection(next: Selection): void {
    if (next !== get().selection) set({ selection: next });
  }

  return {
    account: null,
    location: ROOT,
    backStack: [],
    forwardStack: [],
    buckets: [],
    bucketView: [],
    entries: [],
    objectView: [],
    listingId: null,
    listingState: 'idle',
    listingError: null,
    listingServed: null,
    sort: { column: 'name', descending: false },
    filter: '',
    selection: emptySelection,

    openAccount: (account) => {
      cancelListing();
      set({ account, location: ROOT, backStack: [], forwardStack: [], buckets: [], bucketView: [], entries: [], objectView: [], filter: '', selection: emptySelection, listingState: 'idle', listingError: null, listingServed: null });
      if (account) void loadBuckets(account);
    },
    openBucket: (bucket) => show({ bucket, prefix: '' }, 'push'),
    openPrefix: (prefix) => {
      const bucket = get().location.bucket;
      if (bucket !== null) show({ bucket, prefix }, 'push');
    },
    openCursor: () => {
      const s = get();
      const cursor = s.selection.cursor;
      if (cursor === null) return;
      if (s.location.bucket === null) s.openBucket(cursor);
      else if (s.objectView.find((e) => e.key === cursor)?.kind === 'folder') s.openPrefix(cursor);
    },
    goBack: () => {
      const { backStack, location } = get();
      const target = backStack.at(-1);
      if (!target) return;
      set((s) => ({ backStack: s.backStack.slice(0, -1), forwardStack: [...s.forwardStack, location] }));
      show(target, 'none');
    },
    goForward: () => {
      const { forwardStack, location } = get();
      const target = forwardStack.at(-1);
      if (!target) return;
      set((s) => ({ forwardStack: s.forwardStack.slice(0, -1), backStack: [...s.backStack, location] }));
      show(target, 'none');
    },
    goUp: () => {
      const parent = parentOf(get().location);
      if (parent) show(parent, 'push');
    },
    refresh: () => show(get().location, 'none', get().selection),

    receiveListing: (event) => {
      if (event.listingId !== get().listingId) return;
      const prefix = get().location.prefix;
      const rows = entriesFromPage(prefix, event.objects, event.prefixes);
      for (const row of rows) pendingRows.push(row);
      if (!event.done) {
        // The first page shows at once; later ones are gathered for a frame.
        if (get().entries.length === 0) flushRows();
        else flushTimer ??= setTimeout(flushRows, FLUSH_MS);
        return;
      }
      flushRows();
      if (event.error) {
        set({ listingState: 'error', listingError: event.error.message });
        reportError(event.error);
      } else {
        set((s) => ({ listingState: 'done', listingServed: event.served ?? null, selection: keepVisible(s.selection, s.objectView) }));
      }
    },

    connectionLost: () => {
      if (get().listingState !== 'listing') return;
      const message = "The connection to Ferry's host was lost during the listing. Refresh once it is back.";
      pendingRows = [];
      set({ listingId: null, listingState: 'error', listingError: message });
      reportError({ code: 'NetworkError', message });
    },

    setSort: (column) => {
      flushRows();
      const s = get();
      const sort = { column, descending: s.sort.column === column ? !s.sort.descending : false };
      const compare = entryComparator(sort);
      const entries = [...s.entries].sort(compare);
      const filter = s.filter.toLowerCase();
      set({ sort, entries, objectView: filterRows(entries, filter) });
    },

    setFilter: (text) => {
      flushRows();
      const s = get();
      const filter = text.toLowerCase();
      const objectView = filterRows(s.entries, filter);
      const bucketView = filterRows(s.buckets, filter);
      set({ filter: text, objectView, bucketView, selection: keepVisible(s.selection, currentView({ location: s.location, objectView, bucketView })) });
    },

    click: (index, mode) => applySelection(clickRow(get().selection, currentView(get()), index, mode)),
    moveCursorTo: (index, extend) => applySelection(moveCursor(get().selection, currentView(get()), index, extend)),
    selectAll: () => applySelection(selectAll(get().selection, currentView(get()))),
    clearSelection: () => set((s) => ({ selection: { ...s.selection, selected: new Set() } })),
    jumpTo: (text, afterCursor) => {
      const view = currentView(get());
      const needle = text.toLowerCase();
      const from = Math.max(0, indexOfKey(view, get().selection.cursor) + (afterCursor ? 1 : 0));
      // Search from the cursor on, then wrap around.
      let found = -1;
      for (let n = 0; n < view.length && found === -1; n++) {
        const i = (from + n) % view.length;
        if (view[i]?.search.startsWith(needle)) found = i;
      }
      if (found === -1) return false;
      applySelection(moveCursor(get().selection, view, found, false));
      return true;
    },

    deleteItems: async (keys, prefixes) => {
      const { account, location } = get();
      if (!account || location.bucket === null) return;
      const result = await call('browse.delete', { accountId: account.id, bucket: location.bucket, keys, prefixes });
      if (!result.ok) reportError(result.error);
      else useUiStore.getState().showNotice(`Deleted ${formatCount(result.value.deleted, 'object', 'objects')}.`);
      // Refresh either way: a failed delete of many may have removed some.
      if (sameLocation(get().location, location)) show(location, 'none', emptySelection);
    },

    createFolder: async (name) => {
      const { account, location } = get();
      if (!account || location.bucket === null) return { ok: false, error: { code: 'InvalidInput', message: 'Open a bucket first.' } };
      const clean = name.trim().replace(/^\/+|\/+$/g, '');
      if (clean === '') return { ok: false, error: { code: 'InvalidInput', message: 'Give the folder a name.' } };
      const prefix = `${location.prefix}${clean}/`;
      const result = await call('browse.createFolder', { accountId: account.id, bucket: location.bucket, prefix });
      if (result.ok && sameLocation(get().location, location)) {
        // Select the new folder (its top segment, if the name had slashes) so it is easy to find.
        const top = `${location.prefix}${clean.split('/')[0] ?? clean}/`;
        show(location, 'none', { selected: new Set([top]), anchor: top, cursor: top });
      }
      return result;
    },

    shareUrl: async (key, expiresSeconds) => {
      const { account, location } = get();
      if (!account || location.bucket === null) return { ok: false, error: { code: 'InvalidInput', message: 'Open a bucket first.' } };
      return call('browse.shareUrl', { accountId: account.id, bucket: location.bucket, key, expiresSeconds });
    },
  };
});
