// Ferry's own error: a code, a sentence a user understands, whether a retry may help, and the cause for the log.

import type { ErrorCode, ErrorInfo } from '../../shared/errors.js';

export class FerryError extends Error {
  readonly code: ErrorCode;
  /** A retry of the same request may succeed (throttling, 5xx, timeouts, dropped connections). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isFerryError(error: unknown): error is FerryError {
  return error instanceof FerryError;
}

export function cancelledError(cause?: unknown): FerryError {
  return new FerryError('Cancelled', 'The transfer was cancelled.', { cause });
}

/** A transfer stopped on request with what it did kept: it resumes from its journal. Not a failure. */
export function pausedError(): FerryError {
  return new FerryError('Paused', 'The transfer is paused; resume it to continue from where it stopped.');
}

/** Turns a local file-system error into a FerryError naming the path. */
export function fromFsError(error: unknown, path: string): FerryError {
  if (error instanceof FerryError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new FerryError('DiskFull', `The disk is full while writing ${path}.`, { cause: error });
    case 'ENOENT':
      return new FerryError('LocalNotFound', `${path} does not exist.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new FerryError('LocalAccessDenied', `Permission denied for ${path}.`, { cause: error });
    case 'EISDIR':
      return new FerryError('InvalidInput', `${path} is a folder, not a file.`, { cause: error });
    case 'ENOTDIR':
      return new FerryError('InvalidInput', `A part of ${path} is a file, not a folder.`, { cause: error });
    case 'ELOOP':
      return new FerryError('PathOutsideTarget', `${path} is a symbolic link; Ferry does not write through links.`, { cause: error });
    case 'EROFS':
      return new FerryError('LocalAccessDenied', `${path} is on a read-only file system.`, { cause: error });
    default:
      return new FerryError('Unknown', `${path}: ${(error as Error | undefined)?.message ?? String(error)}`, { cause: error });
  }
}

/** Any thrown value as a FerryError (already translated ones pass through). */
export function asFerryError(error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  return new FerryError('Unknown', (error as Error | undefined)?.message ?? String(error), { cause: error });
}
