// Shows uploaded objects once they land: remembers where each upload batch goes, and refreshes the
// listing on screen when a batch into it (or into a folder above it) ends. A copy or move started
// here refreshes it too when it ends (it may have added objects to the folder shown, or taken them).
import type { AppEvent } from '../../shared/api.js';
import { useBrowserStore } from '../stores/browserStore.js';
import type { UploadPlace } from './uploadSender.js';

// The `batch` event at a batch's end does not say where it went; the `queueBatch` event at its start
// does, as does the answer to the call that started it. Bounded, as batches started in other windows
// of the same host are remembered too.
const REMEMBERED_BATCHES = 1_000;
const places = new Map<string, UploadPlace>();
const copies = new Set<string>();

/** A copy's batch started from this page: the listing is read again when it ends. */
export function rememberCopyBatch(batchId: string): void {
  copies.add(batchId);
}

/** The sender's own record of its batches: it does not depend on a `queueBatch` event missed during a reconnect. */
export function rememberUploadPlace(batchId: string, place: UploadPlace): void {
  places.delete(batchId);
  places.set(batchId, place);
  if (places.size > REMEMBERED_BATCHES) {
    const oldest = places.keys().next().value;
    if (oldest !== undefined) places.delete(oldest);
  }
}

/** Called with every host event. */
export function refreshListingAfterUpload(event: AppEvent): void {
  if (event.type === 'queueBatch') {
    const { batch } = event;
    if (batch.kind === 'upload') rememberUploadPlace(batch.batchId, { accountId: batch.accountId, bucket: batch.bucket, prefix: batch.target });
    return;
  }
  if (event.type === 'batch' && event.kind === 'copy' && copies.has(event.batchId)) {
    useBrowserStore.getState().refresh();
    return;
  }
  if (event.type !== 'batch' || event.kind !== 'upload') return;
  const place = places.get(event.batchId);
  const browser = useBrowserStore.getState();
  if (!place || browser.account?.id !== place.accountId || browser.location.bucket !== place.bucket) return;
  // Dropped here, or into a folder above that the user has since opened this one of.
  if (browser.location.prefix.startsWith(place.prefix)) browser.refresh();
}
