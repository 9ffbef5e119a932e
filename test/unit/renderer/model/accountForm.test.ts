import { describe, expect, it } from 'vitest';
import { accountInputFromForm, blankAccountForm, formFromAccount } from '../../../../renderer/model/accountForm.js';
import type { Account } from '../../../../shared/api.js';

const account: Account = { id: 'a1', name: 'Near', kind: 's3-compatible', endpoint: 'http://s3.local', region: 'us-east-1', forcePathStyle: true, source: 'keychain', accessKeyId: 'AK', relayHost: 'relay.example.com:8443' };

describe('the account form’s relay field', () => {
  it('sends a new address, trimmed', () => {
    expect(accountInputFromForm({ ...blankAccountForm, relayUrl: ' https://relay.example.com:8443/?token=t \n' }).relayUrl).toBe('https://relay.example.com:8443/?token=t');
  });

  it('left empty: no relay on a new account, the saved one kept when editing', () => {
    expect(accountInputFromForm(blankAccountForm)).not.toHaveProperty('relayUrl');
    expect(accountInputFromForm(formFromAccount(account))).not.toHaveProperty('relayUrl');
  });

  it('"Upload directly" removes the relay (null)', () => {
    expect(accountInputFromForm({ ...formFromAccount(account), removeRelay: true }).relayUrl).toBeNull();
  });
});
