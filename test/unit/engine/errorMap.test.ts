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
    ['ServiceUnavailable', 503, 'ServerUnavailable', true],
    ['Unknown', 502, 'ServerUnavailable', true],
    ['Unknown', 504, 'ServerUnavailable', true],
    ['Unknown', 429, 'Throttled', true],
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

  it('retries only what can succeed later: a header Node refuses fails at once, as InvalidInput', () => {
    const invalidChar = Object.assign(new TypeError('Invalid character in header content ["content-disposition"]'), { code: 'ERR_INVALID_CHAR' });
    expect(translateS3Error(invalidChar)).toMatchObject({ code: 'InvalidInput', retryable: false });
    // An error with neither an HTTP status nor a network code is not a lost network.
    expect(translateS3Error(new Error('Unexpected end of XML'))).toMatchObject({ code: 'Unknown', retryable: false });
    expect(translateS3Error(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toMatchObject({ code: 'NetworkError', retryable: true });
  });

  it('names a clock that is off, by how much, and tries again with the corrected clock', () => {
    const serverTime = new Date(Date.now() - 20 * 60_000).toUTCString();
    const skewed = Object.assign(sdkError('RequestTimeTooSkewed', 403), { ServerTime: serverTime });
    const error = translateS3Error(skewed);
    expect(error).toMatchObject({ code: 'ClockSkew', retryable: true });
    expect(error.message).toMatch(/This computer's clock is off \((19|20|21) minutes ahead of the server's\)/);
  });
});
