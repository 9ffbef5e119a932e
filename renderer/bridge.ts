// Picks how the UI reaches Ferry (Electron's preload bridge, or the browser-hosted mode's WebSocket)
// and offers the one `call` every store uses.
import type { AppEvent, CallName, CallRequest, CallResult, FerryBridge } from '../shared/api.js';
import { createWebSocketBridge } from './webSocketBridge.js';

declare global {
  interface Window {
    /** Exposed by Electron's preload script; absent in a plain browser. */
    ferry?: FerryBridge;
  }
}

// sessionStorage, not localStorage: the token is good for one host run, and a reload of this tab
// must keep working after the address bar no longer shows it.
const TOKEN_STORAGE_KEY = 'ferry.token';

export type Transport = { kind: 'ready'; bridge: FerryBridge } | { kind: 'missing-token' };

let current: FerryBridge | null = null;

/** The host's token: from ?token= (then hidden from the address bar and history), else from this tab's earlier load. */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

/** Connects once, at start-up. */
export function connectBridge(): Transport {
  if (window.ferry && typeof window.ferry.call === 'function') {
    current = window.ferry;
    return { kind: 'ready', bridge: current };
  }
  const token = takeToken();
  if (!token) return { kind: 'missing-token' };
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  current = createWebSocketBridge(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`);
  return { kind: 'ready', bridge: current };
}

/** Calls the host. Never throws: a transport failure comes back as an error result like any other. */
export async function call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<N>> {
  if (!current) return { ok: false, error: { code: 'NetworkError', message: 'Ferry is not connected to its host yet.' } };
  try {
    return await current.call(name, request);
  } catch (error) {
    return { ok: false, error: { code: 'Unknown', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** The transport itself, for what goes beyond calls: upload chunks, and Electron's paths of dropped files. */
export function currentBridge(): FerryBridge | null {
  return current;
}

export function onHostEvent(listener: (event: AppEvent) => void): () => void {
  return current ? current.onEvent(listener) : () => undefined;
}
