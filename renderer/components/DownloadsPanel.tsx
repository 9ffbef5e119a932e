// The bottom panel: each download batch with its progress, where it lands, and how it ended.
import { memo } from 'react';
import { formatBytes, formatCount } from '../model/format.js';
import { useDownloadsStore } from '../stores/downloadsStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { ChevronIcon, CloseIcon, DownloadIcon, WarningIcon } from './icons.js';

// Enough failure sentences to see what went wrong; the rest are counted.
const FAILURES_SHOWN = 5;

const STATUS_TEXT = { active: 'Downloading', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;

const DownloadBatchRow = memo(function DownloadBatchRow({ batchId }: { batchId: string }) {
  const batch = useDownloadsStore((s) => s.batches[batchId]);
  const cancel = useDownloadsStore((s) => s.cancel);
  const dismiss = useDownloadsStore((s) => s.dismiss);
  if (!batch) return null;
  const fraction = batch.bytes > 0 ? Math.min(1, batch.bytesDone / batch.bytes) : batch.status === 'done' ? 1 : 0;
  const percent = Math.round(fraction * 100);
  const active = batch.status === 'active';

  return (
    <li className={`download-batch ${batch.status}`} data-testid="download-batch" data-status={batch.status} data-batch-id={batch.batchId}>
      <span className="download-icon" aria-hidden="true">
        {batch.status === 'failed' ? <WarningIcon /> : <DownloadIcon />}
      </span>
      <div className="download-main">
        <div className="download-line">
          <span className="download-label" title={[...batch.prefixes, ...batch.keys].join('\n')}>
            {batch.label}
          </span>
          <span className="download-status">{batch.cancelling ? 'Cancelling…' : active ? `${percent}%` : STATUS_TEXT[batch.status]}</span>
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-label={`Progress of ${batch.label}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <div className="download-meta">
          <span>
            {formatBytes(batch.bytesDone)} of {formatBytes(batch.bytes)} · {active ? formatCount(batch.files, 'file', 'files') : `${batch.filesDone.toLocaleString('en-US')} of ${formatCount(batch.files, 'file', 'files')}`}
          </span>
          <span className="download-folder" title={batch.folder}>
            to {batch.folder}
          </span>
        </div>
        {batch.retryNote && active && <div className="download-note">{batch.retryNote}</div>}
        {batch.failures.length > 0 && (
          <ul className="download-failures">
            {batch.failures.slice(0, FAILURES_SHOWN).map((f) => (
              <li key={f.item}>
                <span className="failure-item">{f.item}</span>: {f.error.message}
              </li>
            ))}
            {batch.failures.length > FAILURES_SHOWN && <li>and {formatCount(batch.failures.length - FAILURES_SHOWN, 'more failure', 'more failures')}</li>}
          </ul>
        )}
      </div>
      {/* No "download" in these buttons' names: the toolbar's Download stays the only button so called. */}
      {active ? (
        <button type="button" className="button small" onClick={() => void cancel(batch.batchId)} disabled={batch.cancelling}>
          Cancel
        </button>
      ) : (
        <button type="button" className="icon-button" onClick={() => dismiss(batch.batchId)} aria-label="Remove from list" title="Remove from list">
          <CloseIcon />
        </button>
      )}
    </li>
  );
});

export function DownloadsPanel() {
  const order = useDownloadsStore((s) => s.order);
  const activeCount = useDownloadsStore((s) => s.order.filter((id) => s.batches[id]?.status === 'active').length);
  const clearFinished = useDownloadsStore((s) => s.clearFinished);
  const open = useUiStore((s) => s.downloadsOpen);
  const setOpen = useUiStore((s) => s.setDownloadsOpen);
  const finished = order.length - activeCount;

  return (
    <section className={open ? 'downloads open' : 'downloads'} data-testid="downloads" aria-label="Downloads">
      <div className="downloads-header">
        <button type="button" className="icon-button panel-toggle" aria-expanded={open} aria-label={open ? 'Collapse panel' : 'Expand panel'} onClick={() => setOpen(!open)}>
          <ChevronIcon open={open} />
        </button>
        <h2 className="downloads-title">
          Downloads
        </h2>
        {order.length > 0 && <span className="badge">{activeCount > 0 ? `${activeCount} active` : order.length}</span>}
        <span className="spacer" />
        {finished > 0 && (
          <button type="button" className="link-button" onClick={clearFinished}>
            Clear finished
          </button>
        )}
      </div>
      {open && (
        <ul className="downloads-list">
          {order.length === 0 && <li className="downloads-empty">Downloads you start appear here.</li>}
          {order.map((id) => (
            <DownloadBatchRow key={id} batchId={id} />
          ))}
        </ul>
      )}
    </section>
  );
}
