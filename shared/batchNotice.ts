// What a system notification says when a batch ends: the same words in Electron (main process)
// and in a browser (the renderer's Notification API).

import type { BatchEvent } from './api.js';
import { heldLine, syncedLine } from './syncText.js';

// The failed items a notification names before it counts the rest.
const NAMED = 3;

/** The notice for a batch that took at least `afterSeconds` (0: never notify), else undefined. */
export function batchNotice(event: BatchEvent, afterSeconds: number): { title: string; body: string } | undefined {
  if (afterSeconds <= 0 || event.seconds < afterSeconds) return undefined;
  const verb = event.sync ? 'Sync' : event.kind === 'upload' ? 'Upload' : 'Download';
  // A sync says what it did in all; its deletions held are news even when nothing failed.
  const files = event.sync
    ? [syncedLine(event.sync), ...(event.sync.deletionsHeld > 0 ? [heldLine(event.sync.deletionsHeld, event.sync.heldBecause)] : [])].join('\n')
    : `${event.done} of ${event.files} file${event.files === 1 ? '' : 's'}`;
  if (event.status === 'done') return { title: `${verb} finished`, body: `${event.label}: ${files}` };
  if (event.status === 'cancelled') return { title: `${verb} cancelled`, body: `${event.label}: ${files}` };
  const named = event.failures.slice(0, NAMED).map((f) => `${f.item}: ${f.error.message}`);
  const more = event.failures.length > NAMED ? [`and ${event.failures.length - NAMED} more`] : [];
  return { title: `${verb} failed`, body: [`${event.label}: ${files}`, ...named, ...more].join('\n') };
}
