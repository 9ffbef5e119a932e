// Shows the one dialog the ui store says is open.
import { useUiStore } from '../stores/uiStore.js';
import { AccountDialog } from './AccountDialog.js';
import { ChangeHeadersDialog } from './ChangeHeadersDialog.js';
import { ConflictDialog } from './ConflictDialog.js';
import { CopyDialog } from './CopyDialog.js';
import { DeleteDialog } from './DeleteDialog.js';
import { NewFolderDialog } from './NewFolderDialog.js';
import { PublishDialog } from './PublishDialog.js';
import { PublishRulesDialog } from './PublishRulesDialog.js';
import { ReplicaDialog } from './ReplicaDialog.js';
import { QueueSettingsDialog } from './QueueSettingsDialog.js';
import { RemoveAccountDialog } from './RemoveAccountDialog.js';
import { ShareLinkDialog } from './ShareLinkDialog.js';
import { SyncDialog } from './SyncDialog.js';

export function DialogHost() {
  const dialog = useUiStore((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'account':
      return <AccountDialog key={dialog.account?.id ?? 'new'} account={dialog.account} />;
    case 'remove-account':
      return <RemoveAccountDialog account={dialog.account} />;
    case 'delete':
      return <DeleteDialog keys={dialog.keys} prefixes={dialog.prefixes} />;
    case 'new-folder':
      return <NewFolderDialog />;
    case 'share':
      return <ShareLinkDialog objectKey={dialog.key} />;
    case 'conflict':
      return <ConflictDialog />;
    case 'queue-settings':
      return <QueueSettingsDialog />;
    case 'publish-rules':
      return <PublishRulesDialog bucket={dialog.bucket} />;
    case 'replica':
      return <ReplicaDialog bucket={dialog.bucket} />;
    case 'publish':
      return <PublishDialog files={dialog.files} place={dialog.place} />;
    case 'change-headers':
      return <ChangeHeadersDialog keys={dialog.keys} prefixes={dialog.prefixes} />;
    case 'copy':
      return <CopyDialog keys={dialog.keys} prefixes={dialog.prefixes} move={dialog.move} targetAccountId={dialog.targetAccountId} />;
    case 'sync':
      return <SyncDialog />;
  }
}
