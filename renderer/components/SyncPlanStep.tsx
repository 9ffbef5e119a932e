// Synchronize…'s second step: what the sync would do, in the command line's words and as a table
// (the changes first; the unchanged a filter away), the deletions spelled out, the names left as
// they are. Synchronize queues it; Back returns to the options (the plan is discarded).
import { useMemo } from 'react';
import type { SyncPlanSummary } from '../../shared/api.js';
import { excludedLine, extraLine } from '../../shared/syncText.js';
import { formatCount } from '../model/format.js';
import { PLAN_FILTERS, comparedSentence, deletionWarning, filterLabel, filteredRows, hasWork, planSentence, rowsLeftOut, s3Url } from '../model/syncPlanView.js';
import { useSyncStore } from '../stores/syncStore.js';
import { DialogError } from './Dialog.js';
import { WarningIcon } from './icons.js';
import { SyncPlanTable } from './SyncPlanTable.js';

function Route({ plan }: { plan: SyncPlanSummary }) {
  const remote = s3Url(plan.bucket, plan.prefix);
  const how = plan.compare === 'checksum' ? 'by size and contents' : 'by size and modification time';
  return (
    <p className="dialog-text sync-route">
      <strong>{plan.direction === 'up' ? 'Upload' : 'Download'}</strong> {plan.direction === 'up' ? `${plan.folder} → ${remote}` : `${remote} → ${plan.folder}`}, compared {how}.
    </p>
  );
}

/** What the sync leaves alone: items only on the target, exclusions, names that cannot make the round trip, entries that are not files. */
function LeftAlone({ plan }: { plan: SyncPlanSummary }) {
  const notes = [plan.extra > 0 ? extraLine(plan.extra) : '', plan.counts.excluded > 0 ? excludedLine(plan.counts.excluded) : ''].filter(Boolean);
  return (
    <>
      {notes.length > 0 && <p className="hint sync-notes">{notes.join(' ')}</p>}
      {plan.refused.length > 0 && (
        <div data-testid="sync-refused">
          <p className="dialog-text">{formatCount(plan.refused.length, 'name cannot', 'names cannot')} make the round trip; left as they are:</p>
          <ul className="dialog-list">
            {plan.refused.map((r) => (
              <li key={r.item}>
                {r.item}: {r.error.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan.skipped.length > 0 && (
        <ul className="dialog-list" aria-label="Skipped">
          {plan.skipped.map((s) => (
            <li key={s.path}>
              skipped {s.path}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Filters({ plan }: { plan: SyncPlanSummary }) {
  const filter = useSyncStore((s) => s.filter);
  const setFilter = useSyncStore((s) => s.setFilter);
  return (
    <div className="plan-filters" role="group" aria-label="Show">
      {PLAN_FILTERS.map((f) => (
        <button key={f} type="button" className="plan-filter" aria-pressed={filter === f} data-filter={f} onClick={() => setFilter(f)}>
          {filterLabel(f, plan)}
        </button>
      ))}
    </div>
  );
}

export function SyncPlanStep({ plan, onCancel, onStarted }: { plan: SyncPlanSummary; onCancel: () => void; onStarted: () => void }) {
  const filter = useSyncStore((s) => s.filter);
  const starting = useSyncStore((s) => s.step === 'starting');
  const error = useSyncStore((s) => s.error);
  const { back, start } = useSyncStore.getState();
  const rows = useMemo(() => filteredRows(plan.rows, filter), [plan, filter]);
  const warning = deletionWarning(plan);
  const left = rowsLeftOut(plan, filter);
  const work = hasWork(plan);

  return (
    <>
      <Route plan={plan} />
      <p className="dialog-text sync-summary" data-testid="sync-summary">
        {planSentence(plan)} {comparedSentence(plan)}
      </p>
      {warning && (
        <p className="sync-warning" data-testid="sync-deletions">
          <WarningIcon />
          <span>{warning}</span>
        </p>
      )}
      {!work && <p className="dialog-text">Nothing to do: the target is already like the source.</p>}
      <LeftAlone plan={plan} />
      <Filters plan={plan} />
      <SyncPlanTable rows={rows} />
      {left > 0 && <p className="hint">{formatCount(left, 'more row is', 'more rows are')} not shown; the counts above cover them.</p>}
      <DialogError message={error} />
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={back} disabled={starting}>
          Back
        </button>
        <span className="spacer" />
        <button type="button" className="button" onClick={onCancel} disabled={starting}>
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          data-action="sync-start"
          disabled={starting || !work}
          onClick={() => {
            void start().then((started) => {
              if (started) onStarted();
            });
          }}
        >
          Synchronize
        </button>
      </div>
    </>
  );
}
