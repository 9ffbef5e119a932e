// The transfer settings: parts and files in flight, the bandwidth limit, what to do when a target
// exists, and when to notify. Each change is saved as soon as it is complete (running transfers
// take it at once), and a change made elsewhere shows here as it comes.
import { useEffect, useRef, useState } from 'react';
import type { AppSettings } from '../../shared/queue.js';
import type { IfExists } from '../../shared/transfer.js';
import { askNotificationPermission, notificationPermission, type NotificationPermissionState } from '../batchNotifications.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useSettingsStore } from '../stores/settingsStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Dialog, DialogError } from './Dialog.js';

const MIB = 1024 * 1024;
// A typed number is saved once typing pauses this long (or the field is left), not at each keystroke.
const SAVE_AFTER_MS = 600;

const IF_EXISTS: { value: IfExists; label: string }[] = [
  { value: 'ask', label: 'Ask each time' },
  { value: 'overwrite', label: 'Overwrite' },
  { value: 'skip', label: 'Skip' },
  { value: 'rename', label: 'Rename (keep both)' },
  { value: 'different', label: 'Overwrite if different' },
];

interface NumberFieldProps {
  id: string;
  label: string;
  hint: string;
  value: number;
  min: number;
  max: number;
  /** Whole numbers only, unless a step below 1 is given. */
  step?: number;
  save: (value: number) => void;
}

function NumberField({ id, label, hint, value, min, max, step = 1, save }: NumberFieldProps) {
  const [draft, setDraft] = useState(String(value));
  const [editing, setEditing] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The saved value, or another window's change, shows unless the person is typing here.
  useEffect(() => {
    if (!editing) setDraft(String(value));
  }, [value, editing]);

  const parse = (text: string): number | null => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (step >= 1 && !Number.isInteger(n))) return null;
    return n;
  };
  const commit = (text: string) => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const n = parse(text);
    if (n !== null && n !== value) save(n);
  };
  const valid = parse(draft) !== null;

  // A number still waiting to be saved when the dialog closes (Escape) is saved then.
  const flush = useRef<() => void>(() => undefined);
  flush.current = () => {
    if (timer.current !== undefined) commit(draft);
  };
  useEffect(() => () => flush.current(), []);

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={step >= 1 ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={step}
        value={draft}
        aria-invalid={!valid}
        aria-describedby={`${id}-hint`}
        onFocus={() => setEditing(true)}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(text), SAVE_AFTER_MS);
        }}
        onBlur={() => {
          setEditing(false);
          commit(draft);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(draft);
        }}
      />
      <span id={`${id}-hint`} className={valid ? 'hint' : 'hint invalid'}>
        {valid ? hint : `From ${min} to ${max.toLocaleString('en-US')}.`}
      </span>
    </div>
  );
}

function NotificationPermissionField() {
  const [permission, setPermission] = useState<NotificationPermissionState>(notificationPermission);
  const text: Record<NotificationPermissionState, string> = {
    granted: 'This browser shows them.',
    denied: 'This browser blocks them; allow them in its site settings.',
    default: 'This browser has not been asked yet.',
    unsupported: 'This browser cannot show them here.',
  };
  return (
    <div className="field">
      <span className="field-label">Browser notifications</span>
      <span className="hint">
        {text[permission]}{' '}
        {permission === 'default' && (
          <button type="button" className="link-button" data-action="allow-notifications" onClick={() => void askNotificationPermission().then(setPermission)}>
            Allow
          </button>
        )}
      </span>
    </div>
  );
}

export function QueueSettingsDialog() {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const settings = useSettingsStore((s) => s.settings);
  const update = useSettingsStore((s) => s.update);
  const browserMode = useAccountsStore((s) => s.appInfo?.mode === 'browser');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!settings) void useSettingsStore.getState().load();
  }, [settings]);

  async function save(change: Partial<AppSettings>): Promise<void> {
    const result = await update(change);
    setError(result.ok ? null : result.error.message);
  }

  return (
    <Dialog title="Transfer settings" onClose={closeDialog} testId="settings-dialog">
      {!settings ? (
        <p className="dialog-text">Reading the settings…</p>
      ) : (
        <div className="form">
          <p className="dialog-text settings-intro">Changes apply at once, to running transfers too.</p>
          <div className="settings-grid">
            <NumberField id="setting-parts" label="Parts in flight" hint="Per file: parts (upload) or ranges (download) at once." value={settings.partsInFlight} min={1} max={64} save={(n) => void save({ partsInFlight: n })} />
            <NumberField id="setting-files" label="Files in flight" hint="Files of the queue moving at once." value={settings.filesInFlight} min={1} max={256} save={(n) => void save({ filesInFlight: n })} />
            <NumberField
              id="setting-bandwidth"
              label="Bandwidth limit (MiB/s)"
              hint="Up and down together; 0: no limit."
              value={Math.round((settings.bandwidthLimit / MIB) * 10) / 10}
              min={0}
              max={100 * 1024}
              step={0.1}
              save={(n) => void save({ bandwidthLimit: Math.round(n * MIB) })}
            />
            <NumberField id="setting-notify" label="Notify after (seconds)" hint="When a batch that took this long ends; 0: never." value={settings.notifyAfterSeconds} min={0} max={86_400} save={(n) => void save({ notifyAfterSeconds: n })} />
          </div>
          <div className="field">
            <label htmlFor="setting-if-exists">When a target exists</label>
            <select id="setting-if-exists" value={settings.ifExists} onChange={(e) => void save({ ifExists: e.target.value as IfExists })}>
              {IF_EXISTS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          {browserMode && <NotificationPermissionField />}
          <DialogError message={error} />
        </div>
      )}
      <div className="dialog-buttons">
        <span className="spacer" />
        <button type="button" className="button primary" onClick={closeDialog} data-autofocus>
          Done
        </button>
      </div>
    </Dialog>
  );
}
