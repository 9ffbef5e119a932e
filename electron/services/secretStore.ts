// Account secrets in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux), behind one small interface so the binding can be replaced. keytar is archived upstream;
// a maintained binding such as @napi-rs/keyring would slot in here and nowhere else.

import type { KeychainStatus } from '../../shared/api.js';
import { FerryError } from '../engine/errors.js';

export interface SecretStore {
  /** Whether the keychain answers, and why not in a sentence when it does not. */
  status(): Promise<KeychainStatus>;
  get(accountId: string): Promise<string | null>;
  set(accountId: string, secret: string): Promise<void>;
  delete(accountId: string): Promise<void>;
}

// The keychain entry's service name; the account id is its account name.
const SERVICE = 'dev.ferry.app';

interface KeytarBinding {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

const UNAVAILABLE_ADVICE =
  'Ferry never writes secrets to a plain file, so it cannot save keys here. Accounts from the AWS_* environment variables and ~/.aws profiles still work.';

function unavailable(reason: string): KeychainStatus {
  return { available: false, message: `No keychain is available (${reason}). ${UNAVAILABLE_ADVICE}` };
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // libsecret's messages are long and multi-line; the first line says what went wrong.
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/** The OS keychain through keytar. Loaded lazily: a missing or unloadable binding is reported, not thrown at start. */
export class KeytarSecretStore implements SecretStore {
  private binding: Promise<KeytarBinding> | undefined;

  private load(): Promise<KeytarBinding> {
    this.binding ??= import('keytar').then((m) => ((m as { default?: KeytarBinding }).default ?? (m as unknown as KeytarBinding)));
    return this.binding;
  }

  private async use<T>(what: string, run: (k: KeytarBinding) => Promise<T>): Promise<T> {
    let keytar: KeytarBinding;
    try {
      keytar = await this.load();
    } catch (error) {
      throw new FerryError('KeychainUnavailable', unavailable(`the keychain module could not be loaded: ${reasonOf(error)}`).message ?? '', { cause: error });
    }
    try {
      return await run(keytar);
    } catch (error) {
      throw new FerryError('KeychainUnavailable', unavailable(`${what} failed: ${reasonOf(error)}`).message ?? '', { cause: error });
    }
  }

  async status(): Promise<KeychainStatus> {
    try {
      await this.use('reading the keychain', (k) => k.findCredentials(SERVICE));
      return { available: true };
    } catch (error) {
      return { available: false, message: (error as Error).message };
    }
  }

  get(accountId: string): Promise<string | null> {
    return this.use('reading the keychain', (k) => k.getPassword(SERVICE, accountId));
  }

  set(accountId: string, secret: string): Promise<void> {
    return this.use('saving to the keychain', (k) => k.setPassword(SERVICE, accountId, secret));
  }

  async delete(accountId: string): Promise<void> {
    await this.use('removing from the keychain', (k) => k.deletePassword(SERVICE, accountId));
  }
}
