// Where a drop or an Upload… choice becomes an upload: Electron hands over the items' paths; the
// browser-hosted mode reads the items here and streams them to the host.
import { askNotificationPermission } from '../batchNotifications.js';
import { currentBridge } from '../bridge.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { reportError, useUiStore } from '../stores/uiStore.js';
import { pickedFromFileList, readDrop, type DropData, type PickedItems } from './dropEntries.js';
import { rememberUploadPlace } from './uploadListingRefresh.js';
import { sendFromBrowser, uploadLocalFiles, type UploadPlace } from './uploadSender.js';

/** Where an upload started now goes: the open prefix, or `prefix` (a folder dropped onto); null outside a bucket. */
export function uploadPlace(prefix?: string): UploadPlace | null {
  const { account, location } = useBrowserStore.getState();
  if (!account || location.bucket === null) return null;
  return { accountId: account.id, bucket: location.bucket, prefix: prefix ?? location.prefix };
}

/** Must run inside the drop event's handler: a DataTransfer is emptied when it returns. */
export function uploadDrop(dataTransfer: DropData & { readonly files: ArrayLike<File> }, place: UploadPlace): void {
  const bridge = currentBridge();
  if (!bridge) return;
  // A drop is a person's gesture: the one moment a browser lets the page ask to notify when a long batch ends.
  void askNotificationPermission();
  // Electron: only the top-level items; the main process walks dropped folders itself.
  if (bridge.pathForFile) {
    void sendPaths(Array.from(dataTransfer.files), place);
    return;
  }
  void readDrop(dataTransfer).then(
    (picked) => sendPicked(place, picked),
    (error: unknown) => reportError({ code: 'LocalAccessDenied', message: `The dropped items could not be read: ${error instanceof Error ? error.message : String(error)}` }),
  );
}

/** The files an `<input type=file>` (plain or `webkitdirectory`) was given. */
export function uploadFileList(files: readonly File[], place: UploadPlace): void {
  const bridge = currentBridge();
  if (!bridge) return;
  void askNotificationPermission();
  if (bridge.pathForFile) void sendPaths(files, place);
  else void sendPicked(place, pickedFromFileList(files));
}

async function sendPaths(files: readonly File[], place: UploadPlace): Promise<void> {
  const bridge = currentBridge();
  if (!bridge) return;
  const batchId = await uploadLocalFiles(bridge, place, files);
  if (batchId !== null) rememberUploadPlace(batchId, place);
}

async function sendPicked(place: UploadPlace, picked: PickedItems): Promise<void> {
  const bridge = currentBridge();
  if (!bridge) return;
  if (picked.unreadable.length > 0) {
    const [first] = picked.unreadable;
    const more = picked.unreadable.length > 1 ? ` and ${picked.unreadable.length - 1} more` : '';
    reportError({ code: 'LocalAccessDenied', message: `${first}${more} could not be read, and ${picked.unreadable.length > 1 ? 'are' : 'is'} left out of the upload.` });
  }
  if (picked.files.length === 0 && picked.emptyFolders.length === 0) {
    if (picked.unreadable.length === 0) useUiStore.getState().showNotice('Nothing to upload: no files were chosen.');
    return;
  }
  await sendFromBrowser(bridge, place, picked, { onStarted: (batchId) => rememberUploadPlace(batchId, place) });
}
