// Electron main process: one locked-down window over the built renderer, wired to the services.
//
// This file stays thin on purpose: it creates the window, applies Electron's security checklist and
// wires the services (electron/services/, plain Node, the same the browser-hosted mode serves) to
// two IPC channels: one for calls, validated by the service, one for events.
//
// Built layout, all under dist/: electron/main.js (this file, ESM because package.json says
// "type": "module"), electron/preload.cjs (see preload.ts for why it is CommonJS) and
// renderer/index.html (the built renderer).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Notification, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { BatchEvent } from '../shared/api.js';
import { batchNotice } from '../shared/batchNotice.js';
import { defaultStateDir } from './engine/journal.js';
import { defaultConfigDir } from './services/accounts.js';
import { FerryService } from './services/ferryService.js';
import { KeytarSecretStore } from './services/secretStore.js';
import { tuneV8 } from './engine/v8Flags.js';
import { CONTENT_SECURITY_POLICY } from '../shared/contentSecurityPolicy.js';

const PRELOAD_PATH = path.join(import.meta.dirname, 'preload.cjs');
const RENDERER_DIR = path.join(import.meta.dirname, '..', 'renderer');
const RENDERER_INDEX = path.join(RENDERER_DIR, 'index.html');

// The channel names, the same in preload.ts.
const CALL_CHANNEL = 'ferry:call';
const EVENT_CHANNEL = 'ferry:event';

tuneV8();

let mainWindow: BrowserWindow | null = null;
let service: FerryService | null = null;

/** True for a file:// URL inside the built renderer folder, the only pages this app shows. */
function isAppPage(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:') return false;
  // Compare decoded paths, not URL strings, so percent-encoding of the install path cannot matter.
  const relative = path.relative(RENDERER_DIR, fileURLToPath(parsed));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The strict policy on every http(s) response in the session, so it fails closed for anything served
 * that way. The window's own page comes from file://, which has no response headers: that page
 * carries the same policy in a <meta> tag written at build time (renderer/vite.config.ts).
 */
function enforceContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  // The renderer needs no camera, notifications, geolocation or the like.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** Calls from the app's own page only; the service validates each payload against shared/api.ts. */
function wireServices(): FerryService {
  const ferry = new FerryService({
    version: app.getVersion(),
    mode: 'electron',
    // The accounts file the browser-hosted mode and the command line's --account read too.
    configDir: defaultConfigDir(),
    stateDir: defaultStateDir(),
    downloadFolder: app.getPath('downloads'),
    secrets: new KeytarSecretStore(),
    chooseFolder: async (title) => {
      const options = { title, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
      const chosen = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
    },
  });
  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, request: unknown) => {
    if (!event.senderFrame || !isAppPage(event.senderFrame.url)) {
      return { ok: false, error: { code: 'Unauthorized', message: 'Calls are accepted from the app window only.' } };
    }
    return ferry.call(name, request);
  });
  ferry.onEvent((event) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, event);
    if (event.type === 'batch') void notify(ferry, event);
  });
  return ferry;
}

/** A system notification when a long batch ends (the renderer does this itself in a browser). */
async function notify(ferry: FerryService, event: BatchEvent): Promise<void> {
  const notice = batchNotice(event, (await ferry.queue).settings().notifyAfterSeconds);
  if (notice && Notification.isSupported()) new Notification({ title: notice.title, body: notice.body }).show();
}

/** No web contents may leave the app's pages or open another window. */
function guardNavigation(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppPage(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Ferry',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: PRELOAD_PATH,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  window.loadFile(RENDERER_INDEX).catch((error: unknown) => {
    console.error(`Ferry could not load its window from ${RENDERER_INDEX}`, error);
  });
  return window;
}

function focusMainWindow(): void {
  if (mainWindow === null) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

// A second launch hands over to the running instance, so two apps never share one transfer journal.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => guardNavigation(contents));
  // Running transfers are paused (their journals resume them on the next start) before the app goes.
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !service) return;
    event.preventDefault();
    void service.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows until the user quits them.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (mainWindow === null && app.isReady()) mainWindow = createMainWindow();
  });

  app
    .whenReady()
    .then(() => {
      enforceContentSecurityPolicy();
      service = wireServices();
      mainWindow = createMainWindow();
    })
    .catch((error: unknown) => {
      console.error('Ferry failed to start', error);
      app.exit(1);
    });
}
