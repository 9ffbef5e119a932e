// The last five minutes of throughput, one point a second: the whole queue as a filled line, the
// selected row as a second line. Drawn by hand as SVG (two polylines need no chart library), and
// redrawn once a second from the queue store's history, not on every progress event.
import { useEffect, useState } from 'react';
import { formatRate } from '../model/format.js';
import { baseName } from '../model/queueText.js';
import { GRAPH_SECONDS, graphCeiling } from '../model/throughput.js';
import { useQueueStore } from '../stores/queueStore.js';

// The drawing's own units; the SVG stretches to its box (lines keep their width).
const WIDTH = GRAPH_SECONDS - 1;
const HEIGHT = 100;

function points(series: readonly number[], ceiling: number): string {
  return series.map((value, i) => `${i},${(HEIGHT - (Math.min(value, ceiling) / ceiling) * HEIGHT).toFixed(1)}`).join(' ');
}

export function ThroughputGraph() {
  const throughput = useQueueStore((s) => s.throughput);
  const cursor = useQueueStore((s) => s.selection.cursor);
  const cursorName = useQueueStore((s) => {
    const key = s.selection.cursor === null ? undefined : s.rows.get(s.selection.cursor)?.key;
    return key === undefined ? null : baseName(key);
  });
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => {
      const at = Date.now();
      throughput.prune(at);
      setNow(at);
    }, 1000);
    return () => clearInterval(timer);
  }, [throughput]);

  const queue = throughput.queueSeries(now);
  const row = cursor !== null && cursorName !== null ? throughput.rowSeries(cursor, now) : null;
  const ceiling = graphCeiling(Math.max(...queue, ...(row ?? [])));
  const queueLine = points(queue, ceiling);

  return (
    <figure className="throughput" data-testid="throughput-graph">
      <figcaption className="throughput-legend">
        <span className="legend queue-line-legend">
          <span className="swatch" aria-hidden="true" />
          Queue <strong>{formatRate(queue.at(-1) ?? 0)}</strong>
        </span>
        {row && (
          <span className="legend row-line-legend" title={cursorName ?? ''}>
            <span className="swatch" aria-hidden="true" />
            <span className="legend-name">{cursorName}</span> <strong>{formatRate(row.at(-1) ?? 0)}</strong>
          </span>
        )}
      </figcaption>
      <div className="throughput-plot">
        <span className="throughput-ceiling">{formatRate(ceiling)}</span>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Throughput over the last ${GRAPH_SECONDS / 60} minutes`}>
          <line className="grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} vectorEffect="non-scaling-stroke" />
          <polygon className="queue-area" points={`0,${HEIGHT} ${queueLine} ${WIDTH},${HEIGHT}`} />
          <polyline className="queue-series" points={queueLine} vectorEffect="non-scaling-stroke" />
          {row && <polyline className="row-series" points={points(row, ceiling)} vectorEffect="non-scaling-stroke" />}
        </svg>
        <span className="throughput-axis">
          <span>{GRAPH_SECONDS / 60} min ago</span>
          <span>now</span>
        </span>
      </div>
    </figure>
  );
}
