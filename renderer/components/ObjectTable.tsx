// The objects of one prefix as a virtualized table: a fixed row height lets 100,000 rows scroll
// smoothly with only the visible ones in the DOM. Clicks and keys go to the browser store; files
// dropped on it are uploaded (renderer/upload/).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { SortColumn } from '../model/objectEntries.js';
import { indexOfKey, type ClickMode } from '../model/selection.js';
import { objectMenu } from '../selectionCommands.js';
import { handleTableKey, type TableControls } from '../tableKeyboard.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { useObjectListDrop, type DropTarget } from '../upload/objectListDrop.js';
import { SortIcon } from './icons.js';
import { ObjectTableRow, objectRowId } from './ObjectTableRow.js';

// Must match .row's height in app.css: the virtualizer places rows by it.
export const ROW_HEIGHT = 28;
const HEADER_HEIGHT = 30;

const COLUMNS: { column: SortColumn; label: string; className: string }[] = [
  { column: 'name', label: 'Name', className: 'name' },
  { column: 'size', label: 'Size', className: 'size' },
  { column: 'modified', label: 'Modified', className: 'modified' },
  { column: 'storageClass', label: 'Storage class', className: 'storage' },
];

export function clickMode(event: MouseEvent): ClickMode {
  const toggle = event.ctrlKey || event.metaKey;
  if (event.shiftKey) return toggle ? 'add-range' : 'range';
  return toggle ? 'toggle' : 'replace';
}

// True between a pointer press on a table and its release: the focus that press gives is the click's business.
let pressing = false;

export const pressTracking = {
  onPointerDown: () => {
    pressing = true;
  },
  onPointerUp: () => {
    pressing = false;
  },
  onPointerCancel: () => {
    pressing = false;
  },
};

/**
 * Rows can take focus (so focusing one, as a test or assistive technology may, puts the keyboard
 * cursor there), but the table keeps it: a focused row scrolled out of the virtual window would
 * unmount and drop the keyboard.
 */
export function keepFocusOnTable(event: FocusEvent): void {
  if (event.target === event.currentTarget) return;
  const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
  (event.currentTarget as HTMLElement).focus({ preventScroll: true });
  if (row && !pressing) useBrowserStore.getState().moveCursorTo(Number(row.dataset.index), false);
}

/** What both tables' grids do with focus, pointer, keys and mouse: one keyboard model for both. */
export function gridInteraction(controls: TableControls, mouse: { onClick: (e: MouseEvent) => void; onDoubleClick: (e: MouseEvent) => void; onContextMenu: (e: MouseEvent) => void }) {
  return {
    tabIndex: 0,
    onFocus: keepFocusOnTable,
    ...pressTracking,
    onKeyDown: (event: KeyboardEvent) => {
      if (handleTableKey(event, controls)) event.preventDefault();
    },
    ...mouse,
  };
}

export function rowIndexOf(event: MouseEvent): number | null {
  const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
  return row ? Number(row.dataset.index) : null;
}

function HeaderRow() {
  const sort = useBrowserStore((s) => s.sort);
  const setSort = useBrowserStore((s) => s.setSort);
  return (
    <div role="row" className="row header" aria-rowindex={1}>
      {COLUMNS.map((c) => {
        const active = sort.column === c.column;
        return (
          <div key={c.column} role="columnheader" className={`cell ${c.className}`} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
            <button type="button" className="header-button" onClick={() => setSort(c.column)} tabIndex={-1}>
              {c.label}
              {active && <SortIcon descending={sort.descending} />}
            </button>
          </div>
        );
      })}
    </div>
  );
}

function EmptyMessage() {
  const listingState = useBrowserStore((s) => s.listingState);
  const total = useBrowserStore((s) => s.entries.length);
  const filter = useBrowserStore((s) => s.filter);
  if (listingState === 'listing') return null;
  if (listingState === 'error') return <div className="table-empty">The listing failed. Refresh to try again.</div>;
  if (total > 0 && filter !== '') return <div className="table-empty">No names match “{filter}”.</div>;
  if (total === 0) return <div className="table-empty">This folder is empty.</div>;
  return null;
}

/** Says where a drop would go, over the list while a drag of files is on it. */
function DropHint({ target }: { target: DropTarget }) {
  const prefix = useBrowserStore((s) => s.location.prefix);
  const bucket = useBrowserStore((s) => s.location.bucket);
  const into = target.kind === 'folder' ? target.key : prefix;
  // The folder's own name ("photos/" of "a/photos/"), or the bucket's at its top.
  const name = into === '' ? bucket : into.slice(into.lastIndexOf('/', into.length - 2) + 1);
  return (
    <div className="drop-hint" data-testid="drop-hint" aria-hidden="true">
      Drop to upload into {name}
    </div>
  );
}

export function ObjectTable() {
  const count = useBrowserStore((s) => s.objectView.length);
  const cursorIndex = useBrowserStore((s) => indexOfKey(s.objectView, s.selection.cursor));
  const openContextMenu = useUiStore((s) => s.openContextMenu);
  const scrollRef = useRef<HTMLDivElement>(null);
  const drop = useObjectListDrop();
  const dropIndex = drop.target?.kind === 'folder' ? drop.target.index : -1;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // The sticky header sits above the rows inside the same scroll box.
    scrollMargin: HEADER_HEIGHT,
    overscan: 12,
  });

  const items = virtualizer.getVirtualItems();

  const controls: TableControls = {
    scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
    pageRows: () => Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? ROW_HEIGHT) - HEADER_HEIGHT) / ROW_HEIGHT) - 1),
    openMenuAtCursor: () => {
      const row = document.getElementById(objectRowId(cursorIndex));
      const box = (row ?? scrollRef.current)?.getBoundingClientRect();
      if (box) openContextMenu({ x: box.left + 40, y: box.top + (row ? box.height : HEADER_HEIGHT), items: objectMenu() });
    },
  };

  function onClick(event: MouseEvent): void {
    const index = rowIndexOf(event);
    if (index === null) {
      if (event.target === event.currentTarget || (event.target as HTMLElement).classList.contains('rows')) useBrowserStore.getState().clearSelection();
      return;
    }
    useBrowserStore.getState().click(index, clickMode(event));
  }

  function onDoubleClick(event: MouseEvent): void {
    const index = rowIndexOf(event);
    const entry = index === null ? undefined : useBrowserStore.getState().objectView[index];
    if (entry?.kind === 'folder') useBrowserStore.getState().openPrefix(entry.key);
  }

  function onContextMenu(event: MouseEvent): void {
    event.preventDefault();
    const index = rowIndexOf(event);
    const store = useBrowserStore.getState();
    if (index === null) store.clearSelection();
    else {
      const key = store.objectView[index]?.key;
      // Right-click on a row outside the selection acts on that row alone, as in file managers.
      if (key !== undefined && !store.selection.selected.has(key)) store.click(index, 'replace');
    }
    openContextMenu({ x: event.clientX, y: event.clientY, items: objectMenu() });
  }

  return (
    <div
      ref={scrollRef}
      className={drop.target?.kind === 'list' ? 'table-scroll drop-target' : 'table-scroll'}
      data-testid="object-list"
      role="grid"
      aria-label="Objects"
      aria-multiselectable="true"
      aria-rowcount={count + 1}
      aria-activedescendant={cursorIndex >= 0 ? objectRowId(cursorIndex) : undefined}
      {...gridInteraction(controls, { onClick, onDoubleClick, onContextMenu })}
      {...drop.handlers}
    >
      <HeaderRow />
      <div className="rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          // Keyed by slot, not by index: a row scrolled out is reused for the row scrolled in, so a
          // scroll updates a few text nodes instead of replacing every row's DOM.
          <ObjectTableRow key={item.index % items.length} index={item.index} top={item.start - HEADER_HEIGHT} dropTarget={item.index === dropIndex} />
        ))}
      </div>
      <EmptyMessage />
      {drop.target && <DropHint target={drop.target} />}
    </div>
  );
}
