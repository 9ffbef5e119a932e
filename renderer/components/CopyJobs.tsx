// Copies and moves started with Copy to… and Move to…, as cards among the toasts (JobCard).
import { copyProgress, copySummary } from '../model/copyJobText.js';
import { useCopyStore } from '../stores/copyStore.js';
import { JobCard } from './JobCard.js';

function CopyCard({ jobId }: { jobId: string }) {
  const job = useCopyStore((s) => s.jobs.get(jobId));
  const { cancel, dismiss } = useCopyStore.getState();
  if (!job) return null;
  return (
    <JobCard job={job} fraction={copyProgress(job).fraction} summary={copySummary(job)} testId="copy-job" cancelAction="cancel-copy" onCancel={() => void cancel(jobId)} onDismiss={() => dismiss(jobId)} />
  );
}

export function CopyJobs() {
  const shown = useCopyStore((s) => s.shown);
  return shown.map((jobId) => <CopyCard key={jobId} jobId={jobId} />);
}
