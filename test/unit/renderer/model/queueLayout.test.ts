import { describe, expect, it } from 'vitest';
import { groupInsertIndex, queueLayout } from '../../../../renderer/model/queueLayout.js';

describe('queueLayout', () => {
  const batchOf = (id: string) => id.split(':')[0];

  it('puts each group row before its rows, in queue order, and leaves out the rows of a closed group', () => {
    const order = ['b:1', 'a:1', 'b:2', 'a:2'];
    const { items, rows } = queueLayout(order, batchOf, ['a', 'b'], new Set(['b']));
    expect(items.map((i) => (i.kind === 'group' ? `[${i.batchId}]` : i.id))).toEqual(['[a]', 'a:1', 'a:2', '[b]']);
    expect(rows.map((r) => r.key)).toEqual(['a:1', 'a:2']);
    const open = queueLayout(order, batchOf, ['a', 'b'], new Set());
    expect(open.items.filter((i) => i.kind === 'row').map((i) => (i.kind === 'row' ? i.rowIndex : -1))).toEqual([0, 1, 2, 3]);
  });

  it('places a new group by its creation time, usually last', () => {
    const created: Record<string, number> = { a: 1, b: 5, c: 9 };
    const of = (id: string) => created[id] ?? 0;
    expect(groupInsertIndex(['a', 'b', 'c'], of, 10)).toBe(3);
    expect(groupInsertIndex(['a', 'b', 'c'], of, 6)).toBe(2);
    expect(groupInsertIndex([], of, 6)).toBe(0);
  });
});
