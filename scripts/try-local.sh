#!/usr/bin/env bash
# `npm run try`: Ferry without an S3 account. Starts the local S3 server (OpenStack Swift on
# 127.0.0.1:18080, installed by scripts/install-system-deps.sh), makes a `demo` bucket with a few
# files, and opens the browser-hosted mode with that server as the "Environment" account (its
# test keys are passed as AWS_* variables to this process only; nothing is saved). When it ends,
# Ctrl+C included, it stops the server if it started it; a server that was already running stays.
set -euo pipefail
cd "$(dirname "$0")/.."

# `status` exits 0 only when our server is up and answering; otherwise `start` starts it (or
# restarts a half-running one), and it is ours to stop.
started_here=0
stop_server() {
  if [ "$started_here" = 1 ]; then bash scripts/s3-server.sh stop || true; fi
}
trap stop_server EXIT
# Ctrl+C reaches the app too; once it has exited, leave through the EXIT trap above.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
if ! bash scripts/s3-server.sh status >/dev/null 2>&1; then
  started_here=1
  bash scripts/s3-server.sh start
fi
eval "$(bash scripts/s3-server.sh env)"
export AWS_ACCESS_KEY_ID="$FERRY_TEST_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$FERRY_TEST_SECRET_KEY"
export AWS_ENDPOINT_URL="$FERRY_TEST_ENDPOINT" AWS_REGION="$FERRY_TEST_REGION"
# A few files to look at, once.
demo=.tmp/demo
if [ ! -d "$demo" ]; then
  mkdir -p "$demo/photos/2024 trip" "$demo/docs"
  printf 'Ferry demo\n' > "$demo/README.txt"
  head -c 3000000 /dev/urandom > "$demo/photos/2024 trip/sunset.raw"
  head -c 200000 /dev/urandom > "$demo/photos/cat.jpg"
  printf '# notes\n' > "$demo/docs/notes.md"
  npx tsx -e "
    import { S3Store } from './electron/engine/s3/store.ts';
    const store = new S3Store({ endpoint: { endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION, forcePathStyle: true },
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, maxSockets: 2, idleTimeoutMs: 30000 });
    store.createBucket('demo').catch(() => {}).finally(() => store.destroy());"
  npx tsx electron/cli/main.ts upload --quiet "$demo/README.txt" "$demo/photos" "$demo/docs" s3://demo/
fi
# Not exec: this script must outlive the app to stop the server.
npm run serve -- --downloads "${FERRY_DOWNLOADS:-$PWD/.tmp/demo-downloads}" "$@"
