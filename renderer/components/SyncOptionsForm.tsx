// Synchronize…'s first step: which way, the local folder (in the download folder, or chosen in the
// system's dialog in the desktop app), compare contents, delete what is not on the source (with
// what that means), and what to leave out. Compare asks the host for the plan; nothing changes yet.
import { DELETE_OPTION, EXCLUDE_OPTION } from '../../shared/syncText.js';
import { s3Url } from '../model/syncPlanView.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { useSyncStore, type SyncPlace } from '../stores/syncStore.js';
import { ActionButtons, DialogError } from './Dialog.js';
import { WarningIcon } from './icons.js';

function DirectionChoice({ remote, disabled }: { remote: string; disabled: boolean }) {
  const direction = useSyncStore((s) => s.options.direction);
  const setOptions = useSyncStore((s) => s.setOptions);
  const choices = [
    { value: 'up', verb: 'Upload', route: `this folder → ${remote}`, hint: 'the prefix is made like the folder' },
    { value: 'down', verb: 'Download', route: `${remote} → this folder`, hint: 'the folder is made like the prefix' },
  ] as const;
  return (
    <fieldset className="sync-direction" disabled={disabled}>
      <legend className="field-label">Direction</legend>
      {choices.map((c) => (
        <label key={c.value} className="radio-choice">
          <input type="radio" name="sync-direction" value={c.value} checked={direction === c.value} onChange={() => setOptions({ direction: c.value })} />
          <span>
            <strong>{c.verb}</strong>: {c.route}
            <span className="hint"> — {c.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function FolderField({ disabled }: { disabled: boolean }) {
  const folder = useSyncStore((s) => s.options.folder);
  const down = useSyncStore((s) => s.options.direction === 'down');
  const { setOptions, chooseFolder } = useSyncStore.getState();
  const downloadFolder = useAccountsStore((s) => s.appInfo?.downloadFolder ?? '');
  const electron = useAccountsStore((s) => s.appInfo?.mode === 'electron');
  return (
    <div className="field">
      <label htmlFor="sync-folder">Local folder</label>
      <div className="field-row">
        <input id="sync-folder" value={folder} spellCheck={false} disabled={disabled} onChange={(e) => setOptions({ folder: e.target.value })} data-autofocus />
        {electron && (
          <button type="button" className="button" disabled={disabled} onClick={() => void chooseFolder()}>
            Choose…
          </button>
        )}
      </div>
      <span className="hint">
        A name is a folder in {downloadFolder}, where downloads go{down ? '; it is made if missing' : ''}.
      </span>
    </div>
  );
}

function DeleteOption({ remote, disabled }: { remote: string; disabled: boolean }) {
  const checked = useSyncStore((s) => s.options.delete);
  const up = useSyncStore((s) => s.options.direction === 'up');
  const setOptions = useSyncStore((s) => s.setOptions);
  const what = up ? `Objects below ${remote} that are not in the folder` : `Files in the folder that are not below ${remote}`;
  return (
    <div className="field-check">
      <input id="sync-delete" type="checkbox" checked={checked} disabled={disabled} onChange={(e) => setOptions({ delete: e.target.checked })} />
      <label htmlFor="sync-delete">{DELETE_OPTION}</label>
      {checked ? (
        <p className="sync-warning" data-testid="sync-delete-warning">
          <WarningIcon />
          <span>
            {what} are deleted. The comparison lists each one first; they are deleted last, and not at all if a transfer fails.
          </span>
        </p>
      ) : (
        <span className="hint">Off: what is only on the target is kept.</span>
      )}
    </div>
  );
}

export function SyncOptionsForm({ place, onCancel }: { place: SyncPlace; onCancel: () => void }) {
  const options = useSyncStore((s) => s.options);
  const comparing = useSyncStore((s) => s.step === 'comparing');
  const error = useSyncStore((s) => s.error);
  const { setOptions, compare } = useSyncStore.getState();
  const remote = s3Url(place.bucket, place.prefix);

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void compare();
      }}
    >
      <DirectionChoice remote={remote} disabled={comparing} />
      <FolderField disabled={comparing} />
      <div className="field-check">
        <input id="sync-checksum" type="checkbox" checked={options.checksum} disabled={comparing} onChange={(e) => setOptions({ checksum: e.target.checked })} />
        <label htmlFor="sync-checksum">Compare contents (checksum)</label>
        <span className="hint">Reads each local file whose size matches and compares it with the object’s MD5 (or multipart ETag); nothing is downloaded. Off: size and modification time.</span>
      </div>
      <DeleteOption remote={remote} disabled={comparing} />
      <div className="field">
        <label htmlFor="sync-exclude">{EXCLUDE_OPTION}</label>
        <textarea id="sync-exclude" rows={3} value={options.exclude} spellCheck={false} disabled={comparing} onChange={(e) => setOptions({ exclude: e.target.value })} />
        <span className="hint">One glob a line, left out on both sides; without “/” it matches a name at any depth, e.g. *.tmp or node_modules.</span>
      </div>
      {comparing && (
        <p className="dialog-text" role="status">
          Comparing {options.folder} and {remote}…
        </p>
      )}
      <DialogError message={error} />
      <ActionButtons label={comparing ? 'Comparing…' : 'Compare'} action="sync-compare" onCancel={onCancel} disabled={comparing || options.folder.trim() === ''} />
    </form>
  );
}
