// Header changes started with Change headers…, as cards among the toasts (JobCard): progress and
// Cancel while one runs, then what it did (changed, unchanged, failed with the reasons).
import { jobProgress, jobSummary } from '../model/headerChangeText.js';
import { useHeaderChangeStore } from '../stores/headerChangeStore.js';
import { JobCard } from './JobCard.js';

function HeaderChangeCard({ jobId }: { jobId: string }) {
  const job = useHeaderChangeStore((s) => s.jobs.get(jobId));
  const { cancel, dismiss } = useHeaderChangeStore.getState();
  if (!job) return null;
  return (
    <JobCard
      job={job}
      fraction={jobProgress(job).fraction}
      summary={jobSummary(job)}
      testId="header-change-job"
      cancelAction="cancel-header-change"
      onCancel={() => void cancel(jobId)}
      onDismiss={() => dismiss(jobId)}
    />
  );
}

export function HeaderChangeJobs() {
  const shown = useHeaderChangeStore((s) => s.shown);
  return shown.map((jobId) => <HeaderChangeCard key={jobId} jobId={jobId} />);
}
