// What a developer gets from the SDK with its defaults: lib-storage's Upload for uploads, a
// GetObject stream piped to a file for downloads. Folders: one file after another, as a simple
// script would do. Usage: node libStorageClient.js up|down <endpoint> <bucket> <key> <local>

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [direction, endpoint, bucket, key, local] = process.argv.slice(2) as [string, string, string, string, string];
const client = new S3Client({ endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? 'us-east-1' });

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

async function download(objectKey: string, file: string): Promise<void> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
  await mkdir(path.dirname(file), { recursive: true });
  await pipeline(out.Body as Readable, createWriteStream(file));
}

if (direction === 'up') {
  const isFolder = (await stat(local)).isDirectory();
  const files = isFolder ? await walk(local) : [local];
  for (const file of files) {
    const objectKey = isFolder ? `${key}${path.basename(local)}/${path.relative(local, file).split(path.sep).join('/')}` : key;
    await new Upload({ client, params: { Bucket: bucket, Key: objectKey, Body: createReadStream(file) } }).done();
  }
} else if (key.endsWith('/')) {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
    for (const object of page.Contents ?? []) await download(object.Key as string, path.join(local, (object.Key as string).slice(key.length)));
    token = page.NextContinuationToken;
  } while (token);
} else {
  await download(key, path.join(local, path.basename(key)));
}
client.destroy();
