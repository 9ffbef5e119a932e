// An HTTP/1.1 proxy on 127.0.0.1 between an S3 client and the S3 server that passes requests on untouched
// (so SigV4 signatures stay valid) and, on rules, drops a response the server gave or refuses a request itself.

import http from 'node:http';
import type net from 'node:net';

/** Which requests a rule is for: `url` is the request target as the client sent it, path and query string. */
export type RequestMatch = (method: string, url: string) => boolean;

export interface RuleScope {
  match: RequestMatch;
  /** The rule applies to this many matching requests (`Infinity`: all); later ones pass, so every transfer can end. */
  times: number;
}

/** The first rule that matches and has times left decides; a request no rule takes is passed on. */
export type HttpFaultRule =
  /** The server gets the request and answers in full, then the client's connection closes before a byte of that answer: the work is done and the client never hears. */
  | { dropResponse: RuleScope }
  /** Answered here without reaching the server (e.g. 403 RequestTimeTooSkewed); the body is sent as application/xml. */
  | { refuse: RuleScope & { status: number; body: string; headers?: Record<string, string> } }
  /** The request goes on with the first byte of its body flipped: bytes damaged on the way, which the server's checksum check must catch. */
  | { corruptBody: RuleScope };

export interface ProxiedRequest {
  method: string;
  url: string;
  /** The status the server (or a refusal) gave; undefined while waiting, or if the exchange failed before one. */
  status: number | undefined;
  fault?: 'dropped' | 'refused' | 'corrupted';
  /** The client's User-Agent header: tells the SDK client's requests from others. */
  userAgent?: string;
}

export interface HttpFaultProxy {
  url: string;
  /** The live rule list: push onto it to arm a rule after setup traffic has passed. */
  rules: HttpFaultRule[];
  counts: { requests: number; byMethod: Record<string, number>; dropped: number; refused: number; corrupted: number };
  /** Every request in order of arrival. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

// Methods for which Node's client, given neither Content-Length nor Transfer-Encoding, would add `Transfer-Encoding: chunked`.
const CHUNKED_BY_DEFAULT = (method: string) => !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(method);

export async function startHttpFaultProxy(target: URL, options: { rules?: HttpFaultRule[]; port?: number } = {}): Promise<HttpFaultProxy> {
  if (target.protocol !== 'http:') throw new Error(`The HTTP fault proxy speaks plain http only, not ${target.protocol}`);
  const rules = options.rules ?? [];
  const used = new Map<HttpFaultRule, number>();
  const counts = { requests: 0, byMethod: {} as Record<string, number>, dropped: 0, refused: 0, corrupted: 0 };
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const agent = new http.Agent({ keepAlive: true });
  const upstreamHost = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const upstreamPort = Number(target.port || 80);

  const pick = (method: string, url: string): HttpFaultRule | undefined => {
    for (const rule of rules) {
      const scope = 'dropResponse' in rule ? rule.dropResponse : 'refuse' in rule ? rule.refuse : rule.corruptBody;
      const n = used.get(rule) ?? 0;
      if (n < scope.times && scope.match(method, url)) {
        used.set(rule, n + 1);
        return rule;
      }
    }
    return undefined;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    counts.requests++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    const entry: ProxiedRequest = { method, url, status: undefined, userAgent: req.headers['user-agent'] };
    requests.push(entry);
    const rule = pick(method, url);

    if (rule && 'refuse' in rule) {
      const { status, body, headers } = rule.refuse;
      const expectsContinue = req.headers.expect !== undefined;
      const answer = () => {
        counts.refused++;
        entry.status = status;
        entry.fault = 'refused';
        res.writeHead(status, {
          'Content-Type': 'application/xml',
          'Content-Length': Buffer.byteLength(body),
          ...headers,
          // A client waiting for 100 Continue may never send its body: the connection cannot be reused.
          ...(expectsContinue ? { Connection: 'close' } : {}),
        });
        res.end(body);
      };
      // Otherwise take the whole body first, so the client is not cut off mid-upload and sees the answer.
      if (expectsContinue) answer();
      else {
        req.resume();
        req.on('end', answer);
      }
      return;
    }

    const drop = rule !== undefined && 'dropResponse' in rule;
    const corrupt = rule !== undefined && 'corruptBody' in rule;
    // Headers go on exactly as they came (names' case, order, duplicates, Host): Node's client sends an
    // array of raw headers verbatim. It adds only `Connection` if the client sent none; that header is
    // hop-by-hop and never signed.
    const headers = [...req.rawHeaders];
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined && CHUNKED_BY_DEFAULT(method)) {
      // No length and no chunking means no body; say so, or Node's client would send an (empty) chunked one.
      headers.push('Content-Length', '0');
    }
    const upstream = http.request({ host: upstreamHost, port: upstreamPort, method, path: url, headers, agent, setHost: false });
    let upstreamDone = false;
    const cutClient = () => req.socket.destroy();
    // The server decides on an Expect: 100-continue; its 100 is passed on so the client sends its body.
    upstream.on('continue', () => res.writeContinue());
    upstream.on('error', cutClient);
    upstream.on('response', (answer) => {
      entry.status = answer.statusCode;
      answer.on('error', cutClient);
      answer.on('end', () => (upstreamDone = true));
      if (drop) {
        // Read the whole answer (the server finished its work), then hang up on the client without a byte of it.
        answer.resume();
        answer.on('end', () => {
          counts.dropped++;
          entry.fault = 'dropped';
          cutClient();
        });
        return;
      }
      res.sendDate = false;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
    });
    // The client went away (or was dropped) before the server's answer ended: abandon the upstream exchange too.
    res.on('close', () => {
      if (!upstreamDone) upstream.destroy();
    });
    if (!corrupt) {
      req.pipe(upstream);
      return;
    }
    counts.corrupted++;
    entry.fault = 'corrupted';
    let flipped = false;
    req.on('data', (chunk: Buffer) => {
      if (!flipped && chunk.length > 0) {
        flipped = true;
        const copy = Buffer.from(chunk);
        copy[0] = (copy[0] as number) ^ 0xff;
        chunk = copy;
      }
      if (!upstream.write(chunk)) {
        req.pause();
        upstream.once('drain', () => req.resume());
      }
    });
    req.on('end', () => upstream.end());
  };

  const server = http.createServer(handle);
  // With a listener, Node leaves Expect to us instead of answering 100 (or 417) itself; handle() forwards it.
  server.on('checkContinue', handle);
  server.on('checkExpectation', handle);
  // Never end an idle client connection first (the client may reuse it any time) and never time out a slow
  // request: only the client, the server or close() ends a connection.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A fixed port lets a test stop the proxy and start it again at the same address (the journal names the endpoint).
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    rules,
    counts,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
