#!/usr/bin/env bash
# A private PostgreSQL primary and a streaming hot standby of it, for the tests that need a real read replica (the
# machine's own PostgreSQL allows no replication connections). Debian's PostgreSQL binaries (PG_BIN, default the
# newest under /usr/lib/postgresql), run as the `postgres` OS user when started by root (PostgreSQL refuses to run
# as root), listening on 127.0.0.1 only, with trust authentication: for tests, never for a board.
#
#   replica-pair.sh start DIR PRIMARY_PORT STANDBY_PORT   a new primary in DIR/primary, a standby in DIR/standby
#   replica-pair.sh stop-standby DIR                      stops the standby (as a crash of the replica would)
#   replica-pair.sh start-standby DIR                     starts it again; it catches up from the primary
#   replica-pair.sh freeze-standby DIR                    stops its processes (SIGSTOP): it hangs, as behind a
#                                                         network partition, without closing a connection
#   replica-pair.sh thaw-standby DIR                      lets them run again (SIGCONT)
#   replica-pair.sh stop DIR                              stops both and removes DIR
set -euo pipefail

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "replica-pair.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command=${1:?usage: replica-pair.sh start|stop-standby|start-standby|stop DIR [PRIMARY_PORT STANDBY_PORT]}
dir=${2:?the pair\'s directory}

case "$command" in
start)
    primary_port=${3:?primary port} standby_port=${4:?standby port}
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
    # The standby keeps its own slot on the primary, so a standby that was stopped catches up from the WAL the
    # primary kept for it. fsync off: the pair lives for one test run.
    cat >>"$dir/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
CONF
    as_owner "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 60 start >/dev/null
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/standby" -R -X stream \
        -C -S bulletin_standby --checkpoint=fast
    # Queries on the standby hold back what replay would remove under them (hot_standby_feedback) instead of
    # being cancelled; the standby answers as soon as it is consistent.
    cat >>"$dir/standby/postgresql.conf" <<CONF
port = $standby_port
hot_standby = on
hot_standby_feedback = on
CONF
    as_owner "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 start >/dev/null
    ;;
stop-standby)
    as_owner "$bin/pg_ctl" -D "$dir/standby" -m fast -w stop >/dev/null
    ;;
start-standby)
    as_owner "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 start >/dev/null
    ;;
freeze-standby | thaw-standby)
    signal=STOP
    [ "$command" = freeze-standby ] || signal=CONT
    postmaster=$(head -1 "$dir/standby/postmaster.pid")
    # shellcheck disable=SC2046 # one pid per word
    kill -s "$signal" "$postmaster" $(pgrep -P "$postmaster")
    ;;
stop)
    for node in standby primary; do
        [ ! -f "$dir/$node/postmaster.pid" ] || as_owner "$bin/pg_ctl" -D "$dir/$node" -m immediate -w stop >/dev/null || true
    done
    rm -rf "$dir"
    ;;
*)
    echo "replica-pair.sh: unknown command $command" >&2
    exit 2
    ;;
esac
