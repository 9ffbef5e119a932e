// Where an account's buckets live. Secrets are not here: they stay in the main process.

export interface S3Endpoint {
  /** Custom endpoint URL for S3-compatible services; absent for AWS. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (http://host/bucket/key), needed by most S3-compatible servers. */
  forcePathStyle: boolean;
}
