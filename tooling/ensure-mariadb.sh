#!/usr/bin/env bash
# Installs MariaDB from Debian's packages when mariadbd is missing. Never starts the system
# service: tests and the example run their own throwaway server.
set -euo pipefail
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
  if command -v mariadb >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then exit 0; fi
fi
echo "[setup] installing MariaDB from Debian's packages"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
# policy-rc.d exit 101 keeps the package scripts from starting the system-wide server.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client openssl >/dev/null
