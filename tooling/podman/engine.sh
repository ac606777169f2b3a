#!/usr/bin/env bash
# A Docker-compatible container engine on a machine without Docker: Debian's podman served on a
# unix socket, plus a MariaDB image built locally from Debian packages (no image registry is
# reachable here, so nothing can be pulled). Used by the container tests of @s2/server, which
# run only with S2_CONTAINER_TESTS=1.
#
#   bash tooling/podman/engine.sh           # install, start, build the image; prints the env to use
#   eval "$(bash tooling/podman/engine.sh --env)"
#
# Why each setting: crun refuses this kernel's hybrid cgroup layout, so runc is the runtime;
# podman's default ulimits exceed the hard limits of this sandbox, so they are pinned below them.
set -euo pipefail

HOME_DIR=${S2_PODMAN_HOME:-/tmp/s2-podman}
SOCK="$HOME_DIR/podman.sock"
IMAGE=${S2_MARIADB_IMAGE:-localhost/s2-mariadb:bookworm}
MIRROR=${S2_DEBIAN_MIRROR:-http://deb.debian.org/debian}

print_env() {
  echo "export DOCKER_HOST=unix://$SOCK"
  echo "export CONTAINERS_CONF=$HOME_DIR/containers.conf"
  echo "export TESTCONTAINERS_RYUK_DISABLED=true"
  echo "export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
  echo "export S2_MARIADB_IMAGE=$IMAGE"
}
if [ "${1:-}" = "--env" ]; then print_env; exit 0; fi

log() { echo "[podman] $*" >&2; }
mkdir -p "$HOME_DIR"

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing podman, runc and debootstrap from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

cat > "$HOME_DIR/containers.conf" <<CONF
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
CONF
export CONTAINERS_CONF="$HOME_DIR/containers.conf"

if ! curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; then
  log "starting the Docker-compatible API on $SOCK"
  rm -f "$SOCK"
  nohup podman system service --time=0 "unix://$SOCK" >"$HOME_DIR/service.log" 2>&1 &
  echo $! >"$HOME_DIR/service.pid"
  for _ in $(seq 1 50); do
    curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null || { log "the service did not come up:"; cat "$HOME_DIR/service.log" >&2; exit 1; }
fi

if ! podman image exists "$IMAGE"; then
  log "building $IMAGE from Debian packages (debootstrap, about a minute)"
  root="$HOME_DIR/rootfs"
  rm -rf "$root"
  debootstrap --variant=minbase --include=mariadb-server,procps bookworm "$root" "$MIRROR" >"$HOME_DIR/debootstrap.log" 2>&1 \
    || { log "debootstrap failed:"; tail -20 "$HOME_DIR/debootstrap.log" >&2; exit 1; }
  install -m 0755 "$(dirname "$0")/mariadb-entrypoint.sh" "$root/usr/local/bin/s2-entrypoint"
  rm -rf "$root/var/lib/mysql"/* "$root/var/cache/apt/archives"/*.deb
  tar -C "$root" -c . | podman import \
    --change 'ENTRYPOINT ["/usr/local/bin/s2-entrypoint"]' \
    --change 'EXPOSE 3306' \
    - "$IMAGE" >/dev/null
  rm -rf "$root"
fi

print_env
