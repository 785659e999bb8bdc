#!/usr/bin/env bash
# Reads one feed file with `policywatch feed`, giving it the address the feeds benchmark's reference parser read it
# from (http://127.0.0.1:8765/f/NAME), so relative links resolve the same way. Used by scripts/bench-feeds.sh.
#   feed-as-served.sh FILE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dll=${POLICYWATCH_DLL:-$here/src/PolicyWatch.Host/bin/Release/net10.0/policywatch.dll}
exec dotnet "$dll" feed --format json --url "http://127.0.0.1:8765/f/$(basename "$1")" "$1"
