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
# The compiler's output goes to a log and is shown only when the build fails.
native_log="${TMPDIR:-/tmp}/s2-native-build.log"
if pnpm -s --filter @s2/native build:native >"$native_log" 2>&1; then
  echo "[setup] native addon: $(grep '^\[native\]' "$native_log" | tail -1 | sed 's/^\[native\] //') (log: $native_log)"
else
  cat "$native_log"
  echo "[setup] native addon: the build failed (output above); s2 still works with its TypeScript decoders" >&2
  exit 1
fi
