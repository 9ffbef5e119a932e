// Copy to… and Move to… on a selection: the account, bucket and folder to put it in, and what to do
// where an object is there already. On one account the server copies; to another account the bytes
// go through this computer. Rows dragged onto an account open it with that account chosen. The copy
// runs as a row of the transfer queue (paused, resumed, kept across restarts as any row).
import { useEffect, useState } from 'react';
import { call } from '../bridge.js';
import { folderPrefix } from '../model/copyRowText.js';
import { formatCount } from '../model/format.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { rememberCopyBatch } from '../upload/uploadListingRefresh.js';
import { AccountField } from './AccountField.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';

type IfExists = 'different' | 'overwrite' | 'skip';

function selectionText(keys: string[], prefixes: string[]): string {
  const files = keys.length > 0 ? formatCount(keys.length, 'file', 'files') : '';
  const folders = prefixes.length > 0 ? `${prefixes.length === 1 ? 'the folder' : formatCount(prefixes.length, 'folder', 'folders')} with everything in ${prefixes.length === 1 ? 'it' : 'them'}` : '';
  return [files, folders].filter(Boolean).join(' and ');
}

export function CopyDialog({ keys, prefixes, move, targetAccountId }: { keys: string[]; prefixes: string[]; move: boolean; targetAccountId?: string }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const source = useBrowserStore((s) => s.account);
  const sourceBucket = useBrowserStore((s) => s.location.bucket);
  const base = useBrowserStore((s) => s.location.prefix);
  const [accountId, setAccountId] = useState(targetAccountId ?? source?.id ?? '');
  const [buckets, setBuckets] = useState<string[] | null>(null);
  const [bucket, setBucket] = useState(sourceBucket ?? '');
  const [folder, setFolder] = useState(base);
  const [ifExists, setIfExists] = useState<IfExists>('different');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The chosen account's buckets, read again whenever another account is chosen.
  useEffect(() => {
    let current = true;
    setBuckets(null);
    void call('browse.buckets', { accountId }).then((result) => {
      if (!current) return;
      if (!result.ok) {
        setError(result.error.message);
        setBuckets([]);
        return;
      }
      const names = result.value.map((b) => b.name);
      setBuckets(names);
      setBucket((chosen) => (names.includes(chosen) ? chosen : (names[0] ?? '')));
    });
    return () => {
      current = false;
    };
  }, [accountId]);

  const prefix = folderPrefix(folder);
  const sameFolder = accountId === source?.id && bucket === sourceBucket && prefix === base;
  const problem = bucket === '' ? 'Choose a bucket.' : sameFolder ? `The ${move ? 'move' : 'copy'} would land where the items are: choose another folder or bucket.` : null;

  async function submit(): Promise<void> {
    if (!source || sourceBucket === null || problem) return;
    setBusy(true);
    setError(null);
    const result = await call('objects.copy', { accountId: source.id, bucket: sourceBucket, keys, prefixes, base, target: { accountId, bucket, prefix }, move, ifExists });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    rememberCopyBatch(result.value.batchId);
    useUiStore.getState().setQueueOpen(true);
    closeDialog();
  }

  const verb = move ? 'Move' : 'Copy';
  return (
    <Dialog title={`${verb} to`} onClose={closeDialog} testId="copy-dialog">
      <p className="dialog-text">
        {verb === 'Move' ? 'Moves' : 'Copies'} {selectionText(keys, prefixes)}, keeping their names, headers and metadata. Within one account the server copies; to another account the
        bytes go through this computer.{move ? ' Each object is removed from here once its copy is checked.' : ''}
      </p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <AccountField id="copy-account" value={accountId} onChange={setAccountId} />
        <div className="field">
          <label htmlFor="copy-bucket">Bucket</label>
          <select id="copy-bucket" value={bucket} disabled={buckets === null} onChange={(e) => setBucket(e.target.value)}>
            {buckets === null && <option value={bucket}>Loading…</option>}
            {buckets?.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="copy-folder">Folder</label>
          <input id="copy-folder" value={folder} placeholder="the top of the bucket" spellCheck={false} onChange={(e) => setFolder(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="copy-if-exists">Where an object is there already</label>
          <select id="copy-if-exists" value={ifExists} onChange={(e) => setIfExists(e.target.value as IfExists)}>
            <option value="different">Replace it if it differs (size or checksum)</option>
            <option value="overwrite">Replace it</option>
            <option value="skip">Leave it</option>
          </select>
        </div>
        <DialogError message={error ?? problem} />
        <ActionButtons label={verb} action={move ? 'start-move' : 'start-copy'} onCancel={closeDialog} disabled={busy || problem !== null || buckets === null} />
      </form>
    </Dialog>
  );
}
