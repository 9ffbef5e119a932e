// The browser-hosted mode's link to the host: whether the WebSocket is up, so the UI can say so.
import { create } from 'zustand';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

interface ConnectionStore {
  state: ConnectionState;
  /** True once the socket has opened at least once: a socket that never opens usually means a stale URL or token. */
  everOpened: boolean;
  /** Failed attempts since the socket was last open. */
  failures: number;
  setState: (state: ConnectionState) => void;
}

export const useConnectionStore = create<ConnectionStore>()((set) => ({
  // Electron's IPC is always there; the WebSocket bridge moves this to 'connecting' when it starts.
  state: 'open',
  everOpened: true,
  failures: 0,
  setState: (state) =>
    set((s) => ({
      state,
      everOpened: s.everOpened || state === 'open',
      failures: state === 'open' ? 0 : state === 'reconnecting' ? s.failures + 1 : s.failures,
    })),
}));
