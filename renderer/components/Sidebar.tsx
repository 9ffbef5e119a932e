// The left column: accounts to open, and the ways to add them.
import { useState, type MouseEvent } from 'react';
import type { Account } from '../../shared/api.js';
import { OBJECTS_DRAG_TYPE, askCopyDropped } from '../selectionCommands.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useUiStore, type MenuItem } from '../stores/uiStore.js';
import { CloudIcon, FerryIcon, ImportIcon, MoreIcon, PlusIcon } from './icons.js';

function accountDetail(account: Account): string {
  const where = account.kind === 'aws' ? `AWS · ${account.region}` : (account.endpoint ?? '').replace(/^https?:\/\//, '');
  const from = account.source === 'aws-profile' ? ` · profile ${account.profile ?? ''}` : account.source === 'environment' ? ' · environment' : '';
  return where + from;
}

function accountMenu(account: Account): MenuItem[] {
  const ui = useUiStore.getState();
  // Accounts from ~/.aws or the environment are edited there; one from the environment cannot be removed either.
  return [
    { label: 'Edit…', disabled: account.source !== 'keychain', run: () => ui.openDialog({ kind: 'account', account }) },
    { label: 'Remove…', danger: true, disabled: account.source === 'environment', run: () => ui.openDialog({ kind: 'remove-account', account }) },
  ];
}

function AccountItem({ account }: { account: Account }) {
  const [dropping, setDropping] = useState(false);
  const selected = useAccountsStore((s) => s.selectedId === account.id);
  const select = useAccountsStore((s) => s.select);
  const openContextMenu = useUiStore((s) => s.openContextMenu);

  function showMenu(event: MouseEvent, at?: DOMRect): void {
    event.preventDefault();
    openContextMenu({ x: at ? at.left : event.clientX, y: at ? at.bottom + 2 : event.clientY, items: accountMenu(account) });
  }

  return (
    <li
      className={`account${selected ? ' selected' : ''}${dropping ? ' drop-target' : ''}`}
      onContextMenu={showMenu}
      // Rows dragged from the object list: Copy to… this account.
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes(OBJECTS_DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        setDropping(false);
        const data = event.dataTransfer.getData(OBJECTS_DRAG_TYPE);
        if (!data) return;
        event.preventDefault();
        askCopyDropped(data, account.id);
      }}
      data-testid="account-drop"
    >
      <button type="button" className="account-open" data-testid="account-item" aria-current={selected ? 'true' : undefined} onClick={() => select(account.id)} title={accountDetail(account)}>
        {account.name}
      </button>
      <span className="account-icon" aria-hidden="true">
        <CloudIcon />
      </span>
      <span className="account-detail" aria-hidden="true">
        {accountDetail(account)}
      </span>
      <button type="button" className="icon-button account-more" aria-label={`Actions for ${account.name}`} onClick={(e) => showMenu(e, e.currentTarget.getBoundingClientRect())}>
        <MoreIcon />
      </button>
    </li>
  );
}

export function Sidebar({ hidden }: { hidden?: boolean }) {
  const accounts = useAccountsStore((s) => s.accounts);
  const loaded = useAccountsStore((s) => s.loaded);
  const importAwsProfiles = useAccountsStore((s) => s.importAwsProfiles);
  const openDialog = useUiStore((s) => s.openDialog);
  const appInfo = useAccountsStore((s) => s.appInfo);

  return (
    <aside className="sidebar" aria-label="Accounts" aria-hidden={hidden}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <FerryIcon />
        </span>
        Ferry
      </div>
      <h2 className="section-title">Accounts</h2>
      <ul className="account-list">
        {accounts.map((a) => (
          <AccountItem key={a.id} account={a} />
        ))}
      </ul>
      {loaded && accounts.length === 0 && <p className="sidebar-empty">No accounts yet. Add one, or import your ~/.aws profiles.</p>}
      <div className="sidebar-actions">
        <button type="button" className="sidebar-action" onClick={() => openDialog({ kind: 'account' })}>
          <PlusIcon />
          Add account
        </button>
        <button type="button" className="sidebar-action" onClick={() => void importAwsProfiles()}>
          <ImportIcon />
          Import ~/.aws profiles
        </button>
      </div>
      {appInfo && (
        <div className="sidebar-footer" title={`Downloads go to ${appInfo.downloadFolder}`}>
          Ferry {appInfo.version}
          <br />
          Downloads: {appInfo.downloadFolder}
        </div>
      )}
    </aside>
  );
}
