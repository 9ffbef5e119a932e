#!/usr/bin/env bash
# Runs a command with a real Secret Service: a private D-Bus session and an unlocked gnome-keyring,
# as a Linux desktop has, so the keychain code is tested against the real thing. Sets
# FERRY_TEST_KEYCHAIN=1 for the tests that need it. Without dbus-run-session or gnome-keyring the
# command runs as it is and those tests are skipped (and say so), or fail with CI=true.
set -euo pipefail
if [ "${FERRY_IN_KEYRING:-}" = 1 ]; then
  # Inside the session: a throwaway keyring (its own data folder, so the user's keyrings are never
  # touched and a fresh one is made with this password), then the command.
  keyrings=$(mktemp -d)
  trap 'rm -rf "$keyrings"' EXIT
  echo -n ferry-test | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export FERRY_TEST_KEYCHAIN=1
  status=0
  "$@" || status=$?
  exit "$status"
fi
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  # dbus-daemon complains that it may not raise its file limit in containers: harmless, filtered.
  FERRY_IN_KEYRING=1 exec dbus-run-session -- bash "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
fi
echo "with-keyring: no dbus-run-session or gnome-keyring-daemon; keychain tests will be skipped (with CI=true, fail)" >&2
exec "$@"
