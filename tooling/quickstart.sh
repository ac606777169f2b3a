#!/usr/bin/env bash
# First README command: set up, then run the quick-start example. Without SINGLESTOREDB_URL the
# example starts a throwaway MariaDB of its own and removes it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tooling/setup.sh
exec pnpm --silent quickstart
