#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (no browser downloads). `npm test` runs this
# first: it installs the Debian package when it is missing and we may (root with apt-get), else says how.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at $browser: install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
