// The right-hand panel: details of the selected file (from browse.info: size, ETag, every header and
// metadata entry, and an editor for them), or a summary of the selection.
import { useCallback, useEffect, useState } from 'react';
import { formatBytes, formatCount, formatIsoDateTime } from '../model/format.js';
import { headerEntries } from '../model/headerEdit.js';
import { singleSelected, useBrowserStore } from '../stores/browserStore.js';
import { useObjectInfoStore } from '../stores/objectInfoStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { CloseIcon } from './icons.js';
import { ObjectHeadersEditor } from './ObjectHeadersEditor.js';

function Field({ label, value }: { label: string; value: string | undefined }) {
  if (value === undefined || value === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function FileDetails({ accountId }: { accountId: string }) {
  const details = useObjectInfoStore((s) => s.details);
  const loading = useObjectInfoStore((s) => s.loading);
  const error = useObjectInfoStore((s) => s.error);
  const [editing, setEditing] = useState(false);
  const stopEditing = useCallback(() => setEditing(false), []);
  if (loading) return <p className="muted">Loading details…</p>;
  if (error)
    return (
      <p className="panel-error" role="alert">
        {error.message}
      </p>
    );
  if (!details) return null;
  const headers = headerEntries(details);
  return (
    <>
      <dl className="details">
        <Field label="Size" value={`${formatBytes(details.size)} (${details.size.toLocaleString('en-US')} bytes)`} />
        <Field label="Modified" value={formatIsoDateTime(details.lastModified)} />
        <Field label="ETag" value={details.etag} />
      </dl>
      <div className="panel-subtitle-row">
        <h3 className="panel-subtitle">Headers and metadata</h3>
        {!editing && (
          <button type="button" className="link-button" data-action="edit-headers" onClick={() => setEditing(true)}>
            Edit headers
          </button>
        )}
      </div>
      {editing ? (
        <ObjectHeadersEditor accountId={accountId} details={details} onDone={stopEditing} />
      ) : headers.length === 0 ? (
        <p className="muted">No headers or metadata.</p>
      ) : (
        <dl className="details" data-testid="object-headers">
          {headers.map((h) => (
            <Field key={h.name} label={h.name} value={h.value} />
          ))}
        </dl>
      )}
    </>
  );
}

export function InfoPanel() {
  const accountId = useBrowserStore((s) => s.account?.id ?? null);
  const bucket = useBrowserStore((s) => s.location.bucket);
  const single = useBrowserStore(singleSelected);
  const file = single?.kind === 'file' ? single : null;
  const selectedCount = useBrowserStore((s) => (s.location.bucket === null ? 0 : s.selection.selected.size));
  const toggleInfoPanel = useUiStore((s) => s.toggleInfoPanel);

  useEffect(() => {
    if (accountId && bucket !== null && file) void useObjectInfoStore.getState().show(accountId, bucket, file.key);
    else useObjectInfoStore.getState().clear();
  }, [accountId, bucket, file]);

  let body;
  if (file) {
    body = (
      <>
        <h3 className="panel-name" title={file.key}>
          {file.name}
        </h3>
        <p className="panel-key">{file.key}</p>
        {accountId && <FileDetails key={file.key} accountId={accountId} />}
      </>
    );
  } else if (single) {
    body = (
      <>
        <h3 className="panel-name">{single.name}</h3>
        <p className="panel-key">{single.key}</p>
        <p className="muted">Folder. Download it to fetch everything under it.</p>
      </>
    );
  } else if (selectedCount > 1) {
    body = <p className="muted">{formatCount(selectedCount, 'item', 'items')} selected.</p>;
  } else {
    body = <p className="muted">Select a file to see its size, ETag, headers and metadata.</p>;
  }

  return (
    <aside className="info-panel" data-testid="info-panel" aria-label="Info">
      <div className="panel-header">
        <h2 className="panel-title">Info</h2>
        <button type="button" className="icon-button" aria-label="Close panel" onClick={toggleInfoPanel}>
          <CloseIcon />
        </button>
      </div>
      <div className="panel-body">{body}</div>
    </aside>
  );
}
