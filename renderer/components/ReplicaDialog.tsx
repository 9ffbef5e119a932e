// Replica… on a bucket: another account's bucket and prefix that holds the same objects under the
// same names (kept in step by Copy to… or `ferry copy --only-newer`). When the bucket's endpoint
// cannot be reached, its folders list from there, and a banner says so.
import { useEffect, useState } from 'react';
import type { BucketReplica } from '../../shared/api.js';
import { call } from '../bridge.js';
import { folderPrefix } from '../model/copyRowText.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { AccountField } from './AccountField.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';

export function ReplicaDialog({ bucket }: { bucket: string }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const account = useBrowserStore((s) => s.account);
  const accounts = useAccountsStore((s) => s.accounts);
  const [current, setCurrent] = useState<BucketReplica | null | undefined>(undefined);
  const [replicaAccountId, setReplicaAccountId] = useState('');
  const [replicaBucket, setReplicaBucket] = useState('');
  const [prefix, setPrefix] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!account) return;
    void call('replica.get', { accountId: account.id, bucket }).then((result) => {
      if (!result.ok) return setError(result.error.message);
      const replica = result.value.replica;
      setCurrent(replica);
      setReplicaAccountId(replica?.replicaAccountId ?? accounts.find((a) => a.id !== account.id)?.id ?? account.id);
      setReplicaBucket(replica?.replicaBucket ?? '');
      setPrefix(replica?.prefix ?? '');
    });
  }, [account, bucket, accounts]);

  async function save(replica: BucketReplica | null): Promise<void> {
    if (!account) return;
    setBusy(true);
    setError(null);
    const result = await call('replica.set', { accountId: account.id, bucket, replica });
    setBusy(false);
    if (result.ok) closeDialog();
    else setError(result.error.message);
  }

  return (
    <Dialog title={`Replica of ${bucket}`} onClose={closeDialog} testId="replica-dialog">
      <p className="dialog-text">
        Where this bucket’s objects are also kept, under the same names. When the bucket cannot be reached, its folders are listed from there (and, if that is down too, shown as they
        were last listed).
      </p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ replicaAccountId, replicaBucket: replicaBucket.trim(), prefix: folderPrefix(prefix) });
        }}
      >
        <AccountField id="replica-account" value={replicaAccountId} onChange={setReplicaAccountId} disabled={current === undefined} />
        <div className="field">
          <label htmlFor="replica-bucket">Bucket</label>
          <input id="replica-bucket" data-autofocus value={replicaBucket} onChange={(e) => setReplicaBucket(e.target.value)} spellCheck={false} disabled={current === undefined} />
        </div>
        <div className="field">
          <label htmlFor="replica-prefix">Folder</label>
          <input id="replica-prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} spellCheck={false} placeholder="(the top of the bucket)" aria-describedby="replica-prefix-hint" disabled={current === undefined} />
          <span id="replica-prefix-hint" className="hint">
            An object {bucket}/photos/a.jpg is read from {replicaBucket.trim() || 'bucket'}/{folderPrefix(prefix)}photos/a.jpg.
          </span>
        </div>
        <DialogError message={error} />
        {current && (
          <button type="button" className="button danger" data-action="remove-replica" onClick={() => void save(null)} disabled={busy}>
            Remove the replica
          </button>
        )}
        <ActionButtons label="Save" action="save-replica" onCancel={closeDialog} disabled={current === undefined || replicaBucket.trim() === ''} busy={busy} />
      </form>
    </Dialog>
  );
}
