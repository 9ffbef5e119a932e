// The listing worker's fallbacks, without a server: a worker that cannot start, and a closed one,
// leave each page to the event loop (the function the store gives for it).

import { describe, expect, it } from 'vitest';
import { ListWorker, plainError } from '../../../electron/engine/s3/listWorker.js';
import type { ListPage } from '../../../electron/engine/s3/listOutput.js';

const options = { endpoint: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true }, maxSockets: 2, idleTimeoutMs: 1_000 };
const credentials = () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' });
const page: ListPage = { objects: [{ key: 'k', size: 1 }], prefixes: [], nextToken: undefined };

describe('listing worker', () => {
  it('reads a page on the loop when its program cannot start, and every later page too', async () => {
    const worker = new ListWorker(options, credentials, { file: new URL('file:///nonexistent/ferry-list-worker.cjs') });
    let onLoop = 0;
    const read = () => {
      onLoop++;
      return Promise.resolve(page);
    };
    expect(await worker.list({ bucket: 'b', token: 't' }, undefined, read)).toEqual(page);
    expect(await worker.list({ bucket: 'b', token: 't' }, undefined, read)).toEqual(page);
    expect(onLoop).toBe(2);
    expect(worker.served).toBe(0);
    worker.close();
  });

  it('after close, reads on the loop', async () => {
    const worker = new ListWorker(options, credentials);
    worker.close();
    expect(await worker.list({ bucket: 'b', token: 't' }, undefined, () => Promise.resolve(page))).toEqual(page);
  });

  it('carries what the error map reads of an SDK error as plain data', () => {
    const sdkError = Object.assign(new Error('The specified bucket does not exist'), {
      name: 'NoSuchBucket',
      $fault: 'client',
      $metadata: { httpStatusCode: 404, requestId: 'r' },
      $response: { headers: { date: 'Thu, 03 Dec 2026 12:00:00 GMT' }, body: {} },
    });
    expect(plainError(sdkError)).toEqual({
      name: 'NoSuchBucket',
      message: 'The specified bucket does not exist',
      code: undefined,
      Code: undefined,
      ServerTime: undefined,
      $fault: 'client',
      $metadata: { httpStatusCode: 404, clockSkewCorrected: undefined },
      $response: { headers: { date: 'Thu, 03 Dec 2026 12:00:00 GMT' } },
    });
    const network = Object.assign(new Error('socket hang up'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    expect(plainError(network)).toMatchObject({ name: 'Error', code: 'ECONNRESET' });
    // Structured clone keeps all of it.
    expect(structuredClone(plainError(sdkError))).toEqual(plainError(sdkError));
  });
});
