// The browser-hosted mode's FerryBridge: calls and events as JSON frames over one WebSocket to the host,
// upload chunks as binary frames on the same socket, reconnecting with backoff when it drops.
import type { AppEvent, CallName, CallRequest, CallResult, ChunkResult, ClientFrame, FerryBridge, ServerFrame } from '../shared/api.js';
import { encodeChunkFrame } from '../shared/chunkFrame.js';
import type { ErrorInfo } from '../shared/errors.js';
import type { ChunkHeader } from '../shared/queue.js';
import { useConnectionStore } from './connectionStore.js';

// Backoff between reconnect attempts: doubles from the first delay up to the cap, so a restarting
// host is found again within seconds while a stopped one is not hammered.
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 8_000;
// A call made while the socket is down waits this long for it to come back before failing.
const WAIT_FOR_OPEN_MS = 15_000;

/** What the host answers under an id: a call's result, or a chunk's. */
type Answer = CallResult<CallName> | ChunkResult;

interface Waiting {
  frame: ClientFrame;
  resolve: (result: Answer) => void;
  timer: ReturnType<typeof setTimeout>;
}

function networkError(message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code: 'NetworkError', message } };
}

export function createWebSocketBridge(url: string): FerryBridge {
  const connection = useConnectionStore.getState();
  const listeners = new Set<(event: AppEvent) => void>();
  const pending = new Map<number, (result: Answer) => void>();
  let waiting: Waiting[] = [];
  let socket: WebSocket | null = null;
  let open = false;
  let nextId = 1;
  let retryDelay = FIRST_RETRY_MS;

  function send(frame: ClientFrame, resolve: (result: Answer) => void): void {
    pending.set(frame.id, resolve);
    socket?.send(JSON.stringify(frame));
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if ('event' in frame) {
      for (const listener of listeners) listener(frame.event);
      return;
    }
    const resolve = pending.get(frame.id);
    pending.delete(frame.id);
    resolve?.(frame.result);
  }

  function connect(): void {
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      open = true;
      retryDelay = FIRST_RETRY_MS;
      connection.setState('open');
      const queued = waiting;
      waiting = [];
      for (const w of queued) {
        clearTimeout(w.timer);
        send(w.frame, w.resolve);
      }
    });
    ws.addEventListener('message', (message) => receive(message.data));
    // 'error' is always followed by 'close', which does the work.
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      open = false;
      // A request already sent may or may not have run on the host; its reply is lost either way.
      const lost = [...pending.values()];
      pending.clear();
      for (const resolve of lost) resolve(networkError("The connection to Ferry's host was lost before it answered. Check that the host is still running."));
      connection.setState('reconnecting');
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
    });
  }

  connection.setState('connecting');
  connect();

  return {
    call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<N>> {
      const frame: ClientFrame = { id: nextId++, call: name, request };
      return new Promise<Answer>((resolve) => {
        if (open) {
          send(frame, resolve);
          return;
        }
        const entry: Waiting = {
          frame,
          resolve,
          timer: setTimeout(() => {
            waiting = waiting.filter((w) => w !== entry);
            resolve(networkError("Cannot reach Ferry's host. Check that it is still running, or open the address it printed again."));
          }, WAIT_FOR_OPEN_MS),
        };
        waiting.push(entry);
      }) as Promise<CallResult<N>>;
    },
    sendChunk(header: Omit<ChunkHeader, 'id'>, bytes: ArrayBuffer): Promise<ChunkResult> {
      // Not held back until the socket is open again, as a call is: chunks are up to a megabyte
      // each, and the sender stops the file on this answer rather than piling them up here.
      if (!open || !socket) return Promise.resolve(networkError("The connection to Ferry's host was lost while sending a file. Check that the host is still running, then upload the file again."));
      const id = nextId++;
      const frame = encodeChunkFrame({ id, streamId: header.streamId, offset: header.offset, last: header.last }, new Uint8Array(bytes));
      const ws = socket;
      return new Promise<ChunkResult>((resolve) => {
        // The answer under a chunk's id is a chunk's.
        pending.set(id, (result) => resolve(result as ChunkResult));
        ws.send(frame);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
