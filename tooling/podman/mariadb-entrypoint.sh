#!/bin/sh
# Entry point of the locally built MariaDB image that stands in for the SingleStore dev image:
# a fresh datadir, the root password from ROOT_PASSWORD (the SingleStore image's variable name),
# networking on all interfaces of the container, and SQL files from /init.d run once.
set -eu
: "${ROOT_PASSWORD:=}"
datadir=/var/lib/mysql
mkdir -p /run/mysqld "$datadir" && chown -R mysql:mysql /run/mysqld "$datadir"
if [ ! -d "$datadir/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal >/dev/null
  init=/tmp/s2-init.sql
  {
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$ROOT_PASSWORD';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$ROOT_PASSWORD';"
    for f in /init.sql /init.d/*.sql; do if [ -f "$f" ]; then cat "$f"; fi; done
  } >"$init"
  set -- --init-file="$init" "$@"
fi
exec mariadbd --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 --skip-name-resolve "$@"
