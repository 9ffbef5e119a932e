// The app's services as a test drives them: a FerryService over the test account (its secret in
// memory, not a keychain), its calls unwrapped, and its events kept and waited on.

import path from 'node:path';
import { expect } from 'vitest';
import type { AppEvent, CallName, CallRequest, CallResponse } from '../../shared/api.js';
import type { KeychainStatus } from '../../shared/api.js';
import type { QueueRow } from '../../shared/queue.js';
import type { TransferSettings } from '../../electron/engine/settings.js';
import { FerryService, type FerryServiceOptions } from '../../electron/services/ferryService.js';
import type { SecretStore } from '../../electron/services/secretStore.js';
import { closeTestBed, openTestBed, testAccount, type TestBed } from './s3.js';

/** Secrets kept in memory: the services' own interface (the keychain has tests of its own). */
export class MemorySecrets implements SecretStore {
  private readonly secrets = new Map<string, string>();
  status(): Promise<KeychainStatus> {
    return Promise.resolve({ available: true });
  }
  get(id: string): Promise<string | null> {
    return Promise.resolve(this.secrets.get(id) ?? null);
  }
  set(id: string, secret: string): Promise<void> {
    this.secrets.set(id, secret);
    return Promise.resolve();
  }
  delete(id: string): Promise<void> {
    this.secrets.delete(id);
    return Promise.resolve();
  }
}

export interface ServiceBed {
  service: FerryService;
  events: AppEvent[];
  /** Each row as the latest `queue` event showed it. */
  rows: Map<string, QueueRow>;
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>>;
  /** Polls the kept events and rows until `check` returns something (not undefined/false). */
  until<T>(check: () => T | undefined | false, timeout?: number): Promise<T>;
}

/** A service with its config, state and download folders under `dir`; the secrets object is shared across a restart. */
export function openService(dir: string, secrets: SecretStore, settings: Partial<TransferSettings> = {}, extra: Pick<FerryServiceOptions, 'outageRetryMs'> = {}): ServiceBed {
  const service = new FerryService({
    ...extra,
    version: 'test',
    mode: 'browser',
    configDir: path.join(dir, 'config'),
    stateDir: path.join(dir, 'state'),
    downloadFolder: path.join(dir, 'downloads'),
    secrets,
    env: {},
    settings: { baseRetryDelayMs: 20, maxRetryDelayMs: 500, maxAttempts: 4, offlineWaitMs: 20_000, progressIntervalMs: 50, ...settings },
  });
  const events: AppEvent[] = [];
  const rows = new Map<string, QueueRow>();
  service.onEvent((event) => {
    events.push(event);
    if (event.type === 'queue') {
      for (const row of event.rows) rows.set(row.id, row);
      for (const id of event.removed) rows.delete(id);
    }
  });
  return {
    service,
    events,
    rows,
    async call(name, request) {
      const result = await service.call(name, request);
      if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
      return result.value as CallResponse<typeof name>;
    },
    async until(check, timeout = 60_000) {
      let found: ReturnType<typeof check> | undefined;
      await expect.poll(() => (found = check()) !== undefined && found !== false, { timeout, interval: 25 }).toBe(true);
      return found as never;
    },
  };
}

/** Saves the test account (or the second one, `other`) in the service; returns its id. */
export async function addTestAccount(bed: ServiceBed, role: 'owner' | 'other' = 'owner', name = role === 'owner' ? 'test' : 'other'): Promise<string> {
  const account = testAccount(role);
  const saved = await bed.call('accounts.save', {
    name,
    kind: account.endpoint.endpoint ? 's3-compatible' : 'aws',
    endpoint: account.endpoint.endpoint,
    region: account.endpoint.region,
    forcePathStyle: account.endpoint.forcePathStyle,
    accessKeyId: account.credentials.accessKeyId,
    secretAccessKey: account.credentials.secretAccessKey,
  });
  return saved.id;
}

/** A test file's bucket and folder (openTestBed) with a service over them, the test account saved. */
export interface ServiceTestBed extends TestBed {
  bed: ServiceBed;
  accountId: string;
}

export async function openServiceTestBed(label: string, settings: Partial<TransferSettings> = {}, secrets: SecretStore = new MemorySecrets()): Promise<ServiceTestBed> {
  const testBed = await openTestBed(label);
  const bed = openService(testBed.dir, secrets, settings);
  return { ...testBed, bed, accountId: await addTestAccount(bed) };
}

/** Closes the service, then removes the bucket (failing if a multipart upload was left) and the folder. */
export async function closeServiceTestBed(testBed: ServiceTestBed | undefined): Promise<void> {
  if (!testBed) return;
  await testBed.bed.service.close();
  await closeTestBed(testBed);
}
