// An open row's piece map: one small cell per segment (upload part, download range), coloured by
// its state, an active one filled as far as its bytes. Cells are rendered in blocks that re-render
// only when one of their segments changed, so 10,000 cells cost a few blocks per progress event.
import { memo, type CSSProperties } from 'react';
import type { TransferKind } from '../../shared/transfer.js';
import { formatBytes, formatCount } from '../model/format.js';
import { SEGMENT_BLOCK, segmentCell, segmentCounts, type SegmentMapState } from '../model/segmentMap.js';
import { useQueueStore } from '../stores/queueStore.js';

/** Smaller cells the more there are, so even S3's 10,000 parts fit a few hundred pixels. */
function cellSize(count: number): 'large' | 'medium' | 'small' {
  if (count <= 300) return 'large';
  if (count <= 2_000) return 'medium';
  return 'small';
}

const SegmentBlock = memo(function SegmentBlock({ reported, block, count, kind }: { reported: SegmentMapState['reported']; block: number; count: number; stamp: number; kind: TransferKind }) {
  const first = block * SEGMENT_BLOCK;
  const last = Math.min(count, first + SEGMENT_BLOCK);
  const what = kind === 'upload' ? 'Part' : 'Range';
  const cells = [];
  for (let index = first; index < last; index++) {
    const cell = segmentCell(reported, index);
    const moving = cell.status === 'active' || cell.status === 'retrying';
    const percent = Math.round(cell.fill * 100);
    cells.push(
      <span
        key={index}
        className="segment"
        data-testid="segment"
        data-state={cell.status}
        title={`${what} ${index + 1}: ${cell.status}${moving ? ` ${percent}%` : ''}`}
        style={moving ? ({ '--fill': `${percent}%` } as CSSProperties) : undefined}
      />,
    );
  }
  return <>{cells}</>;
});

export function SegmentMap({ id, kind }: { id: string; kind: TransferKind }) {
  const map = useQueueStore((s) => s.segments.get(id));
  if (!map || map.count === 0) return <div className="segment-map-empty">Its {kind === 'upload' ? 'parts' : 'ranges'} show here once it starts.</div>;
  const counts = segmentCounts(map);
  const what = kind === 'upload' ? ['part', 'parts'] : ['range', 'ranges'];
  const summary = [
    `${counts.done.toLocaleString('en-US')} of ${formatCount(map.count, what[0] as string, what[1] as string)} done`,
    counts.active > 0 ? `${counts.active} active` : '',
    counts.retrying > 0 ? `${counts.retrying} retrying` : '',
    counts.failed > 0 ? `${counts.failed} failed` : '',
    map.size !== undefined && map.count > 1 ? `${formatBytes(map.size)} each` : '',
  ].filter(Boolean);
  return (
    <div className="segment-map-wrap">
      <div className="segment-map-summary">{summary.join(' · ')}</div>
      <div className={`segment-map ${cellSize(map.count)}`} data-testid="segment-map" role="img" aria-label={summary.join(', ')}>
        {map.stamps.map((stamp, block) => (
          <SegmentBlock key={block} reported={map.reported} block={block} count={map.count} stamp={stamp} kind={kind} />
        ))}
      </div>
    </div>
  );
}
