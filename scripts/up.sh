#!/usr/bin/env bash
# The run command: installs what is missing, builds, and hands over to the supervisor.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
bash scripts/install.sh
npx nx run-many -t build --output-style=static
exec node scripts/up.mjs
