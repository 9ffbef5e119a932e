// A group row of the queue: one batch (a drop, an Upload… choice, a download selection) with its
// files done of all, bytes, rate, time left and state, buttons for all its rows, and (opened) what
// did not go as asked: failures with their reasons, refusals and skips.
import { memo } from 'react';
import { formatBytes, formatCount, formatDuration, formatRate } from '../model/format.js';
import { groupFilesText, groupProblems, groupStateText, groupTarget, secondsLeft } from '../model/queueText.js';
import { groupState, progressFraction, unfinished } from '../model/queueTotals.js';
import { groupRowIds, useQueueStore } from '../stores/queueStore.js';
import { ChevronIcon, CloseIcon, PauseIcon, PlayIcon, RetryIcon } from './icons.js';
import { DirectionIcon, ProgressCell } from './QueueRow.js';

// Enough of a batch's problems to see what went wrong; failed rows say theirs in the list too.
const PROBLEMS_SHOWN = 20;

interface QueueGroupRowProps {
  batchId: string;
  index: number;
  top: number;
  measure: (element: HTMLElement | null) => void;
}

function forRows(batchId: string, run: (ids: string[]) => Promise<void>): void {
  void run(groupRowIds(useQueueStore.getState(), batchId));
}

export const QueueGroupRow = memo(function QueueGroupRow({ batchId, index, top, measure }: QueueGroupRowProps) {
  const group = useQueueStore((s) => s.groups.get(batchId));
  const collapsed = useQueueStore((s) => s.collapsedGroups.has(batchId));
  if (!group) return null;
  const { totals } = group;
  const planning = group.batch?.planning ?? false;
  const state = groupState(totals, planning, group.ended?.status);
  const label = group.batch?.label ?? group.ended?.label ?? 'Transfers';
  const fraction = progressFraction(totals);
  const left = secondsLeft(totals.bytes - totals.bytesDone, totals.rate, totals.states.active > 0);
  const problems = collapsed ? [] : groupProblems(group);
  const store = useQueueStore.getState();

  return (
    <div
      ref={measure}
      role="row"
      className={`queue-item queue-group ${state}`}
      style={{ transform: `translateY(${top}px)` }}
      data-index={index}
      data-testid="queue-group"
      data-batch-id={batchId}
      data-kind={group.kind}
      data-state={state}
      aria-expanded={!collapsed}
    >
      <div className="queue-line">
        <div role="gridcell" className="queue-cell queue-toggle">
          <button type="button" className="icon-button chevron" data-action="toggle-group" aria-expanded={!collapsed} aria-label={collapsed ? 'Show its files' : 'Hide its files'} onClick={() => store.toggleGroup(batchId)}>
            <ChevronIcon open={!collapsed} />
          </button>
        </div>
        <div role="gridcell" className="queue-cell queue-name">
          <DirectionIcon kind={group.kind} />
          <div className="queue-name-lines">
            <span className="queue-title group-label" title={label}>
              {label}
            </span>
            <span className="queue-route" title={`${groupFilesText(group)} ${groupTarget(group)}`}>
              {groupFilesText(group)}
              {planning ? ' · finding more…' : ''} {groupTarget(group)}
            </span>
          </div>
        </div>
        <div role="gridcell" className="queue-cell queue-size" title={`${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytes)}`}>
          {formatBytes(totals.bytes)}
        </div>
        <ProgressCell fraction={fraction} label={`Progress of ${label}`} />
        <div role="gridcell" className="queue-cell queue-rate">
          {totals.rate > 0 ? formatRate(totals.rate) : ''}
        </div>
        <div role="gridcell" className="queue-cell queue-eta" title="Time left">
          {left !== undefined ? formatDuration(left) : ''}
        </div>
        <div role="gridcell" className="queue-cell queue-state">
          {groupStateText(state, group.kind, group.batch?.sync)}
        </div>
        <div role="gridcell" className="queue-cell queue-actions">
          {totals.states.queued + totals.states.active > 0 && (
            <button type="button" className="icon-button" data-action="pause-group" aria-label="Pause all of this batch" title="Pause all of this batch" onClick={() => forRows(batchId, store.pause)}>
              <PauseIcon />
            </button>
          )}
          {totals.states.paused > 0 && (
            <button type="button" className="icon-button" data-action="resume-group" aria-label="Resume all of this batch" title="Resume all of this batch" onClick={() => forRows(batchId, store.resume)}>
              <PlayIcon />
            </button>
          )}
          {totals.states.failed > 0 && (
            <button type="button" className="icon-button" data-action="retry-group" aria-label="Retry the failed of this batch" title="Retry the failed of this batch" onClick={() => forRows(batchId, store.retry)}>
              <RetryIcon />
            </button>
          )}
          {(unfinished(totals) > 0 || planning) && (
            <button type="button" className="icon-button" data-action="cancel-group" aria-label="Cancel this batch" title="Cancel this batch" onClick={() => void store.cancelBatch(batchId)}>
              <CloseIcon />
            </button>
          )}
        </div>
      </div>
      {problems.length > 0 && (
        <ul className="queue-problems" data-testid="group-problems">
          {problems.slice(0, PROBLEMS_SHOWN).map((p, i) => (
            <li key={i} className={p.tone}>
              {p.item !== '' && <span className="failure-item">{p.item}</span>}
              {p.item !== '' && ': '}
              {p.text}
            </li>
          ))}
          {problems.length > PROBLEMS_SHOWN && <li className="muted">and {formatCount(problems.length - PROBLEMS_SHOWN, 'more', 'more')}</li>}
        </ul>
      )}
    </div>
  );
});
