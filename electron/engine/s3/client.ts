// Builds the SDK client Ferry uses: keep-alive sockets, no Expect round trip, Ferry's own retries.

import http from 'node:http';
import type net from 'node:net';
import https from 'node:https';
import { createHash } from 'node:crypto';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Endpoint } from '../../../shared/account.js';
import type { AddressBook } from './addresses.js';

export type S3Credentials = NonNullable<S3ClientConfig['credentials']>;

export interface ClientOptions {
  endpoint: S3Endpoint;
  /** Keys, or a provider (environment, ~/.aws profile, keychain) resolved by the SDK. */
  credentials?: S3Credentials;
  /** Sockets per host: at least the requests Ferry keeps in flight, plus room for listings. */
  maxSockets: number;
  /** Drop a request whose socket is silent this long. */
  idleTimeoutMs: number;
  /** Where new connections go: each to the next address of the endpoint's name (addresses.ts). */
  addresses?: AddressBook;
}

// Servers close idle keep-alive sockets after ~5 s (nginx, Swift's eventlet); closing ours first
// avoids sending a request on a socket the server is closing.
const FREE_SOCKET_TIMEOUT_MS = 4_000;

const QUIET_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function createS3Client(options: ClientOptions): S3Client {
  const { addresses } = options;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, timeout: FREE_SOCKET_TIMEOUT_MS, scheduling: 'lifo' as const, ...(addresses ? { lookup: addresses.lookup } : {}) };
  const client = new S3Client({
    region: options.endpoint.region,
    endpoint: options.endpoint.endpoint,
    forcePathStyle: options.endpoint.forcePathStyle,
    credentials: options.credentials,
    // Ferry retries with its own policy (retry.ts), part by part; the SDK's retries would multiply it.
    maxAttempts: 1,
    // Checksums are Ferry's job: Content-MD5 (verified by every S3 implementation) computed once per
    // part, instead of the SDK's aws-chunked CRC trailers that several S3-compatible servers reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK asks for "Expect: 100-continue" on bodies ≥ 2 MiB, one extra round trip per part.
    expectContinueHeader: false,
    // The middleware stack is resolved once per command, not on every request (measured in
    // ../shared/perf-notes.md: 2.0 to 1.6 ms of CPU per 4 KiB GET); Ferry's own middlewares, and a
    // test's, are added before the first request, so the cached stack holds them.
    cacheMiddleware: true,
    // The SDK prints some warnings with console.warn when given no logger; Ferry reports errors itself.
    logger: QUIET_LOGGER,
    requestHandler: new NodeHttpHandler({
      httpAgent: settingAside(new http.Agent(agentOptions), addresses),
      httpsAgent: settingAside(new https.Agent(agentOptions), addresses),
      connectionTimeout: 15_000,
      socketTimeout: options.idleTimeoutMs,
    }),
  });
  // The SDK's per-request logging filters every input and output for secrets even when the logger
  // discards it: about a sixth of the SDK's CPU per small request. Ferry logs nothing through it.
  client.middlewareStack.remove('loggerMiddleware');
  addDeleteObjectsContentMd5(client);
  return client;
}

/** An agent whose failed connections set their address aside (addresses.ts), as the direct path's connector does. */
function settingAside<A extends http.Agent>(agent: A, addresses: AddressBook | undefined): A {
  if (!addresses) return agent;
  const create = (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection.bind(agent);
  (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection = (...args: unknown[]) => {
    const socket = create(...args);
    socket.once('error', (error: Error & { address?: unknown }) => {
      if (typeof error.address === 'string') addresses.setAside(error.address);
    });
    return socket;
  };
  return agent;
}

/**
 * DeleteObjects requires a body checksum. AWS accepts the SDK's CRC32 header, but S3-compatible
 * servers (Swift s3api, older MinIO and Ceph) demand Content-MD5, which AWS accepts too.
 */
function addDeleteObjectsContentMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'DeleteObjectsCommand' && request.headers && typeof request.body === 'string') {
        for (const header of Object.keys(request.headers)) {
          const lower = header.toLowerCase();
          if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm') delete request.headers[header];
        }
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'ferryDeleteObjectsContentMd5' },
  );
}
