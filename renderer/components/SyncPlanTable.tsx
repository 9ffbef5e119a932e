// A sync plan's rows as a virtualized table (20,000 rows scroll with only the visible ones in the
// DOM): the action, the path below the folder and the prefix, why, and the size.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { SyncPlanRow } from '../../shared/api.js';
import { formatBytes } from '../model/format.js';

// One line a row, as the publish preview's: the reason runs on and shows whole in its tooltip.
const ROW_HEIGHT = 26;

export function SyncPlanTable({ rows }: { rows: readonly SyncPlanRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="preview-table" role="table" aria-label="Planned actions" data-testid="sync-plan">
      <div className="sync-row preview-head" role="row">
        <span role="columnheader">Action</span>
        <span role="columnheader">Path</span>
        <span role="columnheader">Why</span>
        <span role="columnheader" className="preview-size">
          Size
        </span>
      </div>
      <div ref={scrollRef} className="preview-scroll">
        {rows.length === 0 && <p className="sync-empty">Nothing here.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div key={item.index} className="sync-row" role="row" data-testid="sync-row" data-kind={row.kind} data-path={row.path} style={{ transform: `translateY(${item.start}px)` }}>
                <span role="cell">
                  <span className={`sync-kind ${row.kind}`}>{row.kind}</span>
                </span>
                <span role="cell" className="preview-key" title={row.path}>
                  {row.path}
                </span>
                <span role="cell" className="preview-headers" title={row.reason}>
                  {row.reason}
                </span>
                <span role="cell" className="preview-size">
                  {row.kind === 'folder' ? '' : formatBytes(row.size)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
