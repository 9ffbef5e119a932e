// The line under the table: how many items (and whether more are still coming), and what is selected.
import { formatBytes, formatCount } from '../model/format.js';
import { useBrowserStore } from '../stores/browserStore.js';

function ListingStatus() {
  const inBucket = useBrowserStore((s) => s.location.bucket !== null);
  const state = useBrowserStore((s) => s.listingState);
  const total = useBrowserStore((s) => (s.location.bucket === null ? s.buckets.length : s.entries.length));
  const shown = useBrowserStore((s) => (s.location.bucket === null ? s.bucketView.length : s.objectView.length));
  const error = useBrowserStore((s) => s.listingError);
  const count = inBucket ? formatCount(total, 'item', 'items') : formatCount(total, 'bucket', 'buckets');
  const filtered = shown !== total ? ` (${formatCount(shown, 'shown', 'shown')})` : '';

  let text: string;
  if (state === 'idle') text = '';
  else if (state === 'listing') text = total === 0 ? 'Listing…' : `Listing… ${count}`;
  else if (state === 'error') text = total === 0 ? `Listing failed: ${error ?? ''}` : `Listing stopped after ${count}: ${error ?? ''}`;
  else text = count + filtered;

  return (
    <span className={`listing-status ${state}`} data-testid="listing-status" aria-live="polite">
      {state === 'listing' && <span className="spinner" aria-hidden="true" />}
      {text}
    </span>
  );
}

function SelectionSummary() {
  const summary = useBrowserStore((s) => {
    if (s.location.bucket === null || s.selection.selected.size === 0) return '';
    // Sizes are summed only for a selection small enough to scan on every change.
    let bytes = 0;
    let files = 0;
    if (s.selection.selected.size <= 10_000) {
      for (const e of s.objectView) {
        if (e.kind === 'file' && s.selection.selected.has(e.key)) {
          bytes += e.size;
          files++;
        }
      }
    }
    return `${formatCount(s.selection.selected.size, 'selected', 'selected')}${files > 0 ? ` · ${formatBytes(bytes)}` : ''}`;
  });
  return <span className="selection-summary">{summary}</span>;
}

export function StatusBar() {
  return (
    <div className="status-bar">
      <ListingStatus />
      <SelectionSummary />
    </div>
  );
}
