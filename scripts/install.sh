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
# The dashboard's end-to-end test drives Debian's Chromium (no browser download).
if ! command -v "${CHROMIUM_PATH:-chromium}" >/dev/null; then
  echo "[install] installing Debian's chromium for the dashboard test"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi
