// A job the host runs (a header change, a copy), as a card among the toasts: progress and Cancel
// while it runs, then what it did (with the reasons of failures) until dismissed.
import type { ErrorInfo } from '../../shared/errors.js';
import { CloseIcon, WarningIcon } from './icons.js';

// Reasons listed on a card; the count says how many more there are.
const FAILURES_LISTED = 5;

export interface JobView {
  label: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  failed: number;
  failures: { item: string; error: ErrorInfo }[];
}

function Failures({ job }: { job: JobView }) {
  if (job.failures.length === 0 || (job.failed === 0 && job.status === 'failed')) return null;
  const more = job.failed - Math.min(job.failures.length, FAILURES_LISTED);
  return (
    <ul className="job-failures">
      {job.failures.slice(0, FAILURES_LISTED).map((f) => (
        <li key={f.item}>
          <span className="job-item">{f.item}</span>: {f.error.message}
        </li>
      ))}
      {more > 0 && <li>and {more.toLocaleString('en-US')} more</li>}
    </ul>
  );
}

export function JobCard(props: { job: JobView; fraction: number | null; summary: string; testId: string; cancelAction: string; onCancel: () => void; onDismiss: () => void }) {
  const { job, fraction } = props;
  const running = job.status === 'running';
  return (
    <div className={`toast job ${job.status}`} role="status" data-testid={props.testId} data-status={job.status}>
      {job.status === 'failed' && <WarningIcon />}
      <div className="job-body">
        <div className="job-label">{job.label}</div>
        {running && (
          <div className="progress">
            <div className={fraction === null ? 'progress-fill unknown' : 'progress-fill'} style={{ width: `${Math.round((fraction ?? 1) * 100)}%` }} />
          </div>
        )}
        <div className="job-text">{props.summary}</div>
        <Failures job={job} />
      </div>
      {running ? (
        <button type="button" className="button small" data-action={props.cancelAction} onClick={props.onCancel}>
          Cancel
        </button>
      ) : (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={props.onDismiss}>
          <CloseIcon />
        </button>
      )}
    </div>
  );
}
