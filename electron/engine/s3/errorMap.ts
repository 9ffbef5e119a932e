// The one place where SDK and network errors become Ferry errors; nothing else inspects SDK errors.

import { FerryError } from '../errors.js';

export interface ErrorContext {
  bucket?: string;
  key?: string;
  /** What Ferry was doing, for the message ("uploading part 3"). */
  action?: string;
  endpoint?: string;
}

interface SdkErrorShape {
  name?: string;
  ServerTime?: string;
  $response?: { headers?: Record<string, string | undefined> };
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $fault?: string;
  cause?: unknown;
}

// The only failures without an HTTP answer that a later attempt can fix: the connection could not
// be made, was dropped, or went silent. Anything else without a status (a header Node refuses, a
// body the SDK cannot read) fails at once, with its own words.
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_NOT_YET_VALID', 'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function where(ctx: ErrorContext): string {
  if (ctx.bucket && ctx.key !== undefined) return `s3://${ctx.bucket}/${ctx.key}`;
  if (ctx.bucket) return `bucket ${ctx.bucket}`;
  return ctx.endpoint ?? 'the server';
}

function doing(ctx: ErrorContext): string {
  return ctx.action ? ` while ${ctx.action}` : '';
}

/** The first `code` on the error or its causes (a network error's, under the SDK's wrapper). */
export function nestedCode(error: SdkErrorShape): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as SdkErrorShape).code;
    if (typeof code === 'string') return code;
    current = (current as SdkErrorShape).cause;
  }
  return undefined;
}

/** How many minutes the server's clock is ahead of ours (negative: behind), from its error answer. */
function clockOffsetMinutes(error: SdkErrorShape): number | undefined {
  const serverTime = Date.parse(error.ServerTime ?? error.$response?.headers?.date ?? '');
  if (Number.isNaN(serverTime)) return undefined;
  return Math.round((serverTime - Date.now()) / 60_000);
}

/** Translates anything the SDK or the network throws into a FerryError with a sentence for the user. */
export function translateS3Error(thrown: unknown, ctx: ErrorContext = {}): FerryError {
  if (thrown instanceof FerryError) return thrown;
  const error = (thrown ?? {}) as SdkErrorShape;
  const name = error.name ?? error.Code ?? '';
  const status = error.$metadata?.httpStatusCode;
  const code = nestedCode(error);
  const detail = error.message && error.message !== 'UnknownError' && error.message !== name ? ` (${error.message})` : '';
  const at = where(ctx);
  const opts = { cause: thrown };

  if (name === 'AbortError') return new FerryError('Cancelled', 'The transfer was cancelled.', opts);

  switch (name) {
    case 'CredentialsProviderError':
      // No keys found (a profile without them, an expired SSO session): asking again will not help.
      return new FerryError('NoCredentials', `No usable credentials: ${error.message ?? 'none were found'}.`, opts);
    case 'SignatureDoesNotMatch':
      return new FerryError('InvalidSecret', 'The server rejected the request signature: the secret key is wrong, or the access key is not known to this server.', opts);
    case 'InvalidAccessKeyId':
      return new FerryError('InvalidAccessKey', 'The access key is not known to this server.', opts);
    case 'RequestTimeTooSkewed':
    case 'RequestExpired':
    case 'RequestInTheFuture': {
      // The SDK has just taken the server's clock from this answer (its Date header), so the
      // next attempt is signed with the corrected time: worth one more try.
      const off = clockOffsetMinutes(error);
      const by = off === undefined ? 'too far' : `${Math.abs(off)} minute${Math.abs(off) === 1 ? '' : 's'} ${off > 0 ? 'behind' : 'ahead of'} the server's`;
      return new FerryError('ClockSkew', `This computer's clock is off (${by}); the server refuses requests signed at the wrong time. Set the clock (or turn on automatic time) and try again.`, { ...opts, retryable: true });
    }
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      // Temporary credentials ran out; the credential provider fetches new ones on the next attempt.
      return new FerryError('ExpiredToken', 'The session credentials expired; Ferry asked for new ones.', { ...opts, retryable: true });
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return new FerryError('AccessDenied', `Access denied to ${at}${doing(ctx)}: this account is not allowed to do that.`, opts);
    case 'NoSuchBucket':
      return new FerryError('NoSuchBucket', `The bucket ${ctx.bucket ?? ''} does not exist.`.replace('  ', ' '), opts);
    case 'NoSuchKey':
      return new FerryError('NoSuchKey', `${at} does not exist.`, opts);
    case 'NoSuchUpload':
      return new FerryError('NoSuchUpload', `The multipart upload for ${at} no longer exists on the server (it was completed or aborted).`, opts);
    case 'InvalidBucketName':
      return new FerryError('InvalidBucketName', `"${ctx.bucket ?? ''}" is not a valid bucket name.`, opts);
    case 'KeyTooLongError':
      return new FerryError('KeyTooLong', `The key is too long (S3 allows at most 1,024 bytes): ${ctx.key ?? ''}`, opts);
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentChecksumMismatch':
      // The bytes that arrived differ from the checksum sent: corrupted on the way; sending again may work.
      return new FerryError('ChecksumMismatch', `The server received different bytes than were sent for ${at}${doing(ctx)} (checksum mismatch).`, { ...opts, retryable: true });
    case 'PreconditionFailed':
      return new FerryError('RemoteChanged', `${at} changed on the server during the transfer.`, opts);
    case 'SlowDown':
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
    case 'TooManyRequestsException':
      return new FerryError('Throttled', `The server asked Ferry to slow down${doing(ctx)}.`, { ...opts, retryable: true });
    case 'RequestTimeout':
    case 'RequestTimeoutException':
    case 'TimeoutError':
      return new FerryError('Timeout', `The connection to the server timed out${doing(ctx)}.`, { ...opts, retryable: true });
    case 'NotImplemented':
      return new FerryError('NotImplemented', `The server does not support this${doing(ctx)}${detail}.`, opts);
    case 'EntityTooSmall':
      return new FerryError('InvalidInput', `A part of ${at} was smaller than the server allows${detail}.`, opts);
    case 'InvalidPart':
    case 'InvalidPartOrder':
      return new FerryError('ServerError', `The server did not accept the parts of ${at}${detail}.`, opts);
    default:
      break;
  }

  if (code && TLS_CODES.has(code)) {
    return new FerryError('TlsError', `The TLS certificate of ${ctx.endpoint ?? 'the server'} was not accepted (${code}).`, opts);
  }
  if (code === 'ENOTFOUND') {
    return new FerryError('EndpointUnreachable', `The server ${ctx.endpoint ?? ''} could not be found (DNS lookup failed).`.replace('  ', ' '), opts);
  }
  if (code === 'ECONNREFUSED') {
    return new FerryError('EndpointUnreachable', `The server ${ctx.endpoint ?? ''} refused the connection${doing(ctx)}.`.replace('  ', ' '), { ...opts, retryable: true });
  }
  if (code && NETWORK_CODES.has(code)) {
    return new FerryError('NetworkError', `The connection to the server was lost${doing(ctx)} (${code}).`, { ...opts, retryable: true });
  }

  if (status === 404) {
    return ctx.key !== undefined
      ? new FerryError('NoSuchKey', `${at} does not exist.`, opts)
      : new FerryError('NoSuchBucket', `The bucket ${ctx.bucket ?? ''} does not exist.`, opts);
  }
  if (status === 403) return new FerryError('AccessDenied', `Access denied to ${at}${doing(ctx)}.`, opts);
  if (status === 412) return new FerryError('RemoteChanged', `${at} changed on the server during the transfer.`, opts);
  if (status === 429) {
    return new FerryError('Throttled', `The server is busy (HTTP ${status})${doing(ctx)}.`, { ...opts, retryable: true });
  }
  // 503 without SlowDown, 502, 504: no working server behind the address (one restarting, a
  // gateway without its backend). Waited out like an unreachable server, not counted as attempts.
  if (status === 502 || status === 503 || status === 504) {
    return new FerryError('ServerUnavailable', `The server is unavailable (HTTP ${status})${doing(ctx)}.`, { ...opts, retryable: true });
  }
  if (status !== undefined && status >= 500) {
    return new FerryError('ServerError', `The server failed (HTTP ${status} ${name})${doing(ctx)}${detail}.`, { ...opts, retryable: true });
  }
  if (status !== undefined && status >= 400) {
    return new FerryError('Unknown', `The server refused the request (HTTP ${status} ${name})${doing(ctx)}${detail}.`, opts);
  }
  if (code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
    return new FerryError('InvalidInput', `A header value has a character HTTP headers cannot carry${doing(ctx)}: use ASCII, or let Ferry encode it (Content-Disposition filenames and metadata values are encoded for you).`, opts);
  }
  return new FerryError('Unknown', `${error.message ?? String(thrown)}${doing(ctx)}`, opts);
}
