// Confirms a delete, saying how many items and naming the first few.
import { useState } from 'react';
import { formatCount } from '../model/format.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { DangerButtons, Dialog } from './Dialog.js';

// Enough names to recognise the selection; the count says the rest.
const NAMES_SHOWN = 8;

function displayName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) + (keyOrPrefix.endsWith('/') ? '/' : '');
}

export function DeleteDialog({ keys, prefixes }: { keys: string[]; prefixes: string[] }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const deleteItems = useBrowserStore((s) => s.deleteItems);
  const [busy, setBusy] = useState(false);
  const all = [...prefixes, ...keys];
  const count = formatCount(all.length, 'item', 'items');

  async function confirm(): Promise<void> {
    setBusy(true);
    await deleteItems(keys, prefixes);
    closeDialog();
  }

  return (
    <Dialog title={`Delete ${count}?`} onClose={closeDialog}>
      <ul className="dialog-list">
        {all.slice(0, NAMES_SHOWN).map((k) => (
          <li key={k}>{displayName(k)}</li>
        ))}
        {all.length > NAMES_SHOWN && <li className="muted">and {formatCount(all.length - NAMES_SHOWN, 'more', 'more')}</li>}
      </ul>
      <p className="dialog-text">
        {prefixes.length > 0 ? 'Everything inside the selected folders is deleted too. ' : ''}This cannot be undone.
      </p>
      <DangerButtons action={busy ? 'Deleting…' : 'Delete'} onCancel={closeDialog} onConfirm={() => void confirm()} busy={busy} />
    </Dialog>
  );
}
