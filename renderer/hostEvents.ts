// Routes the host's events to the store each concerns: listing pages to the browser; rows, batches
// and transfer progress to the queue; questions about existing targets to the conflict store;
// settings, header changes and copies to theirs. Tells the browser when the connection drops, and reloads what events would
// have said while it was down.
import { notifyBatchEnded } from './batchNotifications.js';
import { onHostEvent } from './bridge.js';
import { useConnectionStore } from './connectionStore.js';
import { useBrowserStore } from './stores/browserStore.js';
import { showConflictsWhenFree, useConflictStore } from './stores/conflictStore.js';
import { useHeaderChangeStore } from './stores/headerChangeStore.js';
import { useQueueStore } from './stores/queueStore.js';
import { useSettingsStore } from './stores/settingsStore.js';
import { refreshListingAfterUpload } from './upload/uploadListingRefresh.js';

export function routeHostEvents(): () => void {
  const stopEvents = onHostEvent((event) => {
    refreshListingAfterUpload(event);
    switch (event.type) {
      case 'listing':
        useBrowserStore.getState().receiveListing(event);
        break;
      case 'batch':
        useQueueStore.getState().receive(event);
        notifyBatchEnded(event);
        break;
      case 'conflict':
      case 'conflictClosed':
        useConflictStore.getState().receive(event);
        break;
      case 'settings':
        useSettingsStore.getState().receive(event);
        break;
      case 'headerChange':
        useHeaderChangeStore.getState().receive(event);
        break;
      default:
        useQueueStore.getState().receive(event);
    }
  });
  const stopConflicts = showConflictsWhenFree();
  const stopConnection = useConnectionStore.subscribe((s, before) => {
    const browser = useBrowserStore.getState();
    if (before.state === 'open' && s.state !== 'open') browser.connectionLost();
    if (before.state === 'reconnecting' && s.state === 'open') {
      // Back after a drop: the listing the drop cut short is fetched again, and the queue and settings
      // are read whole (their events while the connection was down are lost).
      if (browser.listingState === 'error') browser.refresh();
      void useQueueStore.getState().load();
      void useSettingsStore.getState().load();
    }
  });
  return () => {
    stopEvents();
    stopConflicts();
    stopConnection();
  };
}
