// Header changes started with Change headers…, as cards among the toasts: progress and Cancel while
// one runs, then what it did (changed, unchanged, failed with the reasons) until dismissed.
import type { HeaderChangeEvent } from '../../shared/api.js';
import { jobProgress, jobSummary } from '../model/headerChangeText.js';
import { useHeaderChangeStore } from '../stores/headerChangeStore.js';
import { CloseIcon, WarningIcon } from './icons.js';

// Reasons listed on a card; the count says how many more there are.
const FAILURES_LISTED = 5;

function Failures({ job }: { job: HeaderChangeEvent }) {
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

function JobCard({ jobId }: { jobId: string }) {
  const job = useHeaderChangeStore((s) => s.jobs.get(jobId));
  const { cancel, dismiss } = useHeaderChangeStore.getState();
  if (!job) return null;
  const running = job.status === 'running';
  const { fraction } = jobProgress(job);
  return (
    <div className={`toast job ${job.status}`} role="status" data-testid="header-change-job" data-status={job.status}>
      {job.status === 'failed' && <WarningIcon />}
      <div className="job-body">
        <div className="job-label">{job.label}</div>
        {running && (
          <div className="progress">
            <div className={fraction === null ? 'progress-fill unknown' : 'progress-fill'} style={{ width: `${Math.round((fraction ?? 1) * 100)}%` }} />
          </div>
        )}
        <div className="job-text">{jobSummary(job)}</div>
        <Failures job={job} />
      </div>
      {running ? (
        <button type="button" className="button small" data-action="cancel-header-change" onClick={() => void cancel(jobId)}>
          Cancel
        </button>
      ) : (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(jobId)}>
          <CloseIcon />
        </button>
      )}
    </div>
  );
}

export function HeaderChangeJobs() {
  const shown = useHeaderChangeStore((s) => s.shown);
  return shown.map((jobId) => <JobCard key={jobId} jobId={jobId} />);
}
