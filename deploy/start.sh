#!/usr/bin/env bash
# One command on a fresh machine: install what is missing, build, and run PolicyWatch.
# With no ConnectionStrings__PolicyWatch set it starts its own PostgreSQL cluster under the data directory.
# Arguments are passed to `policywatch` (default: serve). Example: bash deploy/start.sh serve --urls http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
POLICYWATCH_SKIP_TEST_TOOLS=1 bash deploy/install-prerequisites.sh
dotnet publish src/PolicyWatch.Host/PolicyWatch.Host.csproj -c Release -o artifacts/policywatch --nologo -v quiet
exec artifacts/policywatch/policywatch "$@"
