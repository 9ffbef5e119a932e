import { describe, expect, it } from 'vitest';
import { translateS3Error } from '../../../electron/engine/s3/errorMap.js';

// Shapes as the SDK throws them (name, $metadata, $fault) and as Node's sockets do (code).
function sdkError(name: string, status: number, message = ''): Error {
  return Object.assign(new Error(message || name), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
}

describe('translateS3Error', () => {
  it.each([
    ['SignatureDoesNotMatch', 403, 'InvalidSecret', false],
    ['InvalidAccessKeyId', 403, 'InvalidAccessKey', false],
    ['AccessDenied', 403, 'AccessDenied', false],
    ['NoSuchBucket', 404, 'NoSuchBucket', false],
    ['NoSuchKey', 404, 'NoSuchKey', false],
    ['BadDigest', 400, 'ChecksumMismatch', true],
    ['SlowDown', 503, 'Throttled', true],
    ['InternalError', 500, 'ServerError', true],
    ['ServiceUnavailable', 503, 'Throttled', true],
    ['RequestTimeout', 400, 'Timeout', true],
    ['PreconditionFailed', 412, 'RemoteChanged', false],
    ['NotImplemented', 501, 'NotImplemented', false],
  ])('%s (HTTP %i) → %s, retryable %s', (name, status, code, retryable) => {
    const error = translateS3Error(sdkError(name, status), { bucket: 'b', key: 'k' });
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('a credential provider that finds no keys is not retried as if the network were down', async () => {
    const { fromIni } = await import('@aws-sdk/credential-providers');
    const thrown = await fromIni({ profile: 'ferry-no-such-profile', filepath: '/nonexistent/credentials', configFilepath: '/nonexistent/config' })().catch((e: unknown) => e);
    const error = translateS3Error(thrown);
    expect(error.code).toBe('NoCredentials');
    expect(error.retryable).toBe(false);
  });

  it('names the missing key or bucket on a bare 404 (HEAD has no body)', () => {
    expect(translateS3Error(sdkError('NotFound', 404), { bucket: 'b', key: 'k' })).toMatchObject({ code: 'NoSuchKey', message: 's3://b/k does not exist.' });
    expect(translateS3Error(sdkError('NotFound', 404), { bucket: 'b' })).toMatchObject({ code: 'NoSuchBucket' });
  });

  it('tells network failures apart', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(translateS3Error(refused, { endpoint: 'http://x' })).toMatchObject({ code: 'EndpointUnreachable', retryable: true });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(translateS3Error(reset)).toMatchObject({ code: 'NetworkError', retryable: true });
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    expect(translateS3Error(dns)).toMatchObject({ code: 'EndpointUnreachable', retryable: false });
    const tls = Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(translateS3Error(tls)).toMatchObject({ code: 'TlsError' });
  });

  it('reports cancellation as such', () => {
    expect(translateS3Error(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ code: 'Cancelled' });
  });
});
