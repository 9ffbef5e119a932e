// Publish folder…: a folder chosen as Upload… › Folder… chooses it; a preview of each key and the
// headers the bucket's kept rules give it; then the same upload Upload… starts (uploadFileList: the
// host applies the rules to every upload into the bucket).
import type { CallResult } from '../../shared/api.js';
import { call, currentBridge } from '../bridge.js';
import { useUiStore } from '../stores/uiStore.js';
import { pickedFromFileList } from './dropEntries.js';
import { chooseUpload } from './uploadPicker.js';
import { announced, localPaths, type UploadPlace } from './uploadSender.js';

/** Opens the folder dialog; the chosen folder's preview opens in the Publish dialog. Must run in a click. */
export function choosePublishFolder(): void {
  chooseUpload('folder', (files, place) => useUiStore.getState().openDialog({ kind: 'publish', files, place }));
}

/** What uploading the files would send. Electron: the folder's path (the host walks it); a browser: the files' names and sizes. */
export async function previewPublish(files: readonly File[], place: UploadPlace): Promise<CallResult<'publish.preview'>> {
  const bridge = currentBridge();
  if (bridge?.pathForFile) {
    const paths = localPaths(files, bridge.pathForFile.bind(bridge));
    if (paths.length === 0) return { ok: false, error: { code: 'LocalNotFound', message: 'Nothing to publish: Ferry publishes folders from this computer’s disks.' } };
    return call('publish.preview', { ...place, paths });
  }
  return call('publish.preview', { ...place, ...announced(pickedFromFileList(files)) });
}
