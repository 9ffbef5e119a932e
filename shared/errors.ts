// Error codes and user-facing wording shared by the engine, the command line and the UI.

export type ErrorCode =
  | 'InvalidAccessKey'
  | 'InvalidSecret'
  | 'ExpiredToken'
  | 'ClockSkew'
  | 'NoCredentials'
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'InvalidBucketName'
  | 'KeyTooLong'
  | 'ChecksumMismatch'
  | 'SourceChanged'
  | 'RemoteChanged'
  | 'DiskFull'
  | 'PathOutsideTarget'
  | 'PathCollision'
  | 'LocalNotFound'
  | 'LocalAccessDenied'
  | 'TargetExists'
  | 'EndpointUnreachable'
  | 'TlsError'
  | 'Throttled'
  | 'ServerError'
  | 'ServerUnavailable'
  | 'Timeout'
  | 'NetworkError'
  | 'Cancelled'
  | 'Paused'
  | 'OutputClosed'
  | 'NotImplemented'
  | 'InvalidInput'
  | 'KeychainUnavailable'
  | 'NoSuchAccount'
  | 'Unauthorized'
  | 'Unknown';

/** What crosses to a UI or a terminal: a code to branch on and a sentence to show. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}
