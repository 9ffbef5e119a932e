// The browser-hosted mode's notification when a long batch ends (the Electron app's main process
// shows its own, so the window stays quiet there). The browser asks the person once, on their first
// upload or download or from the settings; a refusal is respected.
import type { BatchEvent } from '../shared/api.js';
import { batchNotice } from '../shared/batchNotice.js';
import { useAccountsStore } from './stores/accountsStore.js';
import { useSettingsStore } from './stores/settingsStore.js';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

function inBrowserMode(): boolean {
  return useAccountsStore.getState().appInfo?.mode === 'browser';
}

export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Asks for permission if it was never asked. Call it from what a person did (a click, a key):
 * browsers ignore or hide a request made without one.
 */
export async function askNotificationPermission(): Promise<NotificationPermissionState> {
  if (!inBrowserMode() || notificationPermission() !== 'default') return notificationPermission();
  try {
    return await Notification.requestPermission();
  } catch {
    return notificationPermission(); // a browser that refuses to ask (no secure context)
  }
}

/** Notifies of a batch that took at least the set number of seconds (0: never). */
export function notifyBatchEnded(event: BatchEvent): void {
  if (!inBrowserMode() || notificationPermission() !== 'granted') return;
  const notice = batchNotice(event, useSettingsStore.getState().settings?.notifyAfterSeconds ?? 0);
  if (!notice) return;
  // One notification per batch: a batch that ends again after a retry replaces the first.
  new Notification(notice.title, { body: notice.body, tag: `ferry-batch-${event.batchId}` });
}
