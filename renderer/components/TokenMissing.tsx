// The whole page when the browser-hosted mode was opened without its token.
export function TokenMissing() {
  return (
    <main className="token-missing">
      <div className="token-card">
        <h1>Open Ferry from the address its host printed</h1>
        <p>
          This page needs the access token that Ferry’s host printed when it started, in an address like <code>http://127.0.0.1:PORT/?token=…</code>. Open that
          address as it is.
        </p>
        <p className="muted">The token keeps other pages and programs on this machine from using your accounts.</p>
      </div>
    </main>
  );
}
