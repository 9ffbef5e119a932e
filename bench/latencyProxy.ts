// A TCP proxy that adds one-way delay and, optionally, a shared bandwidth cap: the "far away
// bucket" for benchmarks, since tc netem is not available on these machines.

import net from 'node:net';

export interface LinkShape {
  /** Added to every chunk, each way (50 ms each way = 100 ms round trip). */
  delayMs: number;
  /** Shared by all connections, each way; 0 = no cap. */
  bytesPerSecond: number;
}

export interface LatencyProxy {
  url: string;
  close(): Promise<void>;
}

// A connection buffers at most this much in the proxy before its sender is paused.
const HIGH_WATER = 8 * 1024 * 1024;

/** Tokens for one direction of the link, shared by every connection. */
class TokenBucket {
  private tokens = 0;
  private last = performance.now();
  constructor(private readonly rate: number) {}

  /** Milliseconds until `bytes` may pass (0 now); takes them when they may. */
  take(bytes: number): number {
    if (this.rate <= 0) return 0;
    const now = performance.now();
    // A burst of at most 50 ms of the rate, so the cap holds over short windows too.
    this.tokens = Math.min(this.rate * 0.05, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= bytes) {
      this.tokens -= bytes;
      return 0;
    }
    return ((bytes - this.tokens) / this.rate) * 1000;
  }
}

export async function startLatencyProxy(target: URL, shape: LinkShape, port = 0): Promise<LatencyProxy> {
  const up = new TokenBucket(shape.bytesPerSecond);
  const down = new TokenBucket(shape.bytesPerSecond);
  const sockets = new Set<net.Socket>();

  const pipeDelayed = (from: net.Socket, to: net.Socket, bucket: TokenBucket) => {
    const queue: { at: number; chunk: Buffer }[] = [];
    let queued = 0;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const pump = () => {
      timer = undefined;
      while (queue.length > 0) {
        const head = queue[0] as { at: number; chunk: Buffer };
        const wait = Math.max(head.at - performance.now(), bucket.take(head.chunk.length));
        if (wait > 0) {
          timer = setTimeout(pump, Math.max(1, wait));
          return;
        }
        queue.shift();
        queued -= head.chunk.length;
        to.write(head.chunk);
        if (queued < HIGH_WATER / 2 && from.isPaused()) from.resume();
      }
      if (ended) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      queue.push({ at: performance.now() + shape.delayMs, chunk });
      queued += chunk.length;
      if (queued > HIGH_WATER) from.pause();
      timer ??= setTimeout(pump, shape.delayMs);
    });
    from.on('end', () => {
      ended = true;
      timer ??= setTimeout(pump, shape.delayMs);
    });
  };

  // Half-open sockets, so that a side which finishes (a response with `Connection: close`, say)
  // still has its delayed bytes delivered before the other side is ended: closing at once would
  // cut off a response still in the delay queue, which a client sees as EOF.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ port: Number(target.port), host: target.hostname, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    pipeDelayed(client, upstream, up);
    pipeDelayed(upstream, client, down);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
