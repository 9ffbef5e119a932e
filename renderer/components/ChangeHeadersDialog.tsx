// Change headers… on a selection or a folder: headers to set (blank: left as they are), metadata to
// add, headers and metadata to remove, and the bucket's publishing rules. Each object is copied onto
// itself with its other headers and metadata kept; the job's progress shows in the corner.
import { useState } from 'react';
import { formatCount } from '../model/format.js';
import { bulkChanges, emptyForm, formProblem, hasChanges, type HeaderField } from '../model/headerEdit.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useHeaderChangeStore } from '../stores/headerChangeStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';
import { HeaderFields } from './HeaderFields.js';

function selectionText(keys: string[], prefixes: string[]): string {
  const files = keys.length > 0 ? formatCount(keys.length, 'file', 'files') : '';
  const folders = prefixes.length > 0 ? `every object in ${prefixes.length === 1 ? (prefixes[0] ?? '') : formatCount(prefixes.length, 'folder', 'folders')}` : '';
  return [files, folders].filter(Boolean).join(' and ');
}

export function ChangeHeadersDialog({ keys, prefixes }: { keys: string[]; prefixes: string[] }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const accountId = useBrowserStore((s) => s.account?.id ?? null);
  const bucket = useBrowserStore((s) => s.location.bucket);
  const base = useBrowserStore((s) => s.location.prefix);
  const [form, setForm] = useState(emptyForm);
  const [removedFields, setRemovedFields] = useState<HeaderField[]>([]);
  const [removedMetadata, setRemovedMetadata] = useState('');
  const [rules, setRules] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const changes = bulkChanges(form, { fields: removedFields, metadata: removedMetadata });
  const problem = formProblem(form);

  async function submit(): Promise<void> {
    if (!accountId || bucket === null) return;
    setBusy(true);
    setError(null);
    const result = await useHeaderChangeStore.getState().start({ accountId, bucket, keys, prefixes, ...changes, rules, rulesBase: rules ? base : undefined }, true);
    setBusy(false);
    if (result.ok) closeDialog();
    else setError(result.error.message);
  }

  const toggle = (field: HeaderField) => setRemovedFields((fields) => (fields.includes(field) ? fields.filter((f) => f !== field) : [...fields, field]));
  return (
    <Dialog title="Change headers" onClose={closeDialog} wide testId="change-headers-dialog">
      <p className="dialog-text">
        Changes {selectionText(keys, prefixes)}. Blank fields stay as they are; every other header and metadata entry is kept. Each object is copied onto itself on the server.
      </p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <HeaderFields form={form} onChange={setForm} removed={{ fields: removedFields, toggle }} placeholder="unchanged" metadataLabel="Metadata to add or set" />
        <div className="field">
          <label htmlFor="remove-metadata">Metadata to remove</label>
          <input id="remove-metadata" value={removedMetadata} placeholder="build, x-amz-meta-owner" spellCheck={false} onChange={(e) => setRemovedMetadata(e.target.value)} />
        </div>
        <div className="field-check">
          <input id="apply-rules" type="checkbox" checked={rules} onChange={(e) => setRules(e.target.checked)} />
          <label htmlFor="apply-rules">Apply this bucket’s publishing rules</label>
          <span className="hint">Matched on each key below {base === '' ? 'the top of the bucket' : base}; the fields above win over them.</span>
        </div>
        <DialogError message={error ?? problem} />
        <ActionButtons label="Change headers" action="change-headers" onCancel={closeDialog} disabled={busy || problem !== null || (!rules && !hasChanges(changes))} />
      </form>
    </Dialog>
  );
}
