// One row of the transfer queue: a file going up or down, with its progress, rate, time left and
// state, the buttons its state allows, and (opened) its segment map. It subscribes to its own row
// only, so a progress event re-renders this row and no other.
import { memo, type ReactElement } from 'react';
import type { QueueRowView } from '../model/queueModel.js';
import { formatBytes, formatDuration, formatRate } from '../model/format.js';
import { rowName, rowNotes, rowRoute, rowStateText, secondsLeft } from '../model/queueText.js';
import { rowBytesDone } from '../model/queueTotals.js';
import { useQueueStore } from '../stores/queueStore.js';
import { ChevronIcon, CloseIcon, CopyIcon, DownloadIcon, PauseIcon, PlayIcon, RetryIcon, ToTopIcon, UploadIcon } from './icons.js';
import { SegmentMap } from './SegmentMap.js';

export type RowAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'move-to-top';

/** What a row in this state can be asked to do; the host refuses the rest anyway. */
export function actionsFor(state: QueueRowView['state']): RowAction[] {
  switch (state) {
    case 'queued':
      return ['move-to-top', 'pause', 'cancel'];
    case 'active':
      return ['pause', 'cancel'];
    case 'paused':
      return ['move-to-top', 'resume', 'cancel'];
    case 'failed':
      return ['retry', 'cancel'];
    default:
      return [];
  }
}

// No "download" or "upload" in these names: the toolbar's Download and Upload… stay the only buttons so called.
export const ACTION_LABEL: Record<RowAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry', 'move-to-top': 'Move to top' };
export const ACTION_ICON: Record<RowAction, () => ReactElement> = { pause: PauseIcon, resume: PlayIcon, cancel: CloseIcon, retry: RetryIcon, 'move-to-top': ToTopIcon };

export function runAction(action: RowAction, ids: string[]): void {
  const queue = useQueueStore.getState();
  const run = { pause: queue.pause, resume: queue.resume, cancel: queue.cancel, retry: queue.retry, 'move-to-top': queue.moveToTop }[action];
  void run(ids);
}

const DIRECTION = { upload: ['Upload', UploadIcon], download: ['Download', DownloadIcon], copy: ['Copy', CopyIcon] } as const;

export function DirectionIcon({ kind, move = false }: { kind: QueueRowView['kind']; move?: boolean }) {
  const [title, Icon] = DIRECTION[kind];
  return (
    <span className={`direction ${kind}`} title={move ? 'Move' : title}>
      <Icon />
    </span>
  );
}

/** A thin bar and its percentage. */
export function ProgressCell({ fraction, label }: { fraction: number; label: string }) {
  const percent = Math.floor(fraction * 100);
  return (
    <div role="gridcell" className="queue-cell queue-progress">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <span className="queue-percent">{percent}%</span>
    </div>
  );
}

interface QueueRowProps {
  id: string;
  /** The virtual list's index (what it measures by) and the row's place among rows (what selection counts by). */
  index: number;
  rowIndex: number;
  top: number;
  measure: (element: HTMLElement | null) => void;
}

export const QueueRow = memo(function QueueRow({ id, index, rowIndex, top, measure }: QueueRowProps) {
  const row = useQueueStore((s) => s.rows.get(id));
  const selected = useQueueStore((s) => s.selection.selected.has(id));
  const cursor = useQueueStore((s) => s.selection.cursor === id);
  const expanded = useQueueStore((s) => s.expandedRows.has(id));
  if (!row) return null;
  const done = rowBytesDone(row);
  const fraction = row.size > 0 ? done / row.size : row.state === 'done' ? 1 : 0;
  const running = row.state === 'active';
  const left = secondsLeft(row.size - done, row.rate, running);
  const notes = rowNotes(row);
  const name = rowName(row);
  // A copy has no segments of its own: its objects go whole, or in parts the engine keeps.
  const segments = row.kind !== 'copy';

  return (
    <div
      ref={measure}
      role="row"
      className={`queue-item queue-row ${row.state}${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-index={index}
      data-row-index={rowIndex}
      data-testid="queue-row"
      data-key={row.key}
      data-kind={row.kind}
      data-state={row.state}
      data-id={row.id}
      aria-selected={selected}
    >
      <div className="queue-line">
        <div role="gridcell" className="queue-cell queue-toggle">
          {segments && (
            <button type="button" className="icon-button chevron" data-action="expand" aria-expanded={expanded} aria-label={expanded ? 'Hide parts' : 'Show parts'} onClick={() => useQueueStore.getState().toggleRow(id)}>
              <ChevronIcon open={expanded} />
            </button>
          )}
        </div>
        <div role="gridcell" className="queue-cell queue-name">
          <DirectionIcon kind={row.kind} move={row.copy?.move} />
          <div className="queue-name-lines">
            <span className="queue-title" title={row.copy ? rowRoute(row) : row.key}>
              {name}
            </span>
            {notes.length > 0 ? (
              <span className="queue-notes" title={notes.map((n) => n.text).join('\n')}>
                {notes.map((n, i) => (
                  <span key={i} className={`queue-note ${n.tone}`} data-testid={n.tone === 'error' ? 'queue-error' : 'queue-note'}>
                    {i > 0 ? ' · ' : ''}
                    {n.text}
                  </span>
                ))}
              </span>
            ) : (
              <span className="queue-route" title={rowRoute(row)}>
                {rowRoute(row)}
              </span>
            )}
          </div>
        </div>
        <div role="gridcell" className="queue-cell queue-size">
          {formatBytes(row.size)}
        </div>
        <ProgressCell fraction={fraction} label={`Progress of ${name}`} />
        <div role="gridcell" className="queue-cell queue-rate">
          {running && row.rate > 0 ? formatRate(row.rate) : ''}
        </div>
        <div role="gridcell" className="queue-cell queue-eta" title="Time left">
          {left !== undefined ? formatDuration(left) : ''}
        </div>
        <div role="gridcell" className="queue-cell queue-state">
          {rowStateText(row)}
        </div>
        <div role="gridcell" className="queue-cell queue-actions">
          {actionsFor(row.state).map((action) => {
            const Icon = ACTION_ICON[action];
            return (
              <button key={action} type="button" className="icon-button" data-action={action} aria-label={ACTION_LABEL[action]} title={ACTION_LABEL[action]} onClick={() => runAction(action, [id])}>
                <Icon />
              </button>
            );
          })}
        </div>
      </div>
      {expanded && row.kind !== 'copy' && <SegmentMap id={id} kind={row.kind} />}
    </div>
  );
});
