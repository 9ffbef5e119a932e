// Asks for a folder name and creates the folder in the current prefix.
import { useState, type FormEvent } from 'react';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';

export function NewFolderDialog() {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const createFolder = useBrowserStore((s) => s.createFolder);
  const where = useBrowserStore((s) => `${s.location.bucket ?? ''}/${s.location.prefix}`);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await createFolder(name);
    setBusy(false);
    if (result.ok) closeDialog();
    else setError(result.error.message);
  }

  return (
    <Dialog title="New folder" onClose={closeDialog}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="folder-name">Folder name</label>
          <input id="folder-name" data-autofocus value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} aria-describedby="folder-where" />
          <span id="folder-where" className="hint">
            In {where}
          </span>
        </div>
        <DialogError message={error} />
        <ActionButtons label="Create" onCancel={closeDialog} disabled={busy || name.trim() === ''} />
      </form>
    </Dialog>
  );
}
