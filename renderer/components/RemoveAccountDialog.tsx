// Confirms removing an account from Ferry (its buckets are not touched).
import { useState } from 'react';
import type { Account } from '../../shared/api.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { DangerButtons, Dialog } from './Dialog.js';

export function RemoveAccountDialog({ account }: { account: Account }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const remove = useAccountsStore((s) => s.remove);
  const [busy, setBusy] = useState(false);

  async function confirm(): Promise<void> {
    setBusy(true);
    await remove(account);
    closeDialog();
  }

  return (
    <Dialog title={`Remove ${account.name}?`} onClose={closeDialog}>
      <p className="dialog-text">
        Ferry forgets this account{account.source === 'keychain' ? ' and removes its secret from the keychain' : ''}. Buckets and objects are not touched.
      </p>
      <DangerButtons action="Remove" onCancel={closeDialog} onConfirm={() => void confirm()} busy={busy} />
    </Dialog>
  );
}
