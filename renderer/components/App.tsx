// The window's layout: accounts on the left; toolbar, table, info panel and the transfer queue on the right.
import { useCallback, useEffect } from 'react';
import { useGlobalShortcuts } from '../globalShortcuts.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useQueueStore } from '../stores/queueStore.js';
import { useSettingsStore } from '../stores/settingsStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { ConnectionBanner, KeychainBanner, ListingServedBanner } from './Banners.js';
import { BucketTable } from './BucketTable.js';
import { ContextMenu } from './ContextMenu.js';
import { DialogHost } from './DialogHost.js';
import { InfoPanel } from './InfoPanel.js';
import { ObjectTable } from './ObjectTable.js';
import { QueuePanel } from './QueuePanel.js';
import { Sidebar } from './Sidebar.js';
import { StatusBar } from './StatusBar.js';
import { Toasts } from './Toasts.js';
import { FILTER_INPUT_ID, Toolbar } from './Toolbar.js';

function Welcome() {
  const hasAccounts = useAccountsStore((s) => s.accounts.length > 0);
  return (
    <div className="welcome">
      <h1>Ferry</h1>
      <p>{hasAccounts ? 'Choose an account on the left to see its buckets.' : 'Add an account on the left (or import your ~/.aws profiles) to see its buckets.'}</p>
    </div>
  );
}

function Content() {
  const hasAccount = useBrowserStore((s) => s.account !== null);
  const inBucket = useBrowserStore((s) => s.location.bucket !== null);
  if (!hasAccount) return <Welcome />;
  return (
    <>
      {inBucket && <ListingServedBanner />}
      {inBucket ? <ObjectTable /> : <BucketTable />}
      <StatusBar />
    </>
  );
}

export function App() {
  const infoOpen = useUiStore((s) => s.infoPanelOpen);
  // A modal dialog makes the page behind it inert; aria-hidden says so to tools that read roles too.
  const behindDialog = useUiStore((s) => s.dialog !== null) || undefined;
  const focusFilter = useCallback(() => document.getElementById(FILTER_INPUT_ID)?.focus(), []);
  useGlobalShortcuts(focusFilter);

  useEffect(() => {
    void useAccountsStore.getState().load();
    void useQueueStore.getState().load();
    void useSettingsStore.getState().load();
  }, []);

  return (
    <div className="app">
      <Sidebar hidden={behindDialog} />
      <main className="main" aria-hidden={behindDialog}>
        <ConnectionBanner />
        <KeychainBanner />
        <Toolbar />
        <div className="content">
          <section className="table-area" aria-label="Files">
            <Content />
          </section>
          {infoOpen && <InfoPanel />}
          <Toasts />
        </div>
        <QueuePanel />
      </main>
      <ContextMenu />
      <DialogHost />
    </div>
  );
}
