// The queue panel's list, flattened for the virtualizer: each group row followed by its rows in
// queue order (unless the group is collapsed). Rebuilt only when rows come, go or move, or a group
// opens or closes; never on progress.
import type { Keyed } from './selection.js';

export type QueueListItem = { kind: 'group'; batchId: string } | { kind: 'row'; id: string; batchId: string; /** Its place among the rows shown, for selection. */ rowIndex: number };

export interface QueueLayout {
  items: QueueListItem[];
  /** The rows shown, in order: what a Shift+click range runs over. */
  rows: Keyed[];
}

export function queueLayout(order: readonly string[], batchOf: (id: string) => string | undefined, groupOrder: readonly string[], collapsed: ReadonlySet<string>): QueueLayout {
  const byGroup = new Map<string, string[]>();
  for (const id of order) {
    const batchId = batchOf(id);
    if (batchId === undefined) continue;
    let ids = byGroup.get(batchId);
    if (!ids) {
      ids = [];
      byGroup.set(batchId, ids);
    }
    ids.push(id);
  }
  const items: QueueListItem[] = [];
  const rows: Keyed[] = [];
  for (const batchId of groupOrder) {
    items.push({ kind: 'group', batchId });
    if (collapsed.has(batchId)) continue;
    for (const id of byGroup.get(batchId) ?? []) {
      items.push({ kind: 'row', id, batchId, rowIndex: rows.length });
      rows.push({ key: id });
    }
  }
  return { items, rows };
}

/** Where a group with this creation time goes among groups ordered oldest first (new groups usually go last). */
export function groupInsertIndex(groupOrder: readonly string[], createdAtOf: (batchId: string) => number, createdAt: number): number {
  let at = groupOrder.length;
  while (at > 0 && createdAtOf(groupOrder[at - 1] as string) > createdAt) at--;
  return at;
}
