// Raw transport cost of ranged GETs, nothing of Ferry: 1 GiB read as 8 MiB ranges, 16 in flight, from
// the discarding endpoint (`node dist-bench/bench/discardServer.js --port 18090 --warm 268435456`),
// each body read and dropped. `npx tsx bench/transportProbe.ts http|undici|stream` prints wall and
// CPU seconds for Node's http client (what the SDK's handler uses), undici's request() (Ferry's
// direct data path) and undici's stream().

import http from 'node:http';
import { Writable } from 'node:stream';
import { Pool } from 'undici';

const mode = process.argv[2] ?? 'undici';
const MiB = 1024 * 1024;
const size = 256 * MiB;
const rangeBytes = 8 * MiB;
const inFlight = 16;
const origin = process.env.PROBE_ORIGIN ?? 'http://127.0.0.1:18090';
const object = '/bench/gen/268435456';
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const pool = new Pool(origin, { connections: 32, pipelining: 1 });

function viaHttp(start: number, end: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(origin + object, { agent, headers: { range: `bytes=${start}-${end}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function viaRequest(start: number, end: number): Promise<number> {
  const { body } = await pool.request({ path: object, method: 'GET', headers: { range: `bytes=${start}-${end}` } });
  let bytes = 0;
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await new Promise((resolve, reject) => {
    body.on('end', resolve);
    body.on('error', reject);
  });
  return bytes;
}

async function viaStream(start: number, end: number): Promise<number> {
  let bytes = 0;
  await pool.stream({ path: object, method: 'GET', headers: { range: `bytes=${start}-${end}` } }, () =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return bytes;
}

const get = mode === 'http' ? viaHttp : mode === 'stream' ? viaStream : viaRequest;
const cpu = process.cpuUsage();
const started = performance.now();
for (let round = 0; round < 4; round++) {
  let next = 0;
  let total = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < size) {
        const start = next;
        next += rangeBytes;
        const got = await get(start, Math.min(size, start + rangeBytes) - 1);
        total += got;
      }
    }),
  );
  if (total !== size) throw new Error(`read ${total} bytes of ${size}`);
}
const used = process.cpuUsage(cpu);
process.stdout.write(`${mode}: 1 GiB in ${((performance.now() - started) / 1000).toFixed(2)} s, ${((used.user + used.system) / 1e6).toFixed(2)} CPU-s (user ${(used.user / 1e6).toFixed(2)})\n`);
process.exit(0);
