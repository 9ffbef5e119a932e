import { describe, expect, it } from 'vitest';
import { GRAPH_SECONDS, ThroughputHistory, graphCeiling } from '../../../../renderer/model/throughput.js';

const T0 = 1_700_000_000_000;
const at = (seconds: number, ms = 0) => T0 + seconds * 1000 + ms;

describe('ThroughputHistory', () => {
  it('counts the differences of each row into per-second buckets, for the queue and per row', () => {
    const h = new ThroughputHistory();
    h.record('a', 100, at(0, 100));
    h.record('a', 300, at(0, 600));
    h.record('b', 50, at(0, 700));
    h.record('a', 1300, at(1, 200));
    const queue = h.queueSeries(at(2));
    expect(queue).toHaveLength(GRAPH_SECONDS);
    // The series ends with the last complete second.
    expect(queue.slice(-2)).toEqual([350, 1000]);
    expect(h.rowSeries('a', at(2)).slice(-2)).toEqual([300, 1000]);
    expect(h.rowSeries('b', at(2)).slice(-2)).toEqual([50, 0]);
    expect(h.rowSeries('unknown', at(2)).every((v) => v === 0)).toBe(true);
  });

  it('does not count what a resumed row had done before, nor bytes taken back', () => {
    const h = new ThroughputHistory();
    h.baseline('a', 5_000);
    h.record('a', 5_400, at(0));
    // A failed attempt's bytes are taken back: nothing moved; what moves after counts from there.
    h.record('a', 5_100, at(0, 500));
    h.record('a', 5_300, at(0, 900));
    expect(h.queueSeries(at(1)).at(-1)).toBe(600);
    h.baseline('a', 0); // ignored once the row has been seen
    h.record('a', 5_400, at(1));
    expect(h.queueSeries(at(2)).at(-1)).toBe(100);
  });

  it('forgets seconds older than the window, and rows that moved nothing in it', () => {
    const h = new ThroughputHistory();
    h.record('a', 10, at(0));
    h.record('b', 10, at(0));
    h.record('b', 20, at(GRAPH_SECONDS + 5));
    expect(h.queueSeries(at(GRAPH_SECONDS + 6)).reduce((x, y) => x + y, 0)).toBe(10);
    h.prune(at(GRAPH_SECONDS + 6));
    expect(h.rowSeries('a', at(GRAPH_SECONDS + 6)).reduce((x, y) => x + y, 0)).toBe(0);
    expect(h.rowSeries('b', at(GRAPH_SECONDS + 6)).at(-1)).toBe(10);
    // Long after, the ring holds nothing old.
    expect(h.queueSeries(at(3 * GRAPH_SECONDS)).every((v) => v === 0)).toBe(true);
    h.forget('b');
    expect(h.rowSeries('b', at(GRAPH_SECONDS + 6)).every((v) => v === 0)).toBe(true);
  });

  it('rounds the graph top up to 1, 2 or 5 of a binary unit', () => {
    expect(graphCeiling(0)).toBe(1024);
    expect(graphCeiling(1500)).toBe(2 * 1024);
    expect(graphCeiling(3.2 * 1024 * 1024)).toBe(5 * 1024 * 1024);
    expect(graphCeiling(120 * 1024 * 1024)).toBe(200 * 1024 * 1024);
    expect(graphCeiling(1000 * 1024)).toBe(1000 * 1024);
  });
});
