// The info panel's "Edit headers": the object's headers and metadata as a form; Save copies the
// object onto itself with the changes (refused if it changed since it was shown), then the panel
// reads it again.
import { useEffect, useState } from 'react';
import type { ObjectDetails } from '../../shared/api.js';
import { jobProgress } from '../model/headerChangeText.js';
import { changesFrom, formOf, formProblem, hasChanges } from '../model/headerEdit.js';
import { useHeaderChangeStore } from '../stores/headerChangeStore.js';
import { ActionButtons, DialogError } from './Dialog.js';
import { HeaderFields } from './HeaderFields.js';

export function ObjectHeadersEditor({ accountId, details, onDone }: { accountId: string; details: ObjectDetails; onDone: () => void }) {
  const [form, setForm] = useState(() => formOf(details));
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useHeaderChangeStore((s) => (jobId === null ? undefined : s.jobs.get(jobId)));
  const changes = changesFrom(details, form);
  const problem = formProblem(form);
  const saving = jobId !== null;

  // The job's end: done closes the editor (the store has the panel read the object again); otherwise its reason shows here.
  useEffect(() => {
    if (!job || job.status === 'running' || jobId === null) return;
    useHeaderChangeStore.getState().dismiss(jobId);
    setJobId(null);
    if (job.status === 'done') onDone();
    else setError(job.failures[0]?.error.message ?? `The change ended ${job.status}.`);
  }, [job, jobId, onDone]);

  async function save(): Promise<void> {
    setError(null);
    const result = await useHeaderChangeStore.getState().start({ accountId, bucket: details.bucket, keys: [details.key], prefixes: [], ...changes, ifEtag: details.etag }, false);
    if (result.ok) setJobId(result.value.jobId);
    else setError(result.error.message);
  }

  return (
    <form
      className="headers-editor"
      data-testid="headers-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={saving}>
        <HeaderFields form={form} onChange={setForm} metadataLabel="Metadata" />
      </fieldset>
      <DialogError message={error ?? problem} />
      {saving && (
        <p className="muted" role="status">
          Saving… {job ? jobProgress(job).text : ''}
        </p>
      )}
      <ActionButtons label="Save" small onCancel={onDone} busy={saving} disabled={problem !== null || !hasChanges(changes)} />
    </form>
  );
}
