#!/usr/bin/env bash
# Second README command: set up, typecheck every package, then run the whole test suite
# (vitest starts its own throwaway MariaDB unless SINGLESTOREDB_URL is set).
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."
bash tooling/setup.sh

echo "[test] typecheck"
pnpm -s turbo run typecheck --output-logs=errors-only

echo "[test] lint and format check (Biome: lint errors and any unformatted file fail)"
pnpm -s exec biome lint --diagnostic-level=error
pnpm -s format:check

echo "[test] import cycles"
pnpm -s check:cycles

if command -v cargo >/dev/null 2>&1; then
  echo "[test] cargo test (native codec logic)"
  cargo test --quiet --release --manifest-path packages/native/Cargo.toml -p s2-codec
else
  echo "[test] cargo test skipped: no Rust toolchain on this machine"
fi

echo "[test] vitest"
report=$(mktemp -t s2-vitest-XXXXXX.json)
status=0
pnpm -s vitest run --reporter=default --reporter=json --outputFile="$report" || status=$?
# A plain 'N passed, N failed' line, so the totals are readable without knowing vitest's format.
node tooling/summarize-vitest.mjs "$report" || status=1
rm -f "$report"

# Packs the packages and installs the tarballs with plain npm into fresh apps (issue #11):
# what each piece drags in, ESM/CJS/TypeScript consumers, a browser bundle, the accelerator.
echo "[test] install closure"
if pnpm -s check:install-closure > /tmp/s2-install-closure.log 2>&1; then
  grep -E '^\s+(ok|FAIL|SKIP) |KiB' /tmp/s2-install-closure.log || true
  echo "[test] install closure: passed"
else
  cat /tmp/s2-install-closure.log
  echo "[test] install closure: FAILED"
  status=1
fi
exit "$status"
