// Checksums Ferry sends and compares: Content-MD5 per part, optional CRC32, S3's multipart ETag.

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export function md5(data: Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

/** The x-amz-checksum-crc32 value: the big-endian CRC32 in base64. */
export function crc32Base64(data: Uint8Array): string {
  return crc32FromValue(crc32(data));
}

/** A CRC32 computed in steps (zlib.crc32 with the running value) as x-amz-checksum-crc32 carries it. */
export function crc32FromValue(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

/** A multipart object's ETag as S3 computes it: MD5 of the parts' binary MD5s, then "-" and the count. */
export function multipartEtag(partMd5s: Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
}

/**
 * Content fed in order, hashed into the ETag S3 gives it: a plain MD5, or with `partSize` the
 * multipart ETag (MD5 of each part's MD5). Chunks may cross part boundaries.
 */
export class EtagHasher {
  private readonly partSize: number | undefined;
  private hash = createHash('md5');
  private inPart = 0;
  private readonly partDigests: Buffer[] = [];

  constructor(partSize?: number) {
    this.partSize = partSize;
  }

  update(data: Uint8Array): void {
    let rest = data;
    while (this.partSize !== undefined && this.inPart + rest.byteLength >= this.partSize) {
      const take = this.partSize - this.inPart;
      this.hash.update(rest.subarray(0, take));
      this.partDigests.push(this.hash.digest());
      this.hash = createHash('md5');
      this.inPart = 0;
      rest = rest.subarray(take);
    }
    if (rest.byteLength === 0) return;
    this.hash.update(rest);
    this.inPart += rest.byteLength;
  }

  /** The ETag of everything fed (call once). */
  digest(): string {
    if (this.partSize === undefined) return this.hash.digest('hex');
    if (this.inPart > 0 || this.partDigests.length === 0) this.partDigests.push(this.hash.digest());
    return multipartEtag(this.partDigests);
  }
}

/** An ETag that is a plain MD5 of the content (single PUT without KMS or SSE-C). */
export function isMd5Etag(etag: string): boolean {
  return /^[0-9a-f]{32}$/i.test(etag);
}

/** The part count of a multipart ETag ("…-N"), or undefined. */
export function multipartEtagParts(etag: string): number | undefined {
  const match = /^[0-9a-f]{32}-(\d+)$/i.exec(etag);
  return match ? Number(match[1]) : undefined;
}

/** With SSE-KMS or SSE-C, S3's ETag is not an MD5 of the content and cannot be compared. */
export function etagIsContentHash(serverSideEncryption: string | undefined): boolean {
  return !serverSideEncryption || serverSideEncryption === 'AES256';
}
