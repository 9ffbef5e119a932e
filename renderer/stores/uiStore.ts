// What the window shows around the data: the open dialog, the context menu, panels, and toasts
// (errors stay until dismissed; notices fade).
import { create } from 'zustand';
import type { Account } from '../../shared/api.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { UploadPlace } from '../upload/uploadSender.js';

export type Dialog =
  | { kind: 'account'; account?: Account }
  | { kind: 'remove-account'; account: Account }
  | { kind: 'delete'; keys: string[]; prefixes: string[] }
  | { kind: 'new-folder' }
  | { kind: 'share'; key: string }
  /** The oldest waiting question about a target that exists (the conflict store holds them). */
  | { kind: 'conflict' }
  | { kind: 'queue-settings' }
  /** One bucket's publishing rules (the open bucket, or one right-clicked in the list). */
  | { kind: 'publish-rules'; bucket: string }
  /** One bucket's replica (read when its endpoint is down). */
  | { kind: 'replica'; bucket: string }
  /** Publish folder…: the chosen folder's files, previewed before they go. */
  | { kind: 'publish'; files: File[]; place: UploadPlace }
  | { kind: 'change-headers'; keys: string[]; prefixes: string[] }
  /** Copy to… or Move to…: the selection, named below the folder shown (`targetAccountId`: dropped on that account). */
  | { kind: 'copy'; keys: string[]; prefixes: string[]; move: boolean; targetAccountId?: string }
  /** Synchronize…: its place and steps are in the sync store. */
  | { kind: 'sync' };

export interface MenuItem {
  label: string;
  shortcut?: string;
  disabled?: boolean;
  danger?: boolean;
  /** The entry's data-action, for tests and styles to find it by what it does. */
  action?: string;
  run: () => void;
}

export interface ContextMenu {
  x: number;
  y: number;
  items: (MenuItem | 'separator')[];
}

export interface Toast {
  id: number;
  tone: 'error' | 'notice';
  message: string;
}

// Long enough to read a sentence, short enough not to pile up.
const NOTICE_MS = 4_000;

interface UiStore {
  dialog: Dialog | null;
  contextMenu: ContextMenu | null;
  toasts: Toast[];
  infoPanelOpen: boolean;
  /** The transfer queue panel: open, and its height when open. */
  queueOpen: boolean;
  queueHeight: number;
  openDialog: (dialog: Dialog) => void;
  closeDialog: () => void;
  openContextMenu: (menu: ContextMenu) => void;
  closeContextMenu: () => void;
  showError: (error: ErrorInfo) => void;
  showNotice: (message: string) => void;
  dismissToast: (id: number) => void;
  toggleInfoPanel: () => void;
  setQueueOpen: (open: boolean) => void;
  setQueueHeight: (height: number) => void;
}

let nextToastId = 1;

export const useUiStore = create<UiStore>()((set, get) => ({
  dialog: null,
  contextMenu: null,
  toasts: [],
  infoPanelOpen: false,
  queueOpen: true,
  queueHeight: 300,
  openDialog: (dialog) => set({ dialog, contextMenu: null }),
  closeDialog: () => set({ dialog: null }),
  openContextMenu: (contextMenu) => set({ contextMenu }),
  closeContextMenu: () => set({ contextMenu: null }),
  showError: (error) => {
    // The same sentence twice (a retried action failing again) is one toast, not a stack.
    if (get().toasts.some((t) => t.tone === 'error' && t.message === error.message)) return;
    set((s) => ({ toasts: [...s.toasts, { id: nextToastId++, tone: 'error', message: error.message }] }));
  },
  showNotice: (message) => {
    const id = nextToastId++;
    set((s) => ({ toasts: [...s.toasts, { id, tone: 'notice', message }] }));
    setTimeout(() => get().dismissToast(id), NOTICE_MS);
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  toggleInfoPanel: () => set((s) => ({ infoPanelOpen: !s.infoPanelOpen })),
  setQueueOpen: (queueOpen) => set({ queueOpen }),
  setQueueHeight: (queueHeight) => set({ queueHeight }),
}));

/** For stores: every failed call ends here unless a dialog shows it in place. */
export function reportError(error: ErrorInfo): void {
  useUiStore.getState().showError(error);
}
