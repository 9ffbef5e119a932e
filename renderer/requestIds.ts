// Ids the page gives its long requests (a listing, a sync's comparison), so it can stop them by name.

/** A random id. crypto.randomUUID exists only in secure contexts; a host reached over plain http on a LAN address is not one. */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
