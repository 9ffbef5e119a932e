// The bottom panel: every upload and download in the queue, grouped by batch, as a virtualized list
// (10,000 rows scroll with only the visible ones in the DOM), with the throughput graph beside it
// and buttons for the selection and the whole queue. Its top edge resizes it; its header collapses it.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent, type PointerEvent, type RefObject } from 'react';
import { formatDuration, formatRate } from '../model/format.js';
import { queueLayout } from '../model/queueLayout.js';
import { progressFraction, unfinished } from '../model/queueTotals.js';
import { secondsLeft } from '../model/queueText.js';
import { FINISHED_STATES } from '../../shared/queue.js';
import { selectedIds, useQueueStore } from '../stores/queueStore.js';
import { useUiStore, type MenuItem } from '../stores/uiStore.js';
import { ChevronIcon, GearIcon } from './icons.js';
import { clickMode } from './ObjectTable.js';
import { QueueGroupRow } from './QueueGroupRow.js';
import { ACTION_ICON, ACTION_LABEL, actionsFor, QueueRow, runAction, type RowAction } from './QueueRow.js';
import { ThroughputGraph } from './ThroughputGraph.js';

// First guesses for the virtualizer; each item is measured once shown (open rows and groups with problems are taller).
const ROW_HEIGHT = 40;
const GROUP_HEIGHT = 44;
// The panel's height stays between a header and a few rows, and leaves the table a few rows too.
const MIN_HEIGHT = 140;
const TABLE_ROOM = 180;
const RESIZE_STEP = 24;

/** The actions that apply to at least one selected row, in toolbar order, as one string (a stable selector result). */
function selectionActions(s: ReturnType<typeof useQueueStore.getState>): string {
  const found = new Set<RowAction>();
  for (const id of s.selection.selected) {
    const row = s.rows.get(id);
    if (row) for (const action of actionsFor(row.state)) found.add(action);
    if (found.size === 5) break;
  }
  return (['pause', 'resume', 'retry', 'cancel', 'move-to-top'] as const).filter((a) => found.has(a)).join(' ');
}

/** Rows that ended, or group rows with no rows left (every item skipped or refused). */
function anythingToClear(s: ReturnType<typeof useQueueStore.getState>): boolean {
  if (FINISHED_STATES.some((state) => s.totals.states[state] > 0)) return true;
  for (const group of s.groups.values()) if (group.totals.files === 0 && group.batch?.planning !== true) return true;
  return false;
}

function selectionMenu(): MenuItem[] {
  const s = useQueueStore.getState();
  const available = new Set(selectionActions(s).split(' '));
  const ids = selectedIds(s);
  const count = ids.length > 1 ? ` ${ids.length.toLocaleString('en-US')} rows` : '';
  return (['pause', 'resume', 'retry', 'move-to-top', 'cancel'] as const).map((action) => ({
    label: `${ACTION_LABEL[action]}${count}`,
    action: `${action}-selected`,
    disabled: !available.has(action),
    danger: action === 'cancel',
    run: () => runAction(action, selectedIds(useQueueStore.getState())),
  }));
}

function QueueSummary() {
  const totals = useQueueStore((s) => s.totals);
  const loaded = useQueueStore((s) => s.loaded);
  if (!loaded || totals.files === 0) return null;
  const left = secondsLeft(totals.bytes - totals.bytesDone, totals.rate, totals.states.active > 0);
  const waiting = unfinished(totals);
  const parts = [
    waiting > 0 ? `${waiting.toLocaleString('en-US')} to go` : 'all finished',
    totals.states.failed > 0 ? `${totals.states.failed.toLocaleString('en-US')} failed` : '',
    totals.rate > 0 ? formatRate(totals.rate) : '',
    waiting > 0 ? `${Math.floor(progressFraction(totals) * 100)}%` : '',
    left !== undefined ? `${formatDuration(left)} left` : '',
  ].filter(Boolean);
  return (
    <span className="queue-summary" data-testid="queue-summary">
      {totals.states.active > 0 && <span className="badge">{totals.states.active.toLocaleString('en-US')} active</span>}
      {parts.join(' · ')}
    </span>
  );
}

function QueueToolbar() {
  const actions = useQueueStore(selectionActions);
  const selectedCount = useQueueStore((s) => s.selection.selected.size);
  const canPauseAll = useQueueStore((s) => s.totals.states.queued + s.totals.states.active > 0);
  const canResumeAll = useQueueStore((s) => s.totals.states.paused > 0);
  const hasFinished = useQueueStore(anythingToClear);
  const openDialog = useUiStore((s) => s.openDialog);
  const queue = useQueueStore.getState();
  const available = new Set(actions.split(' '));
  const selectionButton = (action: RowAction) => {
    const Icon = ACTION_ICON[action];
    return (
      <button
        key={action}
        type="button"
        className="icon-button"
        data-action={`${action}-selected`}
        aria-label={`${ACTION_LABEL[action]} selected`}
        title={`${ACTION_LABEL[action]} selected`}
        disabled={!available.has(action)}
        onClick={() => runAction(action, selectedIds(useQueueStore.getState()))}
      >
        <Icon />
      </button>
    );
  };

  return (
    <div className="queue-toolbar" role="toolbar" aria-label="Queue">
      {/* The selection's buttons only while there is one: the header keeps its room for the summary. */}
      {selectedCount > 0 && (
        <>
          <span className="queue-selected">{selectedCount.toLocaleString('en-US')} selected</span>
          {(['pause', 'resume', 'retry', 'move-to-top', 'cancel'] as const).map(selectionButton)}
          <span className="toolbar-separator" />
        </>
      )}
      <button type="button" className="button small" data-action="pause-all" disabled={!canPauseAll} onClick={() => void queue.pause()}>
        Pause all
      </button>
      <button type="button" className="button small" data-action="resume-all" disabled={!canResumeAll} onClick={() => void queue.resume()}>
        Resume all
      </button>
      <button type="button" className="button small" data-action="clear-finished" disabled={!hasFinished} onClick={() => void queue.clearFinished()}>
        Clear finished
      </button>
      <button type="button" className="icon-button" data-action="settings" aria-label="Transfer settings" title="Transfer settings" onClick={() => openDialog({ kind: 'queue-settings' })}>
        <GearIcon />
      </button>
    </div>
  );
}

function QueueList() {
  const order = useQueueStore((s) => s.order);
  const groupOrder = useQueueStore((s) => s.groupOrder);
  const collapsed = useQueueStore((s) => s.collapsedGroups);
  const loaded = useQueueStore((s) => s.loaded);
  const openContextMenu = useUiStore((s) => s.openContextMenu);
  const scrollRef = useRef<HTMLDivElement>(null);

  // A row's batch never changes, so the layout needs the rows' map only to read it, not to follow it.
  const layout = useMemo(() => queueLayout(order, (id) => useQueueStore.getState().rows.get(id)?.batchId, groupOrder, collapsed), [order, groupOrder, collapsed]);

  const virtualizer = useVirtualizer({
    count: layout.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (layout.items[index]?.kind === 'group' ? GROUP_HEIGHT : ROW_HEIGHT),
    getItemKey: (index) => {
      const item = layout.items[index];
      return item ? (item.kind === 'group' ? `group:${item.batchId}` : item.id) : index;
    },
    overscan: 8,
  });

  // A batch that arrives after the queue was read shows itself: the list scrolls to its group row.
  const groupCount = groupOrder.length;
  const lastGroup = groupOrder.at(-1);
  const seenGroups = useRef<number | null>(null);
  useEffect(() => {
    if (!loaded) return;
    if (seenGroups.current !== null && groupCount > seenGroups.current && lastGroup !== undefined) {
      const at = layout.items.findIndex((item) => item.kind === 'group' && item.batchId === lastGroup);
      if (at !== -1) virtualizer.scrollToIndex(at, { align: 'start' });
    }
    seenGroups.current = groupCount;
  }, [loaded, groupCount, lastGroup, layout, virtualizer]);

  function rowIndexOf(event: MouseEvent): number | null {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-row-index]');
    return row ? Number(row.dataset.rowIndex) : null;
  }

  function onClick(event: MouseEvent): void {
    // A row's own buttons act on that row; they do not change the selection.
    if ((event.target as HTMLElement).closest('button')) return;
    const index = rowIndexOf(event);
    if (index === null) {
      if (!(event.target as HTMLElement).closest('[data-testid="queue-group"]')) useQueueStore.getState().clearSelection();
      return;
    }
    useQueueStore.getState().click(layout.rows, index, clickMode(event));
  }

  function onContextMenu(event: MouseEvent): void {
    const index = rowIndexOf(event);
    if (index === null) return;
    event.preventDefault();
    const store = useQueueStore.getState();
    const id = layout.rows[index]?.key;
    // Right-click on a row outside the selection acts on that row alone, as in file managers.
    if (id !== undefined && !store.selection.selected.has(id)) store.click(layout.rows, index, 'replace');
    openContextMenu({ x: event.clientX, y: event.clientY, items: selectionMenu() });
  }

  /** The list item of the row at `rowIndex` (rows are the items that are not group rows). */
  function itemIndexOfRow(rowIndex: number): number {
    return layout.items.findIndex((item) => item.kind === 'row' && item.rowIndex === rowIndex);
  }

  function openMenuAtCursor(): void {
    const cursor = useQueueStore.getState().selection.cursor;
    const row = cursor === null ? null : scrollRef.current?.querySelector<HTMLElement>(`[data-testid="queue-row"][data-id="${CSS.escape(cursor)}"]`);
    const box = (row ?? scrollRef.current)?.getBoundingClientRect();
    if (box && useQueueStore.getState().selection.selected.size > 0) openContextMenu({ x: box.left + 60, y: box.top + (row ? 36 : 0), items: selectionMenu() });
  }

  // Arrows move the cursor (Shift extends), Enter opens its segment map, Escape clears, Ctrl/Cmd+A selects all.
  function onKeyDown(event: KeyboardEvent): void {
    if ((event.target as HTMLElement).closest('button')) return;
    const store = useQueueStore.getState();
    const cursor = layout.rows.findIndex((r) => r.key === store.selection.cursor);
    const move = (to: number) => {
      store.moveCursorTo(layout.rows, to, event.shiftKey);
      const at = itemIndexOfRow(Math.max(0, Math.min(layout.rows.length - 1, to)));
      if (at !== -1) virtualizer.scrollToIndex(at, { align: 'auto' });
    };
    if (event.key === 'ArrowDown') move(cursor + 1);
    else if (event.key === 'ArrowUp') move(cursor === -1 ? 0 : cursor - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(layout.rows.length - 1);
    else if (event.key === 'Enter' && store.selection.cursor !== null) store.toggleRow(store.selection.cursor);
    else if (event.key === 'Escape' && store.selection.selected.size > 0) store.clearSelection();
    else if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'a') store.selectAll(layout.rows);
    else if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) openMenuAtCursor();
    // Delete here is not the window's Delete (which deletes the objects selected in the table above).
    else if (event.key !== 'Delete') return;
    event.preventDefault();
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div ref={scrollRef} className="queue-list" data-testid="queue-list" role="grid" aria-label="Transfers" aria-multiselectable="true" tabIndex={0} onClick={onClick} onContextMenu={onContextMenu} onKeyDown={onKeyDown}>
      <div className="queue-items" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((virtual) => {
          const item = layout.items[virtual.index];
          if (!item) return null;
          return item.kind === 'group' ? (
            <QueueGroupRow key={virtual.key} batchId={item.batchId} index={virtual.index} top={virtual.start} measure={virtualizer.measureElement} />
          ) : (
            <QueueRow key={virtual.key} id={item.id} index={virtual.index} rowIndex={item.rowIndex} top={virtual.start} measure={virtualizer.measureElement} />
          );
        })}
      </div>
      {loaded && layout.items.length === 0 && <div className="queue-empty">Uploads and downloads you start appear here.</div>}
    </div>
  );
}

/** The panel's top edge: drag it, or focus it and use the arrow keys, to change the panel's height. */
function ResizeHandle({ panel }: { panel: RefObject<HTMLElement | null> }) {
  const height = useUiStore((s) => s.queueHeight);
  const setHeight = useUiStore((s) => s.setQueueHeight);
  const clamp = (h: number) => Math.round(Math.max(MIN_HEIGHT, Math.min(window.innerHeight - TABLE_ROOM, h)));

  function onPointerDown(event: PointerEvent<HTMLDivElement>): void {
    const start = { y: event.clientY, height: panel.current?.getBoundingClientRect().height ?? height };
    event.currentTarget.setPointerCapture(event.pointerId);
    const handle = event.currentTarget;
    const move = (e: globalThis.PointerEvent) => setHeight(clamp(start.height + start.y - e.clientY));
    const end = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'ArrowUp') setHeight(clamp(height + RESIZE_STEP));
    else if (event.key === 'ArrowDown') setHeight(clamp(height - RESIZE_STEP));
    else return;
    event.preventDefault();
  }

  return (
    <div
      className="queue-resize"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the transfers panel"
      aria-valuenow={height}
      aria-valuemin={MIN_HEIGHT}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}

export function QueuePanel() {
  const open = useUiStore((s) => s.queueOpen);
  const height = useUiStore((s) => s.queueHeight);
  const setOpen = useUiStore((s) => s.setQueueOpen);
  const panel = useRef<HTMLElement>(null);

  return (
    <section ref={panel} className={open ? 'queue open' : 'queue'} data-testid="queue" aria-label="Transfers" style={open ? { height } : undefined}>
      {open && <ResizeHandle panel={panel} />}
      <div className="queue-header">
        <button type="button" className="icon-button panel-toggle" aria-expanded={open} aria-label={open ? 'Collapse the transfers panel' : 'Expand the transfers panel'} onClick={() => setOpen(!open)}>
          <ChevronIcon open={open} />
        </button>
        <h2 className="queue-title-text">Transfers</h2>
        <QueueSummary />
        <span className="spacer" />
        {open && <QueueToolbar />}
      </div>
      {open && (
        <div className="queue-body">
          <QueueList />
          <ThroughputGraph />
        </div>
      )}
    </section>
  );
}
