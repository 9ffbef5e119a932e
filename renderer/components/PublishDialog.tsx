// Publish folder…: what the upload would send, each key with the headers the bucket's rules give it,
// before anything goes; Publish starts it through the same upload as Upload… › Folder….
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { PublishPreview } from '../../shared/api.js';
import { formatBytes, formatCount } from '../model/format.js';
import { useUiStore } from '../stores/uiStore.js';
import { previewPublish } from '../upload/publishFolder.js';
import { uploadFileList } from '../upload/startUpload.js';
import type { UploadPlace } from '../upload/uploadSender.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';

// One line a row: the headers run on in the row and show whole in its tooltip.
const ROW_HEIGHT = 26;

function PreviewTable({ preview }: { preview: PublishPreview }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: preview.rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="preview-table" role="table" aria-label="Files and their headers" data-testid="publish-preview">
      <div className="preview-row preview-head" role="row">
        <span role="columnheader">Key</span>
        <span role="columnheader" className="preview-size">
          Size
        </span>
        <span role="columnheader">Headers</span>
      </div>
      <div ref={scrollRef} className="preview-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = preview.rows[item.index];
            if (!row) return null;
            const headers = row.headers.join('\n');
            return (
              <div key={item.index} className="preview-row" role="row" data-testid="preview-row" data-key={row.key} style={{ transform: `translateY(${item.start}px)` }}>
                <span role="cell" className="preview-key" title={row.key}>
                  {row.key}
                </span>
                <span role="cell" className="preview-size">
                  {formatBytes(row.size)}
                </span>
                <span role="cell" className="preview-headers" title={headers}>
                  {row.rule !== undefined && <span className="preview-rule">rule {row.rule + 1}</span>}
                  {row.headers.join(' · ')}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Summary({ preview, place }: { preview: PublishPreview; place: UploadPlace }) {
  const ruled = preview.rows.some((r) => r.rule !== undefined);
  return (
    <p className="dialog-text">
      {formatCount(preview.files, 'file', 'files')} ({formatBytes(preview.bytes)}) to {place.bucket}/{place.prefix}
      {preview.folders > 0 && `, and ${formatCount(preview.folders, 'empty folder', 'empty folders')}`}.{' '}
      {ruled ? 'Headers from the bucket’s publishing rules; Content-Type from each name unless a rule sets it.' : 'No publishing rule matches these files (see Publishing rules… in the toolbar): each gets its Content-Type only.'}
    </p>
  );
}

export function PublishDialog({ files, place }: { files: File[]; place: UploadPlace }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    void previewPublish(files, place).then((result) => {
      if (!current) return;
      if (result.ok) setPreview(result.value);
      else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [files, place]);

  function publish(): void {
    closeDialog();
    uploadFileList(files, place);
  }

  const folder = files[0]?.webkitRelativePath.split('/')[0] ?? '';
  return (
    <Dialog title={folder ? `Publish ${folder}` : 'Publish'} onClose={closeDialog} wide="table" testId="publish-dialog">
      {preview ? (
        <>
          <Summary preview={preview} place={place} />
          <PreviewTable preview={preview} />
          {preview.truncated && <p className="hint">Showing the first {preview.rows.length.toLocaleString('en-US')} of {formatCount(preview.files, 'file', 'files')}.</p>}
        </>
      ) : (
        !error && <p className="dialog-text">Reading the folder…</p>
      )}
      <DialogError message={error} />
      <ActionButtons label="Publish" action="publish" onCancel={closeDialog} onAction={publish} disabled={!preview} />
    </Dialog>
  );
}
