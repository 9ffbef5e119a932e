// Synchronize…: a local folder and a prefix made alike. The options first, then the comparison's
// plan (every action with why, the counts, the deletions spelled out); Synchronize queues it.
import { s3Url } from '../model/syncPlanView.js';
import { useSyncStore } from '../stores/syncStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Dialog } from './Dialog.js';
import { SyncOptionsForm } from './SyncOptionsForm.js';
import { SyncPlanStep } from './SyncPlanStep.js';

export function SyncDialog() {
  const place = useSyncStore((s) => s.place);
  const plan = useSyncStore((s) => s.plan);
  const closeDialog = useUiStore((s) => s.closeDialog);
  if (!place) return null;

  function close(): void {
    useSyncStore.getState().close();
    closeDialog();
  }

  return (
    <Dialog title={`Synchronize ${s3Url(place.bucket, place.prefix)}`} onClose={close} wide={plan ? 'table' : true} testId="sync-dialog">
      {plan ? <SyncPlanStep plan={plan} onCancel={close} onStarted={closeDialog} /> : <SyncOptionsForm place={place} onCancel={close} />}
    </Dialog>
  );
}
