// The add/edit account form: fields, "Test connection", and save; the host validates and answers
// InvalidInput with a sentence shown here.
import { useState, type FormEvent } from 'react';
import type { Account, ConnectionTest } from '../../shared/api.js';
import { accountInputFromForm, blankAccountForm, formFromAccount, type AccountForm } from '../model/accountForm.js';
import { formatCount } from '../model/format.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Dialog, DialogError } from './Dialog.js';

type TestState = { state: 'idle' } | { state: 'testing' } | { state: 'done'; result: ConnectionTest };

export function AccountDialog({ account }: { account?: Account }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const save = useAccountsStore((s) => s.save);
  const test = useAccountsStore((s) => s.test);
  const [form, setForm] = useState<AccountForm>(() => (account ? formFromAccount(account) : blankAccountForm));
  const [test_, setTest] = useState<TestState>({ state: 'idle' });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = account !== undefined;

  function change<K extends keyof AccountForm>(field: K, value: AccountForm[K]): void {
    setForm((f) => ({ ...f, [field]: value }));
  }

  async function runTest(): Promise<void> {
    setTest({ state: 'testing' });
    // Editing with the secret left empty: the saved account (and its secret in the keychain) is tested.
    const request = editing && form.secretAccessKey === '' && form.id ? { accountId: form.id } : accountInputFromForm(form);
    setTest({ state: 'done', result: await test(request) });
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const result = await save(accountInputFromForm(form));
    setSaving(false);
    if (result.ok) closeDialog();
    else setError(result.error.message);
  }

  const result = test_.state === 'done' ? test_.result : null;

  return (
    <Dialog title={editing ? `Edit ${account.name}` : 'Add account'} onClose={closeDialog}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="account-name">Name</label>
          <input id="account-name" data-autofocus value={form.name} onChange={(e) => change('name', e.target.value)} placeholder="My storage" />
        </div>
        <div className="field">
          <label htmlFor="account-kind">Kind</label>
          <select
            id="account-kind"
            value={form.kind}
            onChange={(e) => {
              const kind = e.target.value === 'aws' ? 'aws' : 's3-compatible';
              // AWS prefers virtual-hosted addressing; most S3-compatible servers need path-style.
              setForm((f) => ({ ...f, kind, forcePathStyle: kind === 's3-compatible' }));
            }}
          >
            <option value="aws">AWS</option>
            <option value="s3-compatible">S3-compatible</option>
          </select>
        </div>
        {form.kind === 's3-compatible' && (
          <div className="field">
            <label htmlFor="account-endpoint">Endpoint URL</label>
            <input id="account-endpoint" type="url" value={form.endpoint} onChange={(e) => change('endpoint', e.target.value)} placeholder="https://s3.example.com" spellCheck={false} />
          </div>
        )}
        <div className="field">
          <label htmlFor="account-region">Region</label>
          <input id="account-region" value={form.region} onChange={(e) => change('region', e.target.value)} placeholder="us-east-1" spellCheck={false} />
        </div>
        <div className="field field-check">
          <input id="account-path-style" type="checkbox" checked={form.forcePathStyle} onChange={(e) => change('forcePathStyle', e.target.checked)} aria-describedby="account-path-style-hint" />
          <label htmlFor="account-path-style">Path-style</label>
          <span id="account-path-style-hint" className="hint">
            Addresses buckets as endpoint/bucket; most S3-compatible servers need it.
          </span>
        </div>
        <div className="field">
          <label htmlFor="account-key-id">Access key ID</label>
          <input id="account-key-id" value={form.accessKeyId} onChange={(e) => change('accessKeyId', e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="account-secret">Secret access key</label>
          <input
            id="account-secret"
            type="password"
            value={form.secretAccessKey}
            onChange={(e) => change('secretAccessKey', e.target.value)}
            autoComplete="new-password"
            placeholder={editing ? 'Leave empty to keep the saved secret' : ''}
          />
        </div>
        <div className="field">
          <label htmlFor="account-relay">Upload through relay</label>
          {/* A password field: the address carries the relay's token. */}
          <input
            id="account-relay"
            type="password"
            value={form.relayUrl}
            onChange={(e) => change('relayUrl', e.target.value)}
            disabled={form.removeRelay}
            autoComplete="off"
            spellCheck={false}
            placeholder={account?.relayHost ? `Through ${account.relayHost}; leave empty to keep it` : 'Optional'}
            aria-describedby="account-relay-hint"
          />
          <span id="account-relay-hint" className="hint">
            The address a Ferry host printed, token included. Uploads go to that host, which puts them in the bucket.
          </span>
        </div>
        {account?.relayHost && (
          <div className="field field-check">
            <input id="account-relay-remove" type="checkbox" checked={form.removeRelay} onChange={(e) => change('removeRelay', e.target.checked)} aria-describedby="account-relay-remove-hint" />
            <label htmlFor="account-relay-remove">Upload directly</label>
            <span id="account-relay-remove-hint" className="hint">
              Stop uploading through {account.relayHost}.
            </span>
          </div>
        )}

        <div
          className={`connection-result ${result ? (result.ok ? 'ok' : 'failed') : ''}`}
          data-testid="connection-result"
          role={result && !result.ok ? 'alert' : 'status'}
        >
          {test_.state === 'testing' && 'Testing connection…'}
          {result?.ok === true && `Connected — ${formatCount(result.buckets, 'bucket', 'buckets')}`}
          {result?.ok === false && result.error.message}
        </div>
        <DialogError message={error} />

        <div className="dialog-buttons">
          <button type="button" className="button" onClick={() => void runTest()} disabled={test_.state === 'testing'}>
            Test connection
          </button>
          <span className="spacer" />
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={saving}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
