// The data path: object PUTs, part uploads, ranged GETs and HEADs sent with undici instead of
// through the SDK client's middleware stack. Nothing of the protocol is Ferry's: the URL comes from
// the SDK's endpoint resolution, the signature from the SDK's own SigV4 signer (its credentials,
// their refresh, its signing-key cache, its clock offset), error bodies from the SDK's XML error
// parser, and the errors go through the same map (errorMap.ts). What this path does not know (a
// redirect, S3 Express directory buckets, access points and other ARNs) goes through the SDK client.

import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseXmlErrorBody } from '@aws-sdk/core/protocols';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { HttpRequest, buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { Pool, buildConnector, type Dispatcher } from 'undici';
import type { AddressBook } from './addresses.js';

/** SHA-256 of an empty payload: what a GET or HEAD signs. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
// Bodies are covered by Content-MD5 (and a CRC where sent), so the payload is not hashed twice.
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
// Servers close idle keep-alive sockets after ~5 s (nginx, Swift's eventlet): close ours first.
const KEEP_ALIVE_MS = 4_000;
const CONNECT_TIMEOUT_MS = 15_000;
// Says which path sent a request in a server's logs (the SDK client's says aws-sdk-js).
const USER_AGENT = 'ferry-direct undici';
// An error body longer than this is no S3 error document; only its start is read.
const ERROR_BODY_LIMIT = 64 * 1024;

interface Signer {
  sign(request: HttpRequest, options: { signingDate: Date; signingRegion: string; signingService: string }): Promise<HttpRequest>;
}

/** The parts of the SDK client's resolved configuration this path signs and parses with. */
interface ClientConfig {
  systemClockOffset: number;
  signer: (authScheme?: unknown) => Promise<Signer>;
  utf8Encoder: (input: Uint8Array) => string;
}

interface AuthScheme {
  name: string;
  signingName?: string;
  signingRegion?: string;
  disableDoubleEncoding?: boolean;
}

/** Where a bucket's objects are and how requests to them are signed. */
export interface DirectRoute {
  pool: Pool;
  protocol: string;
  hostname: string;
  port?: number;
  /** The Host header the signature covers. */
  host: string;
  /** The bucket's path ('' with virtual-host addressing, '/bucket' with path style), no trailing slash. */
  basePath: string;
  signer: Signer;
  signingRegion: string;
  signingService: string;
}

/** A response this path leaves to the SDK client (a redirect): the caller sends the request there. */
export class UseSdkPath extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}: left to the SDK client`);
    this.name = 'UseSdkPath';
  }
}

export interface DirectRequest {
  method: 'PUT' | 'GET' | 'HEAD';
  bucket: string;
  key: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: Uint8Array | Readable;
  signal?: AbortSignal;
}

export interface DirectResponse {
  status: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
}

/** An error shaped as the SDK's service errors are, so errorMap.ts reads both alike. */
interface ServiceErrorShape extends Error {
  Code?: string;
  ServerTime?: string;
  $metadata: { httpStatusCode: number };
  $response: { statusCode: number; headers: Record<string, string> };
  $fault: 'client' | 'server';
}

/** A key as the SDK puts it in a path: each segment encoded, the slashes kept. */
export function keyPath(key: string): string {
  return key.split('/').map(extendedEncodeURIComponent).join('/');
}

function flatHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export class DirectPath {
  private readonly routes = new Map<string, Promise<DirectRoute | undefined>>();
  private readonly pools = new Map<string, Pool>();
  private readonly config: ClientConfig;

  constructor(
    private readonly client: S3Client,
    private readonly options: { connections: number; idleTimeoutMs: number; addresses?: AddressBook },
  ) {
    this.config = client.config as unknown as ClientConfig;
  }

  /** The bucket's route, resolved once; undefined when the bucket is one the SDK client must handle. */
  route(bucket: string): Promise<DirectRoute | undefined> {
    let route = this.routes.get(bucket);
    if (!route) {
      route = this.resolve(bucket).catch(() => {
        // The SDK client meets the same problem and reports it in its words.
        this.routes.delete(bucket);
        return undefined;
      });
      this.routes.set(bucket, route);
    }
    return route;
  }

  private async resolve(bucket: string): Promise<DirectRoute | undefined> {
    // Access points, Outposts and Object Lambda are named by ARN: their routing rules are the SDK's.
    if (bucket.startsWith('arn:')) return undefined;
    const endpoint = await getEndpointFromInstructions({ Bucket: bucket, Key: 'k' }, HeadObjectCommand as never, this.client.config as never);
    const schemes = (endpoint.properties?.authSchemes ?? []) as AuthScheme[];
    const scheme = schemes[0];
    // S3 Express (sigv4-s3express: a session token per bucket) and SigV4a multi-region access points.
    if (!scheme || scheme.name !== 'sigv4' || scheme.disableDoubleEncoding !== true) return undefined;
    if (endpoint.headers && Object.keys(endpoint.headers).length > 0) return undefined;
    const url = endpoint.url;
    if (url.search) return undefined;
    const port = url.port ? Number(url.port) : undefined;
    return {
      pool: this.pool(url.origin),
      protocol: url.protocol,
      hostname: url.hostname,
      port,
      host: url.host,
      basePath: url.pathname.replace(/\/$/, ''),
      signer: await this.config.signer(scheme),
      signingRegion: scheme.signingRegion ?? '',
      signingService: scheme.signingName ?? 's3',
    };
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connect: this.connector(),
        connections: this.options.connections,
        pipelining: 1,
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS,
        headersTimeout: this.options.idleTimeoutMs,
        bodyTimeout: this.options.idleTimeoutMs,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * undici's connector, each new connection to the next address of the name (addresses.ts); an
   * address it could not reach is set aside, so the retry goes to another.
   */
  private connector(): buildConnector.connector {
    const { addresses } = this.options;
    const connect = buildConnector({ timeout: CONNECT_TIMEOUT_MS, ...(addresses ? { lookup: addresses.lookup } : {}) });
    if (!addresses) return connect;
    return (options, callback) =>
      connect(options, (error, socket) => {
        if (error) {
          const { address } = error as Error & { address?: unknown };
          if (typeof address === 'string') addresses.setAside(address);
          callback(error, null);
        } else callback(null, socket);
      });
  }

  /**
   * Signs and sends one request. A 2xx answer is returned with its body unread (the caller reads or
   * dumps it); an error answer is thrown as the SDK would throw it; a redirect as UseSdkPath.
   */
  async send(route: DirectRoute, request: DirectRequest): Promise<DirectResponse> {
    const path = `${route.basePath}/${keyPath(request.key)}`;
    const hasBody = request.body !== undefined;
    const unsigned = new HttpRequest({
      method: request.method,
      protocol: route.protocol,
      hostname: route.hostname,
      port: route.port,
      path,
      query: request.query,
      headers: {
        ...request.headers,
        host: route.host,
        'user-agent': USER_AGENT,
        'x-amz-content-sha256': hasBody ? UNSIGNED_PAYLOAD : EMPTY_SHA256,
      },
    });
    const sentAt = Date.now();
    const signed = await route.signer.sign(unsigned, {
      signingDate: new Date(sentAt + this.config.systemClockOffset),
      signingRegion: route.signingRegion,
      signingService: route.signingService,
    });
    const query = request.query ? buildQueryString(request.query) : '';
    const response = await route.pool.request({
      method: request.method,
      path: query ? `${path}?${query}` : path,
      headers: signed.headers,
      body: request.body,
      signal: request.signal,
    });
    const headers = flatHeaders(response.headers);
    if (response.statusCode < 300) return { status: response.statusCode, headers, body: response.body };
    if (response.statusCode < 400) {
      await response.body.dump();
      throw new UseSdkPath(response.statusCode);
    }
    throw await this.serviceError(response.statusCode, headers, response.body, request.method === 'HEAD', sentAt);
  }

  /** The error an SDK command would throw for this answer, read by the SDK's own XML error parser. */
  private async serviceError(status: number, headers: Record<string, string>, body: Dispatcher.ResponseData['body'], head: boolean, sentAt: number): Promise<ServiceErrorShape> {
    let parsed: Record<string, unknown> = {};
    try {
      const chunks: Buffer[] = [];
      let bytes = 0;
      if (!head) {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          chunks.push(chunk);
          bytes += chunk.byteLength;
          if (bytes >= ERROR_BODY_LIMIT) break;
        }
      }
      if (bytes > 0) parsed = (await parseXmlErrorBody(Buffer.concat(chunks), this.client.config as never)) as Record<string, unknown>;
    } catch {
      // Not an S3 error document (a proxy's HTML page): the status speaks for it.
    } finally {
      // Whatever is left of the body is read and dropped, so the connection can carry the next request.
      await body.dump().catch(() => undefined);
    }
    const fields = (parsed.Error ?? parsed) as Record<string, unknown>;
    const text = (name: string) => {
      const value = fields[name];
      return typeof value === 'string' ? value : undefined;
    };
    const code = text('Code') ?? (status === 404 ? 'NotFound' : 'UnknownError');
    const error = new Error(text('Message') ?? code) as ServiceErrorShape;
    error.name = code;
    error.Code = code;
    error.ServerTime = text('ServerTime');
    error.$metadata = { httpStatusCode: status };
    error.$response = { statusCode: status, headers };
    error.$fault = status >= 500 ? 'server' : 'client';
    this.learnClock(error.ServerTime ?? headers.date, sentAt);
    return error;
  }

  /**
   * The server's clock, from an error answer, as the SDK's signer keeps it: the next request of
   * either path is signed at the server's time (a clock off by minutes is refused otherwise).
   */
  private learnClock(serverTime: string | undefined, sentAt: number): void {
    const server = Date.parse(serverTime ?? '');
    const now = Date.now();
    // An answer that took minutes says little about the clock.
    if (Number.isNaN(server) || now - sentAt > 900_000) return;
    this.config.systemClockOffset = server - now;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.routes.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
