// The account dialog's fields, and how they become the request the host validates.
import type { Account, AccountInput } from '../../shared/api.js';

export interface AccountForm {
  id?: string;
  name: string;
  kind: 'aws' | 's3-compatible';
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  /** Empty when editing means "keep the secret in the keychain". */
  secretAccessKey: string;
  /** Upload through relay: a relay's address. Empty when editing means "keep the saved one" (never shown: its token is a secret). */
  relayUrl: string;
  /** Editing an account with a relay: upload directly again. */
  removeRelay: boolean;
}

export const blankAccountForm: AccountForm = {
  name: '',
  kind: 's3-compatible',
  endpoint: '',
  region: 'us-east-1',
  // Most S3-compatible servers need path-style addressing; AWS prefers virtual-hosted.
  forcePathStyle: true,
  accessKeyId: '',
  secretAccessKey: '',
  relayUrl: '',
  removeRelay: false,
};

export function formFromAccount(account: Account): AccountForm {
  return {
    id: account.id,
    name: account.name,
    kind: account.kind,
    endpoint: account.endpoint ?? '',
    region: account.region,
    forcePathStyle: account.forcePathStyle,
    accessKeyId: account.accessKeyId ?? '',
    secretAccessKey: '',
    relayUrl: '',
    removeRelay: false,
  };
}

/** The request for accounts.save / accounts.test. Checks are the host's: it answers InvalidInput with a sentence. */
export function accountInputFromForm(form: AccountForm): AccountInput {
  const endpoint = form.endpoint.trim();
  const relayUrl = form.relayUrl.trim();
  return {
    ...(form.id ? { id: form.id } : {}),
    name: form.name,
    kind: form.kind,
    ...(form.kind === 's3-compatible' && endpoint !== '' ? { endpoint } : {}),
    region: form.region,
    forcePathStyle: form.forcePathStyle,
    accessKeyId: form.accessKeyId,
    ...(form.secretAccessKey !== '' ? { secretAccessKey: form.secretAccessKey } : {}),
    ...(relayUrl !== '' ? { relayUrl } : form.removeRelay ? { relayUrl: null } : {}),
  };
}
