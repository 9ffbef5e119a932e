// A plain TCP relay on a loopback address of choice to the S3 server, counting the connections it
// takes: two of them on 127.0.0.2 and 127.0.0.3 stand for two addresses of one endpoint name.

import net from 'node:net';

export interface TcpRelay {
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Stops listening and drops what is open (as an address that went away). */
  close(): Promise<void>;
}

export async function startTcpRelay(host: string, port: number, target: URL): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  const relay: TcpRelay = {
    host,
    port,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    relay.connections++;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  relay.port = (server.address() as net.AddressInfo).port;
  return relay;
}
