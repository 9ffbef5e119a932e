// An account's buckets as a table; Enter or a double-click opens one. Bucket lists are short (AWS
// allows at most 10,000 per account, most have a handful), so rows are not virtualized.
import { useRef, type MouseEvent } from 'react';
import { formatDateTime } from '../model/format.js';
import type { TableControls } from '../tableKeyboard.js';
import { askPublishingRules, askReplica } from '../selectionCommands.js';
import { useBrowserStore, type BucketEntry } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { BucketIcon } from './icons.js';
import { clickMode, gridInteraction, ROW_HEIGHT, rowIndexOf } from './ObjectTable.js';

function bucketRowId(index: number): string {
  return `bucket-row-${index}`;
}

function BucketRow({ bucket, index }: { bucket: BucketEntry; index: number }) {
  const selected = useBrowserStore((s) => s.selection.selected.has(bucket.key));
  const cursor = useBrowserStore((s) => s.selection.cursor === bucket.key);
  return (
    <div
      role="row"
      id={bucketRowId(index)}
      tabIndex={-1}
      className={`row bucket-row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      data-testid="bucket-row"
      data-bucket={bucket.key}
      data-index={index}
      aria-selected={selected}
    >
      <div role="gridcell" className="cell name">
        <span className="kind-icon bucket">
          <BucketIcon />
        </span>
        <span className="name-text">{bucket.key}</span>
      </div>
      <div role="gridcell" className="cell modified">
        {formatDateTime(bucket.created)}
      </div>
    </div>
  );
}

export function BucketTable() {
  const buckets = useBrowserStore((s) => s.bucketView);
  const listingState = useBrowserStore((s) => s.listingState);
  const filter = useBrowserStore((s) => s.filter);
  const cursor = useBrowserStore((s) => s.selection.cursor);
  const scrollRef = useRef<HTMLDivElement>(null);
  const cursorIndex = buckets.findIndex((b) => b.key === cursor);

  const controls: TableControls = {
    scrollToIndex: (index) => document.getElementById(bucketRowId(index))?.scrollIntoView({ block: 'nearest' }),
    pageRows: () => Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 2),
    openMenuAtCursor: () => undefined,
  };

  function onClick(event: MouseEvent): void {
    const index = rowIndexOf(event);
    if (index !== null) useBrowserStore.getState().click(index, clickMode(event));
  }

  function onContextMenu(event: MouseEvent): void {
    event.preventDefault();
    const index = rowIndexOf(event);
    const store = useBrowserStore.getState();
    const bucket = index === null ? undefined : store.bucketView[index];
    if (index !== null) store.click(index, 'replace');
    useUiStore.getState().openContextMenu({
      x: event.clientX,
      y: event.clientY,
      items: [
        ...(bucket
          ? [
              { label: 'Open', shortcut: 'Enter', run: () => store.openBucket(bucket.key) },
              { label: 'Publishing rules…', action: 'publishing-rules', run: () => askPublishingRules(bucket.key) },
              { label: 'Replica…', action: 'replica', run: () => askReplica(bucket.key) },
            ]
          : []),
        { label: 'Refresh', shortcut: 'F5', run: store.refresh },
      ],
    });
  }

  function onDoubleClick(event: MouseEvent): void {
    const index = rowIndexOf(event);
    const bucket = index === null ? undefined : useBrowserStore.getState().bucketView[index];
    if (bucket) useBrowserStore.getState().openBucket(bucket.key);
  }

  return (
    <div
      ref={scrollRef}
      className="table-scroll buckets"
      data-testid="bucket-list"
      role="grid"
      aria-label="Buckets"
      aria-activedescendant={cursorIndex >= 0 ? bucketRowId(cursorIndex) : undefined}
      {...gridInteraction(controls, { onClick, onDoubleClick, onContextMenu })}
    >
      <div role="row" className="row header">
        <div role="columnheader" className="cell name">
          Bucket
        </div>
        <div role="columnheader" className="cell modified">
          Created
        </div>
      </div>
      {buckets.map((b, i) => (
        <BucketRow key={b.key} bucket={b} index={i} />
      ))}
      {listingState === 'done' && buckets.length === 0 && <div className="table-empty">{filter ? `No buckets match “${filter}”.` : 'This account has no buckets.'}</div>}
      {listingState === 'error' && <div className="table-empty">Could not list the buckets. Refresh to try again.</div>}
    </div>
  );
}
