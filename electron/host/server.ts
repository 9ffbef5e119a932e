// The browser-hosted mode's server: the built renderer over HTTP and the same API as Electron's IPC
// over one WebSocket, on loopback, guarded by a random token. Every request must carry the token
// (in the URL once, then in a cookie), come to a loopback Host name (no DNS rebinding), and, when a
// browser says where it comes from, come from this very origin.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppEvent, ChunkResult, ClientFrame, ServerFrame } from '../../shared/api.js';
import { decodeChunkFrame, MAX_CHUNK_FRAME_BYTES } from '../../shared/chunkFrame.js';
import type { FerryService } from '../services/ferryService.js';
import { serveRelay, type RelayReceiver } from '../relay/receiver.js';
import type { HostTls } from '../relay/tls.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/contentSecurityPolicy.js';

export interface HostOptions {
  service: FerryService;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Random unless given (tests pass their own). */
  token?: string;
  /** Accepts relay uploads (relay/receiver.ts) with this host's own account. */
  relay?: RelayReceiver;
  /**
   * The address clients use when it is not the bound one (a tunnel, proxy or load balancer): the
   * printed URL starts with it, and its Host and Origin are allowed instead of the bound address's.
   */
  publicUrl?: string;
  /** Serve HTTPS with this certificate (required by host/main.ts beyond loopback): plain HTTP is refused. */
  tls?: HostTls;
}

export interface RunningHost {
  /** The address to open, its token included (and, for a self-signed certificate, its pin). */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// A call's request is small (a selection of up to 100,000 keys fits well within this).
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
// A client that stops reading is cut off rather than buffered without bound.
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
// An upload's chunks wait in memory until they are on disk. The page keeps a few in flight per file
// (4 per file, 2 files); a socket with many more is not that page, and is cut off before it fills memory.
const MAX_CHUNKS_IN_FLIGHT = 64;

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  let port = 0;
  // Cookies are not scoped by port: the name carries it, so two hosts on one machine do not clash.
  const cookieName = () => `ferry_token_${port}`;
  const publicUrl = options.publicUrl === undefined ? undefined : new URL(options.publicUrl);
  const scheme = options.tls ? 'https' : 'http';
  // Behind a tunnel or proxy the public name is the one allowed: a browser there never names the bound address.
  const allowedHosts = () =>
    new Set(publicUrl ? [publicUrl.host, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`] : [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`]);
  const allowedOrigins = () => new Set([...(publicUrl ? [publicUrl.origin] : []), ...[...allowedHosts()].map((h) => `${scheme}://${h}`)]);

  /** Why a request is refused, or undefined when it may proceed. */
  function refusal(req: http.IncomingMessage, url: URL): { status: number; reason: string } | undefined {
    if (!allowedHosts().has(req.headers.host ?? '')) return { status: 421, reason: 'Unknown Host header.' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return { status: 403, reason: 'Requests from other origins are refused.' };
    if (req.headers['sec-fetch-site'] === 'cross-site') return { status: 403, reason: 'Cross-site requests are refused.' };
    const given = url.searchParams.get('token') ?? cookieValue(req.headers.cookie, cookieName());
    if (!sameSecret(given ?? undefined, token)) return { status: 401, reason: 'Open the address Ferry printed when it started (it ends with ?token=…).' };
    return undefined;
  }

  const securityHeaders = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The first URL carries the token: never send it on as a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  const server = (options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }) : http.createServer()).on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://host');
      const refused = refusal(req, url);
      if (refused) {
        res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders }).end(`${refused.reason}\n`);
        return;
      }
      if (options.relay && (await serveRelay(options.relay, req, res, url))) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', ...securityHeaders }).end();
        return;
      }
      const relative = decodeURIComponent(url.pathname) === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = path.resolve(rendererDir, relative);
      const inside = path.relative(rendererDir, file);
      const info = inside.startsWith('..') || path.isAbsolute(inside) ? undefined : await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders }).end('Not found.\n');
        return;
      }
      const headers: Record<string, string | string[]> = {
        'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(info.size),
        'Cache-Control': 'no-store',
        ...securityHeaders,
      };
      if (url.searchParams.has('token')) headers['Set-Cookie'] = `${cookieName()}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    })().catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const refused = url.pathname === '/api' ? refusal(req, url) : { status: 404, reason: 'Not found.' };
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${http.STATUS_CODES[refused.status] ?? ''}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused.reason}\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    const stop = options.service.onEvent((event: AppEvent) => send({ event }));
    ws.on('close', stop);
    let chunksInFlight = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        receiveChunk(data as Buffer);
        return;
      }
      let frame: ClientFrame;
      try {
        frame = JSON.parse((data as Buffer).toString('utf8')) as ClientFrame;
        if (typeof frame !== 'object' || frame === null || typeof frame.id !== 'number') throw new Error('no id');
      } catch {
        ws.close(1003, 'Frames are JSON objects with a numeric id.');
        return;
      }
      void options.service.call(frame.call, frame.request).then((result) => send({ id: frame.id, result }));
    });

    /** A binary frame: one chunk of a browser-mode upload (shared/chunkFrame.ts), answered once on disk. */
    function receiveChunk(data: Buffer): void {
      // Text frames may be large (a selection of 100,000 keys); a chunk frame never is.
      const decoded = data.length > MAX_CHUNK_FRAME_BYTES ? { ok: false as const, reason: 'A chunk frame is too large.' } : decodeChunkFrame(data);
      if (!decoded.ok) {
        ws.close(1003, decoded.reason);
        return;
      }
      if (chunksInFlight >= MAX_CHUNKS_IN_FLIGHT) {
        ws.close(1008, 'Too many chunks waiting for an answer.');
        return;
      }
      const { header } = decoded;
      const bytes = Buffer.from(decoded.bytes.buffer, decoded.bytes.byteOffset, decoded.bytes.byteLength);
      chunksInFlight++;
      void options.service
        .receiveChunk(header, bytes)
        .catch((error: unknown): ChunkResult => ({ ok: false, error: { code: 'Unknown', message: error instanceof Error ? error.message : String(error) } }))
        .then((result: ChunkResult) => {
          chunksInFlight--;
          send({ id: header.id, result });
        });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const printed = new URL(publicUrl ? publicUrl.href : `${scheme}://${shownHost}:${port}/`);
  printed.searchParams.set('token', token);
  if (options.tls?.selfSigned) printed.searchParams.set('pin', options.tls.fingerprint.replace(/:/g, '').toLowerCase());
  return {
    url: printed.href,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
