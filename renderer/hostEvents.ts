// Routes the host's events to the store each concerns: listing pages to the browser, batches and
// transfer progress to downloads; and tells the browser when the connection drops.
import { onHostEvent } from './bridge.js';
import { useConnectionStore } from './connectionStore.js';
import { useBrowserStore } from './stores/browserStore.js';
import { useDownloadsStore } from './stores/downloadsStore.js';

export function routeHostEvents(): () => void {
  const stopEvents = onHostEvent((event) => {
    switch (event.type) {
      case 'listing':
        useBrowserStore.getState().receiveListing(event);
        break;
      case 'batch':
        useDownloadsStore.getState().receiveBatch(event);
        break;
      default:
        useDownloadsStore.getState().receiveTransfer(event);
    }
  });
  const stopConnection = useConnectionStore.subscribe((s, before) => {
    const browser = useBrowserStore.getState();
    if (before.state === 'open' && s.state !== 'open') browser.connectionLost();
    // Back after a drop: the listing the drop cut short is fetched again.
    if (before.state === 'reconnecting' && s.state === 'open' && browser.listingState === 'error') browser.refresh();
  });
  return () => {
    stopEvents();
    stopConnection();
  };
}
