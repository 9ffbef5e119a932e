#!/usr/bin/env bash
# Debian packages the tests need: OpenStack Swift with its S3 API and memcached (the local S3 server);
# libsecret (keytar builds against it), gnome-keyring and dbus-x11 (a real Secret Service for the
# keychain tests, run under dbus-run-session); Chromium for the end-to-end tests; faketime (clock-skew
# tests) and e2fsprogs (chattr, for the unwritable state folder test).
# Installs only what is missing, so a second run costs a second.
set -euo pipefail
packages=(swift swift-proxy swift-account swift-container swift-object python3-swift memcached curl
  libsecret-1-dev gnome-keyring dbus-x11 chromium fonts-dejavu-core faketime e2fsprogs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
