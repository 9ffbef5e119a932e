// Connections spread over every address an endpoint's name resolves to. Node connects each new
// socket to the first address the system resolver gives, so 16 parts in flight all land on one
// front end of a service that publishes several (S3's names answer with a handful of addresses,
// a load-balanced S3-compatible cluster with one per node). Here each new connection takes the
// next address in turn; an address a connection failed to reach is set aside for a while and the
// name resolved again; the addresses are resolved again when their time to live runs out.

import dns from 'node:dns';
import net from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A name's addresses, and how long they hold (undefined: the resolver did not say). */
export type Resolve = (hostname: string) => Promise<{ addresses: ResolvedAddress[]; ttlMs?: number }>;

// The system's lookup (which reads /etc/hosts) says no time to live: this long, unless DNS says.
const DEFAULT_TTL_MS = 30_000;
const MIN_TTL_MS = 1_000;
const MAX_TTL_MS = 300_000;
// How long an address a connection could not reach is passed over.
const SET_ASIDE_MS = 30_000;

// DNS asked directly for the time to live: one quick try, never holding up a connection for long.
const ttlResolver = new dns.promises.Resolver({ timeout: 1_000, tries: 1 });
const TTL_WAIT_MS = 200;

/**
 * The system's answer: every address of the lookup (hosts file, DNS, in the system's order), with
 * the time to live of the name's A records when DNS, asked at the same time, answers within
 * moments (a name from the hosts file has none: the default holds).
 */
export const systemResolve: Resolve = async (hostname) => {
  const ttl = ttlResolver.resolve4(hostname, { ttl: true }).then(
    (records) => (records.length > 0 ? Math.min(...records.map((r) => r.ttl)) * 1000 : undefined),
    () => undefined,
  );
  const found = await dns.promises.lookup(hostname, { all: true, order: 'verbatim' });
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), TTL_WAIT_MS)));
  const ttlMs = await Promise.race([ttl, waited]).finally(() => clearTimeout(timer));
  return { addresses: found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })), ttlMs };
};

interface Name {
  addresses: ResolvedAddress[];
  expires: number;
  /** The next address's turn. */
  turn: number;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export class AddressBook {
  private readonly names = new Map<string, Name>();
  private readonly resolving = new Map<string, Promise<Name>>();
  /** Address → until when it is passed over. */
  private readonly aside = new Map<string, number>();
  /** Connections begun per address (what the spread is measured by). */
  readonly connections = new Map<string, number>();

  constructor(
    private readonly resolve: Resolve = systemResolve,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The `lookup` of `net.connect` (and so of http.Agent and undici's connector): each call, the
   * name's next address. Asked for all addresses (Node's happy eyeballs), it gives that one alone.
   */
  readonly lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    this.pick(hostname).then(
      (chosen) => (options.all ? callback(null, [chosen]) : callback(null, chosen.address, chosen.family)),
      (error: unknown) => callback(error as NodeJS.ErrnoException, ''),
    );
  };

  /** The address the next connection to `hostname` goes to. */
  async pick(hostname: string): Promise<ResolvedAddress> {
    const literal = net.isIP(hostname);
    if (literal !== 0) return this.count({ address: hostname, family: literal === 6 ? 6 : 4 });
    const known = this.names.get(hostname);
    const name = known && known.expires > this.now() ? known : await this.refresh(hostname);
    const now = this.now();
    const usable = name.addresses.filter((a) => (this.aside.get(a.address) ?? 0) <= now);
    // Every address set aside: they are tried again rather than none.
    const from = usable.length > 0 ? usable : name.addresses;
    const chosen = from[name.turn++ % from.length];
    if (!chosen) throw Object.assign(new Error(`${hostname} resolves to no address`), { code: 'ENOTFOUND' });
    return this.count(chosen);
  }

  /** A connection to `address` failed: it is passed over for a while, and the names it belongs to are resolved again. */
  setAside(address: string): void {
    this.aside.set(address, this.now() + SET_ASIDE_MS);
    for (const name of this.names.values()) if (name.addresses.some((a) => a.address === address)) name.expires = 0;
  }

  private count(chosen: ResolvedAddress): ResolvedAddress {
    this.connections.set(chosen.address, (this.connections.get(chosen.address) ?? 0) + 1);
    return chosen;
  }

  /** Resolves the name once however many connections ask at the same moment; a failure keeps the last answer if there is one. */
  private refresh(hostname: string): Promise<Name> {
    let pending = this.resolving.get(hostname);
    if (!pending) {
      pending = this.resolve(hostname)
        .then(({ addresses, ttlMs }) => {
          if (addresses.length === 0) throw Object.assign(new Error(`${hostname} resolves to no address`), { code: 'ENOTFOUND' });
          const ttl = Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, ttlMs ?? DEFAULT_TTL_MS));
          const before = this.names.get(hostname);
          // The turn goes on where it was, so a new answer does not send the next connections back to the first address.
          const name = { addresses, expires: this.now() + ttl, turn: before?.turn ?? 0 };
          this.names.set(hostname, name);
          return name;
        })
        .catch((error: unknown) => {
          const before = this.names.get(hostname);
          if (!before) throw error;
          // The resolver failed: the last answer serves a little longer.
          before.expires = this.now() + MIN_TTL_MS;
          return before;
        })
        .finally(() => this.resolving.delete(hostname));
      this.resolving.set(hostname, pending);
    }
    return pending;
  }
}
