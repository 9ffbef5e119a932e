// Asks what to do with a target that already exists (the policy is 'ask'): says which one, both
// sizes and dates, and takes Overwrite, Skip, Rename or Overwrite if different, for this item or
// (Apply to all) every later one of its batch. Questions come one after another; Escape skips.
import { useEffect, useRef, useState } from 'react';
import type { ConflictAction, TransferConflict } from '../../shared/transfer.js';
import { formatBytes, formatCount, formatDateTime } from '../model/format.js';
import { baseName } from '../model/queueText.js';
import { useConflictStore, type PendingConflict } from '../stores/conflictStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Dialog } from './Dialog.js';

const ACTIONS: { action: ConflictAction; label: string; hint: string }[] = [
  { action: 'overwrite', label: 'Overwrite', hint: 'Replace what is there.' },
  { action: 'skip', label: 'Skip', hint: 'Leave it as it is; this item is not transferred.' },
  { action: 'rename', label: 'Rename', hint: 'Keep both: the new one gets a numbered name.' },
  { action: 'different', label: 'Overwrite if different', hint: 'Replace it only if size or checksum differ.' },
];

function Side({ title, side }: { title: string; side: TransferConflict['existing'] }) {
  return (
    <div className="conflict-side">
      <div className="conflict-side-title">{title}</div>
      <div className="conflict-size">{formatBytes(side.size)}</div>
      <div className="muted">{side.modified !== undefined ? `modified ${formatDateTime(side.modified)}` : 'date unknown'}</div>
    </div>
  );
}

function ConflictQuestion({ pending, more }: { pending: PendingConflict; more: number }) {
  const answer = useConflictStore((s) => s.answer);
  const [applyToAll, setApplyToAll] = useState(false);
  const buttons = useRef<HTMLDivElement>(null);
  const { conflict } = pending;

  // The next question replaces the buttons the last answer was given with: the keyboard goes to its Skip.
  useEffect(() => {
    buttons.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, []);
  const upload = conflict.kind === 'upload';

  return (
    <>
      <p className="dialog-text">
        {upload ? 'The bucket already has an object at ' : 'The download folder already has a file at '}
        <code className="conflict-target" data-testid="conflict-target">
          {conflict.target}
        </code>
        .
      </p>
      <div className="conflict-sides">
        <Side title={upload ? 'In the bucket' : 'On this computer'} side={conflict.existing} />
        <Side title={upload ? 'Being uploaded' : 'Being downloaded'} side={conflict.incoming} />
      </div>
      <div className="field-check conflict-all">
        <input id="conflict-apply-all" type="checkbox" data-testid="apply-to-all" checked={applyToAll} onChange={(e) => setApplyToAll(e.target.checked)} />
        <label htmlFor="conflict-apply-all">Apply to all conflicts of this batch</label>
        {more > 0 && <span className="hint">{formatCount(more, 'more question waits', 'more questions wait')} after this one.</span>}
      </div>
      <div ref={buttons} className="dialog-buttons conflict-buttons">
        {ACTIONS.map(({ action, label, hint }) => (
          <button
            key={action}
            type="button"
            className={action === 'skip' ? 'button primary' : 'button'}
            data-action={action}
            title={hint}
            // Skip first for Enter: it is the one answer that changes nothing.
            data-autofocus={action === 'skip' ? true : undefined}
            onClick={() => void answer(pending.conflictId, action, applyToAll)}
          >
            {label}
          </button>
        ))}
      </div>
    </>
  );
}

export function ConflictDialog() {
  const head = useConflictStore((s) => s.pending[0]);
  const waiting = useConflictStore((s) => s.pending.length);
  const closeDialog = useUiStore((s) => s.closeDialog);
  const answer = useConflictStore((s) => s.answer);

  // Answered or closed by the host, with nothing more to ask: the dialog goes.
  useEffect(() => {
    if (!head) closeDialog();
  }, [head, closeDialog]);
  if (!head) return null;

  return (
    <Dialog title={`“${baseName(head.conflict.key)}” already exists`} onClose={() => void answer(head.conflictId, 'skip', false)} wide testId="conflict-dialog">
      {/* Keyed by question, so Apply to all starts unchecked for each. */}
      <ConflictQuestion key={head.conflictId} pending={head} more={waiting - 1} />
    </Dialog>
  );
}
