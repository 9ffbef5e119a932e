// The object list as a drop target: files and folders dropped on the list go into the open prefix,
// dropped on a folder's row into that folder. Drags that carry no files (text, links) are not taken.
import { useState, type DragEvent } from 'react';
import { carriesFiles } from './dropEntries.js';
import { uploadDrop, uploadPlace } from './startUpload.js';

/** Where a drag would drop: the list (the open prefix), or the folder row at `index`. */
export type DropTarget = { kind: 'list' } | { kind: 'folder'; index: number; key: string };

function targetOf(event: DragEvent): DropTarget {
  const row = (event.target as HTMLElement).closest<HTMLElement>('[data-kind="folder"][data-key]');
  if (row?.dataset.key && event.currentTarget.contains(row)) return { kind: 'folder', index: Number(row.dataset.index), key: row.dataset.key };
  return { kind: 'list' };
}

function sameTarget(a: DropTarget | null, b: DropTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && (a.kind === 'list' || (b.kind === 'folder' && a.key === b.key && a.index === b.index));
}

/** The drop target under a drag (null: none), and the handlers that go on the list's element. */
export function useObjectListDrop() {
  const [target, setTarget] = useState<DropTarget | null>(null);
  const show = (next: DropTarget | null) => setTarget((current) => (sameTarget(current, next) ? current : next));

  // dragover comes every few dozen milliseconds while the pointer is over the list, so the target
  // follows the pointer from row to row, and a spurious dragleave between rows is corrected at once.
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    show(targetOf(event));
  };

  return {
    target,
    handlers: {
      onDragEnter: onDragOver,
      onDragOver,
      onDragLeave: (event: DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) show(null);
      },
      onDrop: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        const dropped = targetOf(event);
        show(null);
        const place = uploadPlace(dropped.kind === 'folder' ? dropped.key : undefined);
        if (place) uploadDrop(event.dataTransfer, place);
      },
    },
  };
}
