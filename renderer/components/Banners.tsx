// Notes across the top of the window about the app itself (a keychain Ferry cannot use, a lost host)
// and about the folder shown (read from a replica, or kept from before while its endpoint is down).
import { formatDuration } from '../../shared/duration.js';
import { useConnectionStore } from '../connectionStore.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { useAccountsStore } from '../stores/accountsStore.js';
import { WarningIcon } from './icons.js';

// After this many failed attempts the host is likely gone or restarted, not just slow.
const FAILURES_BEFORE_HINT = 3;

export function ConnectionBanner() {
  const state = useConnectionStore((s) => s.state);
  const everOpened = useConnectionStore((s) => s.everOpened);
  const failures = useConnectionStore((s) => s.failures);
  if (state === 'open' || (state === 'connecting' && failures === 0)) return null;
  let message = "Lost the connection to Ferry's host. Reconnecting…";
  if (!everOpened && failures < FAILURES_BEFORE_HINT) message = "Connecting to Ferry's host…";
  // The host makes a new token each run, so after a restart only its new address works.
  else if (failures >= FAILURES_BEFORE_HINT) message = "Cannot reach Ferry's host; still trying. If it was restarted, open the new address it printed (the one with ?token=…).";
  return (
    <div className="banner warning" role="status">
      <WarningIcon />
      <span>{message}</span>
    </div>
  );
}

export function KeychainBanner() {
  const keychain = useAccountsStore((s) => s.appInfo?.keychain);
  if (!keychain || keychain.available) return null;
  const message = keychain.message ?? 'The system keychain is not available, so Ferry cannot store secrets.';
  // The host's sentence may already say what still works; say it once.
  const stillWorks = /profile/i.test(message) ? '' : ' Accounts from AWS environment variables and ~/.aws profiles still work.';
  return (
    <div className="banner" role="note">
      <WarningIcon />
      <span>
        {message}
        {stillWorks}
      </span>
    </div>
  );
}

/** The folder shown did not come from its bucket's endpoint: where it came from, and why. */
export function ListingServedBanner() {
  const served = useBrowserStore((s) => s.listingServed);
  if (!served) return null;
  const message =
    served.by === 'replica'
      ? `${served.because} Showing the replica, ${served.location}.`
      : `${served.because} Showing this folder as it was listed ${formatDuration((Date.now() - served.at) / 1000)} ago (${new Date(served.at).toLocaleString()}); it may have changed since.`;
  return (
    <div className={`banner warning${served.by === 'cache' ? ' stale' : ''}`} role="status" data-testid="listing-served" data-by={served.by}>
      <WarningIcon />
      <span>{message}</span>
    </div>
  );
}
