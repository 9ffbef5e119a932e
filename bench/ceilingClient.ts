// The ceiling: a plain parallel client that only moves bytes, for the discarding endpoint. No SDK,
// no signing, no checksums, no retries, no progress: keep-alive sockets, 8 MiB parts (16 in
// flight) or whole small files (32 in flight), positional writes. What Ferry does beyond this is
// what its share of the ceiling pays for.
//
// node dist-bench/bench/ceilingClient.js up|down <endpoint> <bucket> <key-or-prefix> <local>

import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const PART = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 16;
const FILES_IN_FLIGHT = 32;

const [direction, endpointArg, bucket, key, local] = process.argv.slice(2);
if (!direction || !endpointArg || !bucket || key === undefined || !local) {
  process.stderr.write('usage: ceilingClient up|down <endpoint> <bucket> <key-or-prefix> <local>\n');
  process.exit(2);
}
const endpoint = new URL(endpointArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(method: string, pathAndQuery: string, body?: Buffer, headers: Record<string, string> = {}, sink?: (chunk: Buffer) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: endpoint.hostname, port: endpoint.port, method, path: pathAndQuery, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => (sink ? sink(chunk) : chunks.push(chunk)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 300) reject(new Error(`${method} ${pathAndQuery}: HTTP ${status}`));
        else resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function objectPath(objectKey: string): string {
  return `/${bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

async function uploadFile(file: string, objectKey: string): Promise<void> {
  const size = (await stat(file)).size;
  if (size <= 2 * PART) {
    await request('PUT', objectPath(objectKey), await readFile(file));
    return;
  }
  const created = await request('POST', `${objectPath(objectKey)}?uploads`);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())?.[1] ?? '';
  const handle = await open(file, 'r');
  const parts = Array.from({ length: Math.ceil(size / PART) }, (_, i) => i);
  const etags: string[] = [];
  const buffers: Buffer[] = [];
  await pool(parts, PARTS_IN_FLIGHT, async (index) => {
    const buffer = buffers.pop() ?? Buffer.allocUnsafe(PART);
    const length = Math.min(PART, size - index * PART);
    await handle.read(buffer, 0, length, index * PART);
    const reply = await request('PUT', `${objectPath(objectKey)}?partNumber=${index + 1}&uploadId=${encodeURIComponent(uploadId)}`, buffer.subarray(0, length));
    etags[index] = String(reply.headers.etag);
    buffers.push(buffer);
  });
  await handle.close();
  const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  await request('POST', `${objectPath(objectKey)}?uploadId=${encodeURIComponent(uploadId)}`, Buffer.from(xml));
}

async function downloadObject(objectKey: string, size: number, target: string): Promise<void> {
  const handle = await open(target, 'w');
  const parts = size > 2 * PART ? Array.from({ length: Math.ceil(size / PART) }, (_, i) => i) : [-1];
  await pool(parts, PARTS_IN_FLIGHT, async (index) => {
    let position = index < 0 ? 0 : index * PART;
    const range: Record<string, string> = index < 0 ? {} : { range: `bytes=${position}-${Math.min(size, position + PART) - 1}` };
    const writes: Promise<unknown>[] = [];
    await request('GET', objectPath(objectKey), undefined, range, (chunk) => {
      writes.push(handle.write(chunk, 0, chunk.length, position));
      position += chunk.length;
    });
    await Promise.all(writes);
  });
  await handle.close();
}

async function listAll(prefix: string): Promise<{ key: string; size: number }[]> {
  const found: { key: string; size: number }[] = [];
  let token = '';
  for (;;) {
    const page = (await request('GET', `/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`)).body.toString();
    for (const match of page.matchAll(/<Key>([^<]+)<\/Key>.*?<Size>(\d+)<\/Size>/gs)) found.push({ key: match[1] as string, size: Number(match[2]) });
    token = /<NextContinuationToken>([^<]+)</.exec(page)?.[1] ?? '';
    if (!token) return found;
  }
}

if (direction === 'up') {
  if ((await stat(local)).isDirectory()) {
    const names = await readdir(local);
    await pool(names, FILES_IN_FLIGHT, (name) => uploadFile(path.join(local, name), `${key}${path.basename(local)}/${name}`));
  } else {
    await uploadFile(local, key);
  }
} else if (key.endsWith('/')) {
  const objects = await listAll(key);
  await pool(objects, FILES_IN_FLIGHT, async (object) => {
    const target = path.join(local, object.key.slice(key.length));
    await mkdir(path.dirname(target), { recursive: true });
    await downloadObject(object.key, object.size, target);
  });
} else {
  const head = await request('HEAD', objectPath(key));
  const target = (await stat(local).catch(() => undefined))?.isDirectory() ? path.join(local, path.basename(key)) : local;
  await downloadObject(key, Number(head.headers['content-length']), target);
}
agent.destroy();
