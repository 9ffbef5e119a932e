// Preload: the one bridge from the sandboxed renderer to the main process, exposed as window.ferry.
// It forwards calls and events of the contract in shared/api.ts and nothing else; the main process
// validates every request (electron/services/ferryService.ts).
//
// A sandboxed preload is loaded as CommonJS with a reduced require() (electron, events, timers,
// url) and no file system, so this file is not emitted as the ESM that tsc would produce here. It
// is bundled into a single CommonJS file beside main.js:
//   esbuild electron/preload.ts --bundle --platform=node --format=cjs --external:electron
//     --outfile=dist/electron/preload.cjs
// Keep its imports to `electron` and type-only imports so the bundle stays self-contained.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AppEvent, CallName, CallRequest, CallResult, FerryBridge } from '../shared/api.js';

// The channel names, the same in main.ts.
const CALL_CHANNEL = 'ferry:call';
const EVENT_CHANNEL = 'ferry:event';

const bridge: FerryBridge = {
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<N>> {
    return ipcRenderer.invoke(CALL_CHANNEL, name, request) as Promise<CallResult<N>>;
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    // The IPC event object (with its sender) never reaches the page: only the plain payload does.
    const handler = (_event: IpcRendererEvent, payload: AppEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  // A File no longer carries its path (Electron 32 removed File.path); only the preload can ask.
  pathForFile(file: object): string {
    return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
  },
};

contextBridge.exposeInMainWorld('ferry', Object.freeze(bridge));
