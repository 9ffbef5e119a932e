// Makes a presigned link for one object with a chosen lifetime, and copies it.
import { useEffect, useRef, useState } from 'react';
import { formatIsoDateTime } from '../model/format.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Dialog, DialogError } from './Dialog.js';

// S3 presigned URLs live at most 7 days.
const EXPIRY_CHOICES = [
  { label: '1 hour', seconds: 3_600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
];

type LinkState = { state: 'making' } | { state: 'ready'; url: string; expires: string } | { state: 'failed'; message: string };

/** The clipboard API needs a secure context; a plain-http LAN host falls back to the older copy command. */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.select();
    return document.execCommand('copy');
  }
}

export function ShareLinkDialog({ objectKey }: { objectKey: string }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const showNotice = useUiStore((s) => s.showNotice);
  const shareUrl = useBrowserStore((s) => s.shareUrl);
  const [seconds, setSeconds] = useState(3_600);
  const [link, setLink] = useState<LinkState>({ state: 'making' });
  const urlRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let current = true;
    setLink({ state: 'making' });
    void shareUrl(objectKey, seconds).then((result) => {
      if (!current) return;
      setLink(result.ok ? { state: 'ready', ...result.value } : { state: 'failed', message: result.error.message });
    });
    return () => {
      current = false;
    };
  }, [objectKey, seconds, shareUrl]);

  async function copy(): Promise<void> {
    if (link.state !== 'ready') return;
    if (await copyText(link.url, urlRef.current)) showNotice('Link copied.');
    else setLink({ state: 'failed', message: 'Could not copy to the clipboard; select the link and copy it by hand.' });
  }

  return (
    <Dialog title="Share link" onClose={closeDialog} wide>
      <p className="dialog-text">
        Anyone with this link can download <strong>{objectKey.slice(objectKey.lastIndexOf('/') + 1)}</strong> until it expires.
      </p>
      <div className="form">
        <div className="field">
          <label htmlFor="share-expiry">Expires after</label>
          <select id="share-expiry" data-autofocus value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="share-url">Link</label>
          <input id="share-url" ref={urlRef} readOnly value={link.state === 'ready' ? link.url : ''} placeholder={link.state === 'making' ? 'Making link…' : ''} onFocus={(e) => e.target.select()} spellCheck={false} />
          {link.state === 'ready' && <span className="hint">Valid until {formatIsoDateTime(link.expires)}</span>}
        </div>
        <DialogError message={link.state === 'failed' ? link.message : null} />
      </div>
      <div className="dialog-buttons">
        <span className="spacer" />
        <button type="button" className="button" onClick={closeDialog}>
          Close
        </button>
        <button type="button" className="button primary" onClick={() => void copy()} disabled={link.state !== 'ready'}>
          Copy link
        </button>
      </div>
    </Dialog>
  );
}
