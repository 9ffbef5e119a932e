// A modal dialog shell on the native <dialog>: the browser traps focus and makes the page behind it
// inert; Escape closes it through `onClose`, and focus goes back where it was.
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `table`: wide enough for a table of keys and headers. */
  wide?: boolean | 'table';
  testId?: string;
}

export function Dialog({ title, onClose, children, wide, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // React's autoFocus runs before the dialog is open (and so cannot focus); this marks the field instead.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog.close();
      previous?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role="dialog"
      aria-labelledby={titleId}
      className={wide === 'table' ? 'dialog dialog-table' : wide ? 'dialog dialog-wide' : 'dialog'}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** An error shown inside a dialog, next to what caused it. */
export function DialogError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="dialog-error" role="alert">
      {message}
    </p>
  );
}

/** Cancel and the dialog's action: a submit button (inside a form) unless `onAction` is given. `busy`: both wait. */
export function ActionButtons({ label, onCancel, onAction, disabled, busy, action, small }: { label: string; onCancel: () => void; onAction?: () => void; disabled?: boolean; busy?: boolean; action?: string; small?: boolean }) {
  const size = small ? 'button small' : 'button';
  return (
    <div className="dialog-buttons">
      <span className="spacer" />
      <button type="button" className={size} onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <button type={onAction ? 'button' : 'submit'} className={`${size} primary`} data-action={action} onClick={onAction} disabled={busy || disabled}>
        {label}
      </button>
    </div>
  );
}

/** Cancel (focused first, so Enter does not destroy by accident) and a destructive action. */
export function DangerButtons({ action, onCancel, onConfirm, busy }: { action: string; onCancel: () => void; onConfirm: () => void; busy: boolean }) {
  return (
    <div className="dialog-buttons">
      <span className="spacer" />
      <button type="button" className="button" onClick={onCancel} data-autofocus>
        Cancel
      </button>
      <button type="button" className="button danger" onClick={onConfirm} disabled={busy}>
        {action}
      </button>
    </div>
  );
}
