// The HTTP fault proxy passes requests and answers on byte for byte, and its drop and refuse rules strike
// exactly the requests they name, as many times as they say, against a small local upstream server.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpFaultProxy, type HttpFaultProxy, type HttpFaultRule } from '../../support/httpFaultProxy.js';

const MiB = 1024 * 1024;

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

interface Reply {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  body: Buffer;
  reusedSocket: boolean;
  continued: boolean;
}

let upstream: http.Server;
let upstreamUrl: URL;
let seen: Seen[];
/** What the upstream answers, once it has read a request's whole body; each test sets its own. */
let answer: (seen: Seen, res: http.ServerResponse) => void;
let proxy: HttpFaultProxy | undefined;
let agent: http.Agent;

beforeEach(async () => {
  seen = [];
  answer = (_seen, res) => res.end('ok');
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const one = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      seen.push(one);
      answer(one, res);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = new URL(`http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`);
  agent = new http.Agent({ keepAlive: true });
});

afterEach(async () => {
  agent.destroy();
  await proxy?.close();
  proxy = undefined;
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function start(rules: HttpFaultRule[] = []): Promise<HttpFaultProxy> {
  proxy = await startHttpFaultProxy(upstreamUrl, { rules });
  return proxy;
}

/**
 * One request to the proxy with `headers` as raw (name, value) pairs sent verbatim: with Connection and a
 * length (or chunking) among them, Node's client adds nothing of its own. With Expect, the body waits for 100.
 */
function send(method: string, path: string, headers: string[], body?: Buffer): Promise<Reply> {
  const target = new URL(proxy?.url ?? '');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: Number(target.port), method, path, headers, agent, setHost: false });
    let continued = false;
    const expectsContinue = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'expect');
    const writeBody = () => {
      // In pieces, so a chunked request really has several chunks.
      for (let at = 0; body && at < body.length; at += MiB) req.write(body.subarray(at, at + MiB));
      req.end();
    };
    req.on('continue', () => {
      continued = true;
      writeBody();
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket, continued }),
      );
    });
    if (!expectsContinue) writeBody();
  });
}

/** The headers an S3 client sends, plus the awkward bits a faithful proxy must keep: odd case, a duplicate, a foreign Host. */
function s3Headers(extra: string[]): string[] {
  return [
    'Host', 'bucket.s3.example.test:9000',
    'x-amz-date', '20250101T000000Z',
    'X-Amz-Content-SHA256', 'UNSIGNED-PAYLOAD',
    'Authorization', 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123',
    'X-Amz-Meta-Dup', 'one',
    'x-amz-meta-dup', 'two',
    'cOnTeNt-TyPe', 'application/octet-stream',
    ...extra,
  ];
}

const SKEWED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>';

/** The CompleteMultipartUpload shape: a POST naming an upload but no part. */
const completeUpload = (method: string, url: string) => method === 'POST' && /[?&]uploadId=/.test(url) && !/partNumber=/.test(url);

describe('startHttpFaultProxy', () => {
  it('passes method, path, query string, every header and a 5 MiB body each way on unchanged, over a reused connection', async () => {
    await start();
    const requestBody = randomBytes(5 * MiB + 3);
    const responseBody = randomBytes(5 * MiB + 11);
    const responseHeaders = [
      'Date', 'Wed, 01 Jan 2025 00:00:00 GMT',
      'x-amz-request-id', 'REQ1',
      'ETag', '"d41d8cd98f00b204e9800998ecf8427e"',
      'X-Amz-Meta-Dup', 'one',
      'x-amz-meta-dup', 'two',
      'Content-Length', String(responseBody.length),
      'Connection', 'keep-alive',
      'Keep-Alive', 'timeout=30',
    ];
    answer = (_seen, res) => {
      res.sendDate = false;
      res.writeHead(200, 'Fine By Me', responseHeaders);
      res.end(responseBody);
    };
    // Encoded and unencoded oddities, dot segments and double slashes (no normalising), empty and repeated parameters.
    const path = "/bucket/a%20b//c/./d/../%E2%9C%93~'*()!$;,:@[]|{}^/?uploads&partNumber=1&x=%2f%2F&y=a+b&empty=&&z==&%3F=%26&x=again";
    const requestHeaders = s3Headers(['Content-Length', String(requestBody.length), 'Connection', 'keep-alive']);
    const first = await send('PUT', path, requestHeaders, requestBody);

    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('PUT');
    expect(seen[0]?.url).toBe(path);
    expect(seen[0]?.rawHeaders).toEqual(requestHeaders);
    expect(seen[0]?.body.equals(requestBody)).toBe(true);
    expect(first.status).toBe(200);
    expect(first.statusMessage).toBe('Fine By Me');
    expect(first.rawHeaders).toEqual(responseHeaders);
    expect(first.body.equals(responseBody)).toBe(true);

    answer = (_seen, res) => {
      res.sendDate = false;
      res.writeHead(404, 'Not Found', ['Content-Type', 'application/xml', 'Content-Length', '0', 'Connection', 'keep-alive']);
      res.end();
    };
    const second = await send('HEAD', '/bucket/missing?versionId=null', s3Headers(['Connection', 'keep-alive']));
    expect(second.reusedSocket).toBe(true);
    expect(second.status).toBe(404);
    expect(second.rawHeaders).toEqual(['Content-Type', 'application/xml', 'Content-Length', '0', 'Connection', 'keep-alive']);
    expect(seen[1]?.rawHeaders).toEqual(s3Headers(['Connection', 'keep-alive']));

    expect(proxy?.counts).toEqual({ requests: 2, byMethod: { PUT: 1, HEAD: 1 }, dropped: 0, refused: 0, corrupted: 0 });
    expect(proxy?.requests).toEqual([
      { method: 'PUT', url: path, status: 200 },
      { method: 'HEAD', url: '/bucket/missing?versionId=null', status: 404 },
    ]);
  });

  it('relays Expect: 100-continue, a chunked request body and a chunked answer', async () => {
    await start();
    const body = randomBytes(3 * MiB + 5);
    answer = (one, res) => {
      res.sendDate = false;
      res.writeHead(200, 'OK', ['Transfer-Encoding', 'chunked', 'Connection', 'keep-alive']);
      res.write(one.body.subarray(0, 1000));
      res.end(one.body.subarray(1000));
    };
    const headers = s3Headers(['Expect', '100-continue', 'Transfer-Encoding', 'chunked', 'Connection', 'keep-alive']);
    const reply = await send('PUT', '/bucket/key?partNumber=2&uploadId=u1', headers, body);
    expect(reply.continued).toBe(true);
    expect(seen[0]?.rawHeaders).toEqual(headers);
    expect(seen[0]?.body.equals(body)).toBe(true);
    expect(reply.rawHeaders).toEqual(['Transfer-Encoding', 'chunked', 'Connection', 'keep-alive']);
    expect(reply.body.equals(body)).toBe(true);
  });

  it('lets a matching request reach the server, hangs up on the client without a byte of the answer, and passes the next one', async () => {
    await start([{ dropResponse: { match: completeUpload, times: 1 } }]);
    const upstreamFinished: string[] = [];
    answer = (one, res) => {
      res.on('finish', () => upstreamFinished.push(one.url));
      // The answer comes in two parts, the second late: the drop must wait for all of it.
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': 2 * 4096 });
      res.write(Buffer.alloc(4096, 'a'));
      setTimeout(() => res.end(Buffer.alloc(4096, 'b')), 50);
    };
    const xml = Buffer.from('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>');
    const post = () => send('POST', '/bucket/key?uploadId=u1', s3Headers(['Content-Length', String(xml.length), 'Connection', 'keep-alive']), xml);

    // A part upload of the same upload does not match.
    const part = await send('PUT', '/bucket/key?partNumber=1&uploadId=u1', s3Headers(['Content-Length', '3', 'Connection', 'keep-alive']), Buffer.from('abc'));
    expect(part.status).toBe(200);

    const dropped = await post().then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    // "socket hang up" means no response ever began (after one begins, Node says "aborted").
    expect(dropped).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(seen.map((s) => s.url)).toEqual(['/bucket/key?partNumber=1&uploadId=u1', '/bucket/key?uploadId=u1']);
    expect(seen[1]?.body.equals(xml)).toBe(true);
    expect(upstreamFinished).toContain('/bucket/key?uploadId=u1');

    const again = await post();
    expect(again.status).toBe(200);
    expect(again.body.toString()).toBe('a'.repeat(4096) + 'b'.repeat(4096));
    expect(seen).toHaveLength(3);
    expect(proxy?.counts).toEqual({ requests: 3, byMethod: { PUT: 1, POST: 2 }, dropped: 1, refused: 0, corrupted: 0 });
    expect(proxy?.requests).toEqual([
      { method: 'PUT', url: '/bucket/key?partNumber=1&uploadId=u1', status: 200 },
      { method: 'POST', url: '/bucket/key?uploadId=u1', status: 200, fault: 'dropped' },
      { method: 'POST', url: '/bucket/key?uploadId=u1', status: 200 },
    ]);
  });

  it('refuses matching requests itself without reaching the server, as many times as the rule says, and keeps the connection', async () => {
    const proxy = await start();
    // Armed after setup traffic, as a test would.
    const setup = await send('GET', '/bucket?list-type=2', s3Headers(['Connection', 'keep-alive']));
    expect(setup.status).toBe(200);
    proxy.rules.push({ refuse: { match: (method) => method === 'PUT', times: 2, status: 403, body: SKEWED, headers: { 'x-amz-request-id': 'REFUSED' } } });

    const body = randomBytes(MiB);
    const put = () => send('PUT', '/bucket/key', s3Headers(['Content-Length', String(body.length), 'Connection', 'keep-alive']), body);
    for (let i = 0; i < 2; i++) {
      const refused = await put();
      expect(refused.status).toBe(403);
      expect(refused.reusedSocket).toBe(true);
      expect(refused.body.toString()).toBe(SKEWED);
      expect(refused.rawHeaders).toEqual(expect.arrayContaining(['Content-Type', 'application/xml', 'x-amz-request-id', 'REFUSED']));
    }
    // A request the rule does not name passes while it is armed.
    expect((await send('GET', '/bucket/key', s3Headers(['Connection', 'keep-alive']))).status).toBe(200);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);

    const third = await put();
    expect(third.status).toBe(200);
    expect(seen.at(-1)?.body.equals(body)).toBe(true);
    expect(proxy.counts).toEqual({ requests: 5, byMethod: { GET: 2, PUT: 3 }, dropped: 0, refused: 2, corrupted: 0 });
    expect(proxy.requests.map((r) => [r.method, r.status, r.fault])).toEqual([
      ['GET', 200, undefined],
      ['PUT', 403, 'refused'],
      ['PUT', 403, 'refused'],
      ['GET', 200, undefined],
      ['PUT', 200, undefined],
    ]);
  });

  it('refuses a request that waits for 100 Continue without waiting for its body', async () => {
    await start([{ refuse: { match: () => true, times: 1, status: 403, body: SKEWED } }]);
    const headers = s3Headers(['Expect', '100-continue', 'Content-Length', '10', 'Connection', 'keep-alive']);
    const refused = await send('PUT', '/bucket/key', headers, Buffer.alloc(10));
    expect(refused.status).toBe(403);
    expect(refused.continued).toBe(false);
    expect(seen).toHaveLength(0);
  });

  it('close() ends connections in use and idle ones at once', async () => {
    const proxy = await start();
    await send('GET', '/idle', s3Headers(['Connection', 'keep-alive'])); // leaves an idle keep-alive connection each side
    answer = () => undefined; // the server never answers
    const hanging = send('GET', '/hang', s3Headers(['Connection', 'keep-alive'])).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    while (seen.length < 2) await sleep(5);
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await hanging)?.code).toBe('ECONNRESET');
  });

  it('flips the first body byte of a matching request, and only of as many as the rule says', async () => {
    const proxy = await start([{ corruptBody: { match: (method, url) => method === 'PUT' && url.includes('partNumber=2'), times: 1 } }]);
    const body = randomBytes(3 * MiB);
    const put = (part: number) => send('PUT', `/bucket/key?partNumber=${part}&uploadId=u`, s3Headers(['Content-Length', String(body.length), 'Connection', 'keep-alive']), body);
    expect((await put(1)).status).toBe(200);
    expect((await put(2)).status).toBe(200);
    expect((await put(2)).status).toBe(200);
    const [first, damaged, again] = seen.map((s) => s.body);
    expect(first?.equals(body)).toBe(true);
    expect(damaged?.length).toBe(body.length);
    expect(damaged?.[0]).toBe((body[0] as number) ^ 0xff);
    expect(damaged?.subarray(1).equals(body.subarray(1))).toBe(true);
    expect(again?.equals(body)).toBe(true);
    expect(proxy.counts.corrupted).toBe(1);
    expect(proxy.requests.map((r) => r.fault)).toEqual([undefined, 'corrupted', undefined]);
  });
});
