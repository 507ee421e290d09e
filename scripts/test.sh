#!/usr/bin/env bash
# The test command: install, build, format check, lint, then unit, integration and end-to-end
# tests in one run against the real Kafka broker (started here if none answers) and Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
bash scripts/install.sh
npx nx run-many -t build --output-style=static
npx prettier --check . --log-level warn
npx nx run-many -t lint --output-style=static

started_kafka=false
if ! bash infra/kafka/kafka.sh status >/dev/null 2>&1; then
  bash infra/kafka/kafka.sh start
  started_kafka=true
fi
stop_kafka() { if [ "$started_kafka" = true ]; then bash infra/kafka/kafka.sh stop >/dev/null 2>&1 || true; fi; }
trap stop_kafka EXIT

# The runner's summary (tests / pass / fail) is the last thing this prints.
node scripts/run-tests.mjs --tier all
