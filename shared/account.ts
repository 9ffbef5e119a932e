// Where an account's buckets live. Secrets are not here: they stay in the main process.

export interface S3Endpoint {
  /** Custom endpoint URL for S3-compatible services; absent for AWS. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (http://host/bucket/key), needed by most S3-compatible servers. */
  forcePathStyle: boolean;
}

/** A host that cannot carry a bucket name as a subdomain (an IP address, localhost): path-style is the only addressing that works. */
export function needsPathStyle(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[');
  } catch {
    return false;
  }
}
