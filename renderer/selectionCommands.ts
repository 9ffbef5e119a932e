// The commands the toolbar, the context menu and the shortcuts share. Each reads the current place
// and selection, then asks a dialog or a store to do the work, so all three entry points behave alike.
import { askNotificationPermission } from './batchNotifications.js';
import type { Entry } from './model/objectEntries.js';
import { shortcutLabel } from './shortcutLabels.js';
import { focusedFile, selectedEntries, useBrowserStore } from './stores/browserStore.js';
import { useQueueStore } from './stores/queueStore.js';
import { useSyncStore } from './stores/syncStore.js';
import { useUiStore, type MenuItem } from './stores/uiStore.js';
import { choosePublishFolder } from './upload/publishFolder.js';
import { chooseUpload } from './upload/uploadPicker.js';

/** Selected files as keys, folders as prefixes: how calls name a selection. */
function keysAndPrefixes(selected: readonly Entry[]): { keys: string[]; prefixes: string[] } {
  return { keys: selected.filter((e) => e.kind === 'file').map((e) => e.key), prefixes: selected.filter((e) => e.kind === 'folder').map((e) => e.key) };
}

export function downloadSelection(): void {
  const s = useBrowserStore.getState();
  const selected = selectedEntries(s);
  if (!s.account || s.location.bucket === null || selected.length === 0) return;
  // Now, while the click or key that started the download still lets the browser ask.
  void askNotificationPermission();
  void useQueueStore.getState().download({
    accountId: s.account.id,
    bucket: s.location.bucket,
    ...keysAndPrefixes(selected),
  });
}

/** Opens a dialog about the selected files and folders. */
function askAboutSelection(kind: 'delete' | 'change-headers'): void {
  const selected = selectedEntries(useBrowserStore.getState());
  if (selected.length > 0) useUiStore.getState().openDialog({ kind, ...keysAndPrefixes(selected) });
}

export function askDeleteSelection(): void {
  askAboutSelection('delete');
}

export function askChangeHeaders(): void {
  askAboutSelection('change-headers');
}

/** Copy to… (or Move to…) on the selected files and folders. */
export function askCopySelection(move: boolean): void {
  const selected = selectedEntries(useBrowserStore.getState());
  if (selected.length > 0) useUiStore.getState().openDialog({ kind: 'copy', move, ...keysAndPrefixes(selected) });
}

/** What a drag of rows out of the object list carries: the selection (or the one row dragged) as keys and prefixes. */
export const OBJECTS_DRAG_TYPE = 'application/x-ferry-objects';

export function objectsDragData(draggedKey: string): string {
  const s = useBrowserStore.getState();
  const selected = selectedEntries(s);
  const entries = selected.some((e) => e.key === draggedKey) ? selected : s.objectView.filter((e) => e.key === draggedKey);
  return JSON.stringify(keysAndPrefixes(entries));
}

/** Rows dropped on an account: Copy to… with that account chosen. */
export function askCopyDropped(data: string, targetAccountId: string): void {
  const parsed = JSON.parse(data) as { keys?: unknown; prefixes?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const keys = strings(parsed.keys);
  const prefixes = strings(parsed.prefixes);
  if (keys.length + prefixes.length > 0) useUiStore.getState().openDialog({ kind: 'copy', move: false, keys, prefixes, targetAccountId });
}

export function askNewFolder(): void {
  if (useBrowserStore.getState().location.bucket === null) return;
  useUiStore.getState().openDialog({ kind: 'new-folder' });
}

export function askShareLink(): void {
  const file = focusedFile(useBrowserStore.getState());
  if (file) useUiStore.getState().openDialog({ kind: 'share', key: file.key });
}

/** Synchronize… on `prefix` (a folder's key), or on the open prefix. */
export function askSync(prefix?: string): void {
  const s = useBrowserStore.getState();
  if (!s.account || s.location.bucket === null) return;
  useSyncStore.getState().open({ accountId: s.account.id, bucket: s.location.bucket, prefix: prefix ?? s.location.prefix });
  useUiStore.getState().openDialog({ kind: 'sync' });
}

/** The publishing rules of `bucket`, or of the open bucket. */
export function askPublishingRules(bucket?: string): void {
  const name = bucket ?? useBrowserStore.getState().location.bucket;
  if (name !== null) useUiStore.getState().openDialog({ kind: 'publish-rules', bucket: name });
}

/** The replica of `bucket`, or of the open bucket. */
export function askReplica(bucket?: string): void {
  const name = bucket ?? useBrowserStore.getState().location.bucket;
  if (name !== null) useUiStore.getState().openDialog({ kind: 'replica', bucket: name });
}

export function toggleInfo(): void {
  useUiStore.getState().toggleInfoPanel();
}

/** Upload files or a folder into the open prefix, or publish a folder, through the system's dialog. Short labels: under the toolbar's Upload… button. */
export function uploadMenuItems(labels: 'short' | 'long'): MenuItem[] {
  return [
    { label: labels === 'short' ? 'Files…' : 'Upload files…', action: 'upload-files', run: () => chooseUpload('files') },
    { label: labels === 'short' ? 'Folder…' : 'Upload folder…', action: 'upload-folder', run: () => chooseUpload('folder') },
    { label: 'Publish folder…', action: 'publish-folder', run: choosePublishFolder },
  ];
}

/** The object table's context menu for the current selection. */
export function objectMenu(): (MenuItem | 'separator')[] {
  const s = useBrowserStore.getState();
  const selected = selectedEntries(s);
  const single = selected.length === 1 ? selected[0] : undefined;
  const items: (MenuItem | 'separator')[] = [];
  if (single?.kind === 'folder') items.push({ label: 'Open', shortcut: 'Enter', run: () => s.openPrefix(single.key) });
  if (selected.length > 0) {
    items.push({ label: 'Download', shortcut: shortcutLabel('mod+d'), run: downloadSelection });
    if (single?.kind === 'file') items.push({ label: 'Share link…', run: askShareLink });
    items.push({ label: 'Info', shortcut: shortcutLabel('mod+i'), run: () => useUiStore.setState({ infoPanelOpen: true }) });
    items.push({ label: 'Change headers…', action: 'change-headers', run: askChangeHeaders });
    items.push({ label: 'Copy to…', action: 'copy-to', run: () => askCopySelection(false) });
    items.push({ label: 'Move to…', action: 'move-to', run: () => askCopySelection(true) });
    if (single?.kind === 'folder') items.push({ label: 'Synchronize…', action: 'sync-folder', run: () => askSync(single.key) });
    items.push('separator');
  }
  items.push(...uploadMenuItems('long'));
  items.push({ label: 'New folder…', shortcut: shortcutLabel('mod+shift+n'), run: askNewFolder });
  items.push({ label: s.location.prefix === '' ? 'Synchronize the bucket…' : 'Synchronize this folder…', action: 'sync-here', run: () => askSync() });
  items.push({ label: 'Publishing rules…', action: 'publishing-rules', run: () => askPublishingRules() });
  items.push({ label: 'Replica…', action: 'replica', run: () => askReplica() });
  items.push({ label: 'Refresh', shortcut: 'F5', run: s.refresh });
  if (selected.length > 0) {
    items.push('separator');
    items.push({ label: selected.length === 1 ? 'Delete…' : `Delete ${selected.length} items…`, shortcut: 'Del', danger: true, run: askDeleteSelection });
  }
  return items;
}
