#!/usr/bin/env bash
# Starts (or stops) a throwaway MariaDB and Redis on loopback for the test suite.
#   scripts/services.sh start DIR   -> prints the TEST_DATABASE_URL and TEST_REDIS_URL lines to eval
#   scripts/services.sh stop DIR
# Needs the Debian packages mariadb-server and redis-server.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory for data, sockets and pid files}
db_port=${SB_TEST_DB_PORT:-33061}
redis_port=${SB_TEST_REDIS_PORT:-63791}

case "$cmd" in
  start)
    mkdir -p "$dir/run"
    if [ ! -d "$dir/mysql" ]; then
      mariadb-install-db --user=root --datadir="$dir/mysql" --auth-root-authentication-method=normal \
        >"$dir/run/install-db.log" 2>&1
    fi
    mariadbd --user=root --datadir="$dir/mysql" --socket="$dir/run/mysqld.sock" --port="$db_port" \
      --bind-address=127.0.0.1 --pid-file="$dir/run/mysqld.pid" --log-error="$dir/run/mysqld.err" \
      --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --skip-name-resolve \
      --max-connections=500 >/dev/null 2>&1 &
    for _ in $(seq 1 100); do
      mariadb-admin --socket="$dir/run/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    mariadb --socket="$dir/run/mysqld.sock" -uroot -e "
      CREATE USER IF NOT EXISTS 'switchboard'@'127.0.0.1' IDENTIFIED BY 'switchboard';
      GRANT ALL ON *.* TO 'switchboard'@'127.0.0.1' WITH GRANT OPTION;"
    redis-server --daemonize yes --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
      --pidfile "$dir/run/redis.pid" --logfile "$dir/run/redis.log"
    for _ in $(seq 1 50); do
      redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    echo "export TEST_DATABASE_URL=mysql://switchboard:switchboard@127.0.0.1:$db_port/switchboard_test"
    echo "export TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
    ;;
  stop)
    pids=""
    for pidfile in "$dir/run/redis.pid" "$dir/run/mysqld.pid"; do
      if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null && pids="$pids $pid"
      fi
    done
    # Wait (up to 30 s) until they have exited, so the caller can remove DIR right after.
    for _ in $(seq 1 300); do
      alive=""
      for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ -z "$alive" ] && break
      sleep 0.1
    done
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
