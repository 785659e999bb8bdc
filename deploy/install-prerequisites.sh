#!/usr/bin/env bash
# Installs what PolicyWatch and its tests need on Debian/Ubuntu, skipping what is already there.
# Uses sudo when not root. The .NET 10 SDK itself must already be installed (see README).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "install-prerequisites: the .NET 10 SDK is missing. Install it (e.g. 'sudo apt-get install dotnet-sdk-10.0'" >&2
  echo "  from Microsoft's package feed, or https://dot.net/v1/dotnet-install.sh --channel 10.0) and run this again." >&2
  exit 1
fi

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || need+=(postgresql)
# for the test suite: headless Chromium (web UI tests; Debian ships the matching driver)
if [ "${POLICYWATCH_SKIP_TEST_TOOLS:-0}" != 1 ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  # SMTP sink for the digest tests (Debian's aiosmtpd, writing a Maildir)
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "install-prerequisites: apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  log="$(mktemp)"
  # one retry: an install was once seen to fail with "cannot access archive" and pass on re-run
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >"$log" 2>&1 ||
    { sleep 3; $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$log" 2>&1; } ||
    { tail -30 "$log" >&2; exit 1; }
  rm -f "$log"
fi
