#!/usr/bin/env bash
# The feed-parsing benchmark (../shared/benchmarks/feeds): every file read by `policywatch feed`, scored against
# feedparser's links. Each file is given the address the reference read it from, so relative links resolve alike.
#   scripts/bench-feeds.sh [OUT_DIR]      (build first: dotnet build PolicyWatch.sln -c Release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
set_dir=${FEEDS_SET:-$here/../shared/benchmarks/feeds}
out=${1:-/tmp/policywatch-feeds-bench}
bash "$set_dir/run.sh" "$out" -- "$here/scripts/feed-as-served.sh"
