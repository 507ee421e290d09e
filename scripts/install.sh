#!/usr/bin/env bash
# Installs the project's own dependencies: npm packages, and the Kafka broker's jars.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in node npm java mvn; do
  command -v "$tool" >/dev/null || { echo "[install] $tool is required (see README: Requirements)" >&2; exit 1; }
done
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash infra/kafka/kafka.sh provision
