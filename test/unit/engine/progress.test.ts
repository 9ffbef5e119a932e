import { describe, expect, it } from 'vitest';
import type { TransferEvent } from '../../../shared/transfer.js';
import { ProgressHub, TransferMeter } from '../../../electron/engine/progress.js';

function meterWith(events: TransferEvent[], intervalMs = 20) {
  const hub = new ProgressHub((e) => events.push(e), intervalMs);
  const meter = new TransferMeter(hub, { id: 't1', kind: 'upload', bucket: 'b', key: 'k', localPath: '/f' });
  return { hub, meter };
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('progress', () => {
  it('batches 10,000 part updates into a few events carrying only changed segments', async () => {
    const events: TransferEvent[] = [];
    const { meter } = meterWith(events);
    meter.setStatus('active');
    meter.plan(10_000 * 10, Array.from({ length: 10_000 }, (_, i) => ({ offset: i * 10, length: 10 })));
    for (let i = 0; i < 10_000; i++) {
      meter.segmentStatus(i, 'active');
      meter.addBytes(i, 10);
      meter.segmentStatus(i, 'done');
    }
    await waitFor(() => events.length > 0);
    expect(events.length).toBe(1);
    const event = events[0];
    if (event?.type !== 'progress') throw new Error('expected progress');
    expect(event.transfer.bytesDone).toBe(100_000);
    expect(event.segments).toHaveLength(10_000);
    meter.addBytes(5, 0);
    await waitFor(() => events.length > 1);
    const second = events[1];
    if (second?.type !== 'progress') throw new Error('expected progress');
    expect(second.segments.map((s) => s.index)).toEqual([5]);
  });

  it('refuses transitions that the state machine does not allow', () => {
    const { meter } = meterWith([]);
    meter.setStatus('active');
    meter.setStatus('done');
    expect(() => meter.setStatus('active')).toThrow(/done → active/);
  });

  it('counts attempts per segment and takes failed bytes back', () => {
    const { meter, hub } = meterWith([], 10_000);
    meter.plan(100, [{ offset: 0, length: 100 }]);
    meter.segmentStatus(0, 'active');
    meter.addBytes(0, 60);
    meter.segmentStatus(0, 'retrying');
    meter.addBytes(0, -60);
    meter.segmentStatus(0, 'active');
    meter.addBytes(0, 100);
    const [segment] = meter.takeChangedSegments();
    expect(segment).toMatchObject({ attempts: 2, bytesDone: 100, status: 'active' });
    expect(meter.summary().bytesDone).toBe(100);
    hub.flush();
  });

  it('does not send every planned segment: a 1 TiB plan reports none until they change', async () => {
    const events: TransferEvent[] = [];
    const { meter } = meterWith(events);
    meter.setStatus('active');
    const segments = Array.from({ length: 10_000 }, (_, i) => ({ offset: i * 110 * 1024 * 1024, length: 110 * 1024 * 1024 }));
    meter.plan(10_000 * 110 * 1024 * 1024, segments, 110 * 1024 * 1024);
    meter.segmentStatus(3, 'active');
    await waitFor(() => events.length > 0);
    const event = events[0];
    if (event?.type !== 'progress') throw new Error('expected progress');
    expect(event.transfer).toMatchObject({ segmentCount: 10_000, segmentSize: 110 * 1024 * 1024 });
    expect(event.segments.map((s) => s.index)).toEqual([3]);
  });
});

