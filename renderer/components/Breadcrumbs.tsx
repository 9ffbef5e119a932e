// Where the user is: the bucket, then one crumb per folder; each crumb opens its place.
import { useBrowserStore } from '../stores/browserStore.js';

export function Breadcrumbs() {
  const bucket = useBrowserStore((s) => s.location.bucket);
  const prefix = useBrowserStore((s) => s.location.prefix);
  const openPrefix = useBrowserStore((s) => s.openPrefix);
  const accountName = useBrowserStore((s) => s.account?.name ?? null);

  if (bucket === null) {
    return (
      <nav className="breadcrumbs" data-testid="breadcrumbs" aria-label="Location">
        <span className="crumb current">{accountName ? `Buckets of ${accountName}` : 'No account open'}</span>
      </nav>
    );
  }
  const segments = prefix === '' ? [] : prefix.slice(0, -1).split('/');
  const crumbs = [{ label: bucket, prefix: '' }, ...segments.map((label, i) => ({ label, prefix: `${segments.slice(0, i + 1).join('/')}/` }))];
  return (
    <nav className="breadcrumbs" data-testid="breadcrumbs" aria-label="Location">
      {crumbs.map((c, i) => {
        const last = i === crumbs.length - 1;
        return (
          <span key={c.prefix} className="crumb-wrap">
            {i > 0 && (
              <span className="crumb-separator" aria-hidden="true">
                /
              </span>
            )}
            <button type="button" className={last ? 'crumb current' : 'crumb'} aria-current={last ? 'location' : undefined} onClick={() => openPrefix(c.prefix)} title={c.prefix === '' ? bucket : c.prefix}>
              {c.label}
            </button>
          </span>
        );
      })}
    </nav>
  );
}
