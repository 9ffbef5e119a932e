#!/usr/bin/env bash
# Every test: type check, lint, unit tests, integration tests against a real S3 server (the local
# OpenStack Swift, started and stopped by the tests' global setup, or FERRY_TEST_* endpoint) and a real
# Secret Service, and end-to-end tests of the UI in Chromium. Builds the renderer and the command line first.
# With CI=true a skipped test fails the run (a machine without Chromium or a keyring must not pass
# with those tests skipped): the tests that need them fail with the reason, and any test the run
# reports skipped, pending or todo is listed and makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test/artifacts

npm run typecheck --silent
npx eslint .
npm run build:renderer --silent
# The command line's bundle, once, before tests start many `ferry` processes at the same time.
npm run build:cli --silent
status=0
# No stale report from an earlier run may stand in for this one.
rm -f test/artifacts/vitest.json
bash scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile=test/artifacts/vitest.json || status=$?

# A closing line any CI can read: how many tests passed, failed and were skipped; with CI=true,
# which tests were skipped, and a failure if any was.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test/artifacts/vitest.json", "utf8"));
  const skipped = r.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status !== "passed" && test.status !== "failed")
      .map((test) => `${require("path").relative(process.cwd(), file.name)} > ${test.fullName} (${test.status})`));
  if (process.env.CI === "true" && skipped.length > 0) {
    console.log(`vitest: CI=true allows no skipped test; skipped:\n  ${skipped.join("\n  ")}`);
    process.exitCode = 1;
  }
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' || status=1
exit "$status"
