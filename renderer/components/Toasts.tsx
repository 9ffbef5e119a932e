// Messages in the corner: header changes under way or ended, errors (role="alert", kept until
// dismissed) and short notices.
import { useHeaderChangeStore } from '../stores/headerChangeStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { HeaderChangeJobs } from './HeaderChangeJobs.js';
import { CloseIcon, WarningIcon } from './icons.js';

export function Toasts() {
  const toasts = useUiStore((s) => s.toasts);
  const dismiss = useUiStore((s) => s.dismissToast);
  const jobs = useHeaderChangeStore((s) => s.shown.length);
  if (toasts.length === 0 && jobs === 0) return null;
  return (
    <div className="toasts">
      <HeaderChangeJobs />
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          {t.tone === 'error' && <WarningIcon />}
          <span className="toast-message">{t.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
