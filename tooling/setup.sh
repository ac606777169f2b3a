#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (Node 20, Rust, Python) to the point where the workspace
# builds and tests: pnpm from npm, MariaDB from Debian's packages, workspace dependencies.
# Idempotent: each step is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "[setup] installing pnpm $PNPM_VERSION with npm"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

bash tooling/ensure-mariadb.sh

echo "[setup] installing workspace dependencies"
pnpm install --frozen-lockfile --reporter=silent

# The Rust accelerator: built from source when cargo is present (a prebuilt per-platform
# package serves installs from npm); without it s2 runs its pure TypeScript path.
echo "[setup] building the native addon"
pnpm -s --filter @s2/native build:native
