// The direct data path (undici, signed by the SDK's signer) against the real server: what it sends
// and reads must be what the SDK client sends and reads, errors included; a redirect and a wrong
// clock are handled; the SDK client stays the route for what the direct path does not take.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import type { ObjectHeaders } from '../../../shared/transfer.js';
import { startHttpFaultProxy } from '../../support/httpFaultProxy.js';
import { startSelfSignedServer } from '../../support/tls.js';
import { closeTestBed, openTestBed, testAccount, testStore } from '../../support/s3.js';

let store: S3Store;
let bucket: string;
let dir: string;
let direct: S3Store;
let sdk: S3Store;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('datapath'));
  direct = testStore(testAccount(), 'direct');
  sdk = testStore(testAccount(), 'sdk');
});

afterAll(async () => {
  direct.destroy();
  sdk.destroy();
  await closeTestBed({ store, bucket, dir });
});

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');

async function text(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** What a call threw, as a person reads it. */
async function failure(call: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await call;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
  throw new Error('the call succeeded');
}

describe('the direct data path', () => {
  it('uploads with every header and reads the object back exactly as the SDK client does', async () => {
    const headers: ObjectHeaders = {
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
      contentDisposition: 'attachment; filename="Überweisung März.txt"',
      contentEncoding: 'identity',
      contentLanguage: 'de',
      expires: 'Wed, 21 Oct 2026 07:28:00 GMT',
      metadata: { owner: 'Zoë Łukasiewicz', plain: 'ascii value' },
    };
    const body = Buffer.from('grüße\n');
    for (const [name, via] of [['direct', direct], ['sdk', sdk]] as const) {
      const out = await via.putObject({ bucket, key: `headers/${name}.txt`, body, md5: md5(body), headers });
      expect(out.etag).toBe(createHash('md5').update(body).digest('hex'));
    }
    const viaDirect = await direct.headObject(bucket, 'headers/direct.txt');
    const viaSdk = await sdk.headObject(bucket, 'headers/sdk.txt');
    expect({ ...viaDirect, key: '', lastModified: undefined }).toEqual({ ...viaSdk, key: '', lastModified: undefined });
    expect(viaDirect.headers).toMatchObject({ ...headers, contentDisposition: expect.stringContaining("filename*=UTF-8''%C3%9Cberweisung%20M%C3%A4rz.txt") });
    expect(viaDirect.lastModified).toBeInstanceOf(Date);
    // And each path reads what the other wrote.
    expect(await sdk.headObject(bucket, 'headers/direct.txt')).toEqual({ ...viaDirect });
  });

  it('keys with spaces, unicode, +, %, #, ?, & and dot segments round-trip', async () => {
    const keys = ['odd/ünï cødé.txt', 'odd/a+b%20c#d?e&f=g.txt', 'odd/../dots/./x.txt', 'odd/~tilde!*\'()[]$,;@.txt', 'odd/trailing space ', 'odd/日本語/ファイル.txt'];
    for (const key of keys) {
      const body = Buffer.from(`body of ${key}`);
      await direct.putObject({ bucket, key, body, md5: md5(body) });
      expect((await direct.headObject(bucket, key)).size).toBe(body.byteLength);
      const { body: stream } = await direct.getRange({ bucket, key, start: 5, end: body.byteLength - 1 });
      expect(await text(stream as AsyncIterable<Buffer>)).toBe(body.subarray(5).toString());
    }
    const listed: string[] = [];
    for await (const entry of sdk.listAll(bucket, 'odd/')) listed.push(entry.key);
    expect(listed.sort()).toEqual([...keys].sort());
  });

  it('uploads parts the SDK client completes', async () => {
    const uploadId = await sdk.createMultipartUpload({ bucket, key: 'parts.bin', crc32: false });
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from('the last part');
    let sent = 0;
    const etags = [
      await direct.uploadPart({ bucket, key: 'parts.bin', uploadId, partNumber: 1, body: part1, md5: md5(part1) }, { onBytes: (n) => (sent += n) }),
      await direct.uploadPart({ bucket, key: 'parts.bin', uploadId, partNumber: 2, body: part2, md5: md5(part2) }, { onBytes: (n) => (sent += n) }),
    ];
    expect(sent).toBe(part1.byteLength + part2.byteLength);
    expect(etags).toEqual([createHash('md5').update(part1).digest('hex'), createHash('md5').update(part2).digest('hex')]);
    await sdk.completeMultipartUpload({ bucket, key: 'parts.bin', uploadId, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    expect((await direct.headObject(bucket, 'parts.bin')).size).toBe(part1.byteLength + part2.byteLength);
  });

  it('errors read the same as through the SDK client', async () => {
    const reader = testAccount('reader');
    const wrong = testAccount();
    wrong.credentials = { ...wrong.credentials, secretAccessKey: 'not-the-secret' };
    const body = Buffer.from('x');
    const cases: [string, (via: S3Store) => Promise<unknown>, string][] = [
      ['missing object (HEAD)', (via) => via.headObject(bucket, 'no/such key'), 'NoSuchKey'],
      ['missing object (GET)', (via) => via.getRange({ bucket, key: 'no/such key', start: 0, end: 9 }), 'NoSuchKey'],
      ['missing bucket (PUT)', (via) => via.putObject({ bucket: `${bucket}-missing`, key: 'k', body, md5: md5(body) }), 'NoSuchBucket'],
      ['a changed object (GET If-Match)', (via) => via.getRange({ bucket, key: 'headers/direct.txt', start: 0, end: 1, ifMatch: '0123456789abcdef0123456789abcdef' }), 'RemoteChanged'],
      ['a damaged body (Content-MD5)', (via) => via.putObject({ bucket, key: 'k', body, md5: md5(Buffer.from('y')) }), 'ChecksumMismatch'],
    ];
    for (const [what, call, code] of cases) {
      const a = await failure(call(direct));
      const b = await failure(call(sdk));
      expect(a, what).toEqual(b);
      expect(a.code, what).toBe(code);
    }
    for (const [account, code] of [[reader, 'AccessDenied'], [wrong, 'InvalidSecret']] as const) {
      const viaDirect = testStore(account, 'direct');
      const viaSdk = testStore(account, 'sdk');
      try {
        const a = await failure(viaDirect.putObject({ bucket, key: 'denied', body, md5: md5(body) }));
        expect(a).toEqual(await failure(viaSdk.putObject({ bucket, key: 'denied', body, md5: md5(body) })));
        expect(a.code).toBe(code);
      } finally {
        viaDirect.destroy();
        viaSdk.destroy();
      }
    }
  });

  it('an untrusted TLS certificate is refused with the same words by both paths', async () => {
    const tls = await startSelfSignedServer(dir);
    const account = testAccount();
    const endpoint = { ...account.endpoint, endpoint: tls.url, forcePathStyle: true };
    const viaDirect = testStore({ ...account, endpoint }, 'direct');
    const viaSdk = testStore({ ...account, endpoint }, 'sdk');
    try {
      const a = await failure(viaDirect.headObject(bucket, 'k'));
      expect(a).toEqual(await failure(viaSdk.headObject(bucket, 'k')));
      expect(a).toMatchObject({ code: 'TlsError', message: expect.stringMatching(/certificate/) });
    } finally {
      viaDirect.destroy();
      viaSdk.destroy();
      await tls.close();
    }
  });

  it('a clock 20 minutes off is corrected from the server\'s answer, for both paths', async () => {
    const skewed = testStore(testAccount(), 'direct');
    const config = skewed.client.config as unknown as { systemClockOffset: number };
    try {
      config.systemClockOffset = -20 * 60_000;
      const body = Buffer.from('on time');
      await skewed.putObject({ bucket, key: 'skewed.txt', body, md5: md5(body) });
      // The SDK client signs with the same offset: its calls are on time too.
      expect(Math.abs(config.systemClockOffset)).toBeLessThan(60_000);
      expect((await skewed.listPage({ bucket, prefix: 'skewed' })).objects.map((o) => o.key)).toEqual(['skewed.txt']);
    } finally {
      skewed.destroy();
    }
  });

  it('a redirect is sent again through the SDK client', async () => {
    const account = testAccount();
    const redirect = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>Go elsewhere.</Message></Error>';
    const proxy = await startHttpFaultProxy(new URL(account.endpoint.endpoint ?? ''), {
      rules: [{ refuse: { match: (method) => method === 'PUT', times: 1, status: 301, body: redirect } }],
    });
    const proxied = testStore({ ...account, endpoint: { ...account.endpoint, endpoint: proxy.url, forcePathStyle: true } }, 'direct');
    try {
      const body = Buffer.from('moved');
      await proxied.putObject({ bucket, key: 'redirected.txt', body, md5: md5(body) });
      const puts = proxy.requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.status)).toEqual([301, 200]);
      expect(puts[0]?.userAgent).toMatch(/^ferry-direct/);
      expect(puts[1]?.userAgent).toMatch(/aws-sdk-js/);
      expect((await store.headObject(bucket, 'redirected.txt')).size).toBe(body.byteLength);
    } finally {
      proxied.destroy();
      await proxy.close();
    }
  });
});
