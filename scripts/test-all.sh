#!/usr/bin/env bash
# Every test: type check, lint, unit tests, integration tests against a real S3 server (the local
# OpenStack Swift, started and stopped by the tests' global setup, or FERRY_TEST_* endpoint) and a real
# Secret Service, and end-to-end tests of the UI in Chromium. Builds the renderer first.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test/artifacts

npx tsc -p tsconfig.json --noEmit
npx eslint .
npm run build:renderer --silent
status=0
bash scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile=test/artifacts/vitest.json || status=$?

# A closing line any CI can read: how many tests passed and failed.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test/artifacts/vitest.json", "utf8"));
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' || status=1
exit "$status"
