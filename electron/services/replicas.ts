// Replicas the app reads from when a bucket's endpoint is down: per account and bucket, another
// account's bucket and prefix holding the same objects under the same names. Kept in one file of
// the settings folder (no secrets: the replica's keys are its own account's, in the keychain).

import path from 'node:path';
import type { BucketReplica } from '../../shared/api.js';
import { JsonListFile } from './transferQueue.js';

interface Stored extends BucketReplica {
  accountId: string;
  bucket: string;
}

export class ReplicaSettings {
  private readonly file: JsonListFile<Stored>;
  private rows: Promise<Stored[]> | undefined;

  constructor(configDir: string) {
    this.file = new JsonListFile<Stored>(path.join(configDir, 'replicas.json'));
  }

  private all(): Promise<Stored[]> {
    this.rows ??= this.file.load();
    return this.rows;
  }

  async get(accountId: string, bucket: string): Promise<BucketReplica | undefined> {
    const found = (await this.all()).find((r) => r.accountId === accountId && r.bucket === bucket);
    return found && { replicaAccountId: found.replicaAccountId, replicaBucket: found.replicaBucket, prefix: found.prefix };
  }

  /** Sets (or, with null, removes) the bucket's replica. */
  async set(accountId: string, bucket: string, replica: BucketReplica | null): Promise<void> {
    const rows = (await this.all()).filter((r) => !(r.accountId === accountId && r.bucket === bucket));
    if (replica) rows.push({ accountId, bucket, ...replica });
    this.rows = Promise.resolve(rows);
    await this.file.save(rows);
  }

  /** An account removed: its buckets' replicas go, and so do replicas that read from it. */
  async removeAccount(accountId: string): Promise<void> {
    const rows = await this.all();
    const kept = rows.filter((r) => r.accountId !== accountId && r.replicaAccountId !== accountId);
    if (kept.length === rows.length) return;
    this.rows = Promise.resolve(kept);
    await this.file.save(kept);
  }
}
