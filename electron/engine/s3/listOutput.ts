// One listing page as Ferry keeps it: the same on the event loop and on the listing worker
// (listWorker.ts), which sends it across as plain data.

import type { ListObjectsV2CommandInput, ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';

export interface ListEntry {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
  storageClass?: string;
}

export interface ListPage {
  objects: ListEntry[];
  prefixes: string[];
  nextToken?: string;
}

export interface ListPageInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  token?: string;
  startAfter?: string;
  maxKeys?: number;
}

/** S3 quotes ETags; Ferry compares them bare. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

export function listObjectsInput(input: ListPageInput): ListObjectsV2CommandInput {
  return {
    Bucket: input.bucket,
    Prefix: input.prefix || undefined,
    Delimiter: input.delimiter,
    ContinuationToken: input.token,
    StartAfter: input.startAfter,
    MaxKeys: input.maxKeys,
  };
}

export function toListPage(out: ListObjectsV2CommandOutput): ListPage {
  return {
    objects: (out.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      size: o.Size ?? 0,
      etag: o.ETag ? bareEtag(o.ETag) : undefined,
      lastModified: o.LastModified,
      storageClass: o.StorageClass,
    })),
    prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
    nextToken: out.IsTruncated ? out.NextContinuationToken : undefined,
  };
}
