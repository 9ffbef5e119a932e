// Questions about targets that exist (policy 'ask'), oldest first: the conflict dialog shows one at
// a time, the next as soon as one is answered. A question waits while another dialog is open, and
// shows when it closes.
import { create } from 'zustand';
import type { ConflictEvent } from '../../shared/api.js';
import type { ConflictAction, TransferConflict } from '../../shared/transfer.js';
import { call } from '../bridge.js';
import { reportError, useUiStore } from './uiStore.js';

export interface PendingConflict {
  conflictId: string;
  batchId: string;
  conflict: TransferConflict;
}

interface ConflictStore {
  pending: PendingConflict[];
  receive: (event: ConflictEvent) => void;
  /** `applyToAll`: the same answer for the batch's later conflicts, and for those of it already waiting here. */
  answer: (conflictId: string, action: ConflictAction, applyToAll: boolean) => Promise<void>;
}

/** Opens the conflict dialog when a question waits and no dialog is open. */
function showWhenFree(): void {
  const ui = useUiStore.getState();
  if (ui.dialog === null && useConflictStore.getState().pending.length > 0) ui.openDialog({ kind: 'conflict' });
}

export const useConflictStore = create<ConflictStore>()((set, get) => ({
  pending: [],

  receive: (event) => {
    if (event.type === 'conflictClosed') {
      set((s) => ({ pending: s.pending.filter((c) => c.conflictId !== event.conflictId) }));
      return;
    }
    if (get().pending.some((c) => c.conflictId === event.conflictId)) return;
    set((s) => ({ pending: [...s.pending, { conflictId: event.conflictId, batchId: event.batchId, conflict: event.conflict }] }));
    showWhenFree();
  },

  answer: async (conflictId, action, applyToAll) => {
    const answered = get().pending.find((c) => c.conflictId === conflictId);
    if (!answered) return;
    const same = applyToAll ? get().pending.filter((c) => c.batchId === answered.batchId && c !== answered) : [];
    const gone = new Set([answered, ...same]);
    set((s) => ({ pending: s.pending.filter((c) => !gone.has(c)) }));
    const asked = [answered, ...same];
    const results = await Promise.all(asked.map((c) => call('transfers.answerConflict', { conflictId: c.conflictId, action, applyToAll: c === answered ? applyToAll : undefined })));
    // An answer that did not arrive (the connection dropped) leaves its transfer waiting: ask again.
    const unanswered = asked.filter((_, i) => !results[i]?.ok);
    for (const result of results) if (!result.ok) reportError(result.error);
    if (unanswered.length > 0) {
      set((s) => ({ pending: [...unanswered, ...s.pending.filter((c) => !unanswered.some((u) => u.conflictId === c.conflictId))] }));
      showWhenFree();
    }
  },
}));

/** Shows waiting questions whenever the dialog slot frees up; returns a function that stops. */
export function showConflictsWhenFree(): () => void {
  return useUiStore.subscribe((s, before) => {
    if (before.dialog !== null && s.dialog === null) showWhenFree();
  });
}
