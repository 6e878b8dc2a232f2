#!/usr/bin/env bash
# What the test suite needs beyond Python packages, installed from Debian's packages:
# Chromium (the HTML page is checked in a real headless browser) and CJK fonts.
# Idempotent; without root or apt it says so, and the browser test skips.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup_services: cannot install ${need[*]} (needs root and apt-get); the browser test will be skipped" >&2
  exit 0
fi
echo "setup_services: installing ${need[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "setup_services: apt-get install ${need[*]} failed; the browser test will be skipped" >&2
exit 0
