// One row of the object table. It subscribes to its own entry and selection state only, so a new
// page or a click re-renders the rows that changed, not the list.
import { memo } from 'react';
import { formatBytes, formatDateTime } from '../model/format.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { OBJECTS_DRAG_TYPE, objectsDragData } from '../selectionCommands.js';
import { FileIcon, FolderIcon } from './icons.js';

export function objectRowId(index: number): string {
  return `object-row-${index}`;
}

/** `dropTarget`: a drag of files is over this folder's row, and would upload into it. */
export const ObjectTableRow = memo(function ObjectTableRow({ index, top, dropTarget = false }: { index: number; top: number; dropTarget?: boolean }) {
  const entry = useBrowserStore((s) => s.objectView[index]);
  const selected = useBrowserStore((s) => (entry ? s.selection.selected.has(entry.key) : false));
  const cursor = useBrowserStore((s) => (entry ? s.selection.cursor === entry.key : false));
  if (!entry) return null;
  const folder = entry.kind === 'folder';
  return (
    <div
      role="row"
      id={objectRowId(index)}
      tabIndex={-1}
      className={`row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}${dropTarget && folder ? ' drop-target' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid="object-row"
      data-key={entry.key}
      data-kind={folder ? 'folder' : 'file'}
      data-index={index}
      aria-selected={selected}
      aria-rowindex={index + 2}
      draggable
      onDragStart={(event) => {
        // Onto an account in the sidebar: Copy to… that account (the selection, or this row alone).
        event.dataTransfer.setData(OBJECTS_DRAG_TYPE, objectsDragData(entry.key));
        event.dataTransfer.effectAllowed = 'copy';
      }}
    >
      <div role="gridcell" className="cell name">
        <span className={folder ? 'kind-icon folder' : 'kind-icon file'}>{folder ? <FolderIcon /> : <FileIcon />}</span>
        <span className="name-text" title={entry.key}>
          {entry.name}
        </span>
      </div>
      <div role="gridcell" className="cell size">
        {folder ? '—' : formatBytes(entry.size)}
      </div>
      <div role="gridcell" className="cell modified">
        {formatDateTime(entry.modified)}
      </div>
      <div role="gridcell" className="cell storage">
        {entry.storageClass ?? ''}
      </div>
    </div>
  );
});
