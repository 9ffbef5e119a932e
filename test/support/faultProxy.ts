// A TCP proxy on 127.0.0.1 between the engine and the S3 server that misbehaves on purpose:
// it resets connections mid-transfer, stalls them, and answers some requests 503 SlowDown.

import net from 'node:net';

export type Fault = 'reset' | 'stall' | 'slowDown' | 'none';

export interface FaultPlan {
  /** What happens to each new connection, in turn (cycled): keep-alive makes connections few, and each fault forces a new one. */
  pattern: Fault[];
  /** A reset or stall happens after a number of bytes (either way) chosen uniformly up to this. */
  maxBytesBeforeFault: number;
  /** Faults stop after this many, so every transfer can end. */
  maxFaults: number;
}

export interface FaultProxy {
  url: string;
  counts: { connections: number; resets: number; stalls: number; slowDowns: number };
  close(): Promise<void>;
}

const SLOW_DOWN =
  'HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: 128\r\n\r\n' +
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'.padEnd(128, ' ');

/** `random` (for the byte where a fault strikes) is injectable so a run can be repeated exactly. */
export async function startFaultProxy(target: URL, plan: FaultPlan, random: () => number = Math.random): Promise<FaultProxy> {
  const counts = { connections: 0, resets: 0, stalls: 0, slowDowns: 0 };
  const sockets = new Set<net.Socket>();
  const faults = () => counts.resets + counts.stalls + counts.slowDowns;
  // A reset or stall planned for a connection that closed before moving enough bytes (a HEAD, a
  // small part) goes to the next connection, so every planned fault really strikes: which
  // connection carries what depends on timing, and a fault must not depend on it.
  const carried: Fault[] = [];
  const server = net.createServer((client) => {
    counts.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const next = plan.pattern[(counts.connections - 1) % plan.pattern.length] ?? 'none';
    const fromCarry = carried.shift();
    let planned: Fault = 'none';
    if (faults() < plan.maxFaults) {
      planned = fromCarry ?? next;
      // This connection's own turn in the pattern waits for a later one.
      if (fromCarry !== undefined && next !== 'none') carried.push(next);
    }
    if (planned === 'slowDown') {
      counts.slowDowns++;
      client.once('data', () => client.end(SLOW_DOWN));
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    let fault = planned === 'reset' || planned === 'stall' ? planned : undefined;
    client.on('close', () => {
      if (fault !== undefined) carried.push(fault);
    });
    const faultAt = Math.floor(random() * plan.maxBytesBeforeFault);
    let moved = 0;
    let stalled = false;
    const relay = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        moved += chunk.length;
        if (fault && moved >= faultAt) {
          if (fault === 'reset') {
            counts.resets++;
            client.resetAndDestroy();
            upstream.destroy();
          } else {
            counts.stalls++;
            stalled = true; // swallow everything from now on; the client's idle timeout must notice
          }
          fault = undefined;
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
