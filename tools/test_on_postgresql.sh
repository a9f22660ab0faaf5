#!/usr/bin/env bash
# Run the storage-level tests (store, services, imports, exchange, output, migrations) against a
# throwaway PostgreSQL server: initdb in a temporary folder, a free port on 127.0.0.1, removed
# afterwards. Needs the PostgreSQL server binaries (Debian: apt-get install postgresql) and the
# driver in the venv (pip install -e '.[test,postgresql]').
#
#   tools/test_on_postgresql.sh                 # the PostgreSQL pass as CI runs it
#   tools/test_on_postgresql.sh -k conflict     # extra arguments go to pytest
#   tools/test_on_postgresql.sh --serve         # only start a server and print its URL (Ctrl-C stops it)
#
# As root the server runs as the unprivileged user "nobody" (postgres refuses to run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  PGBIN="$(dirname "$(command -v initdb || echo /nonexistent/initdb)")"
fi
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 2; }
PYTHON="${PYTHON:-.venv/bin/python}"

TMP="$(mktemp -d /tmp/zkdesk-pg.XXXXXX)"
chmod 755 "$TMP"
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$TMP"
  AS=(runuser -u nobody --)
fi
PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap stop EXIT

# --no-locale: collation "C" sorts text by code point, as SQLite does (zkdesk checks this).
"${AS[@]}" "$PGBIN/initdb" -D "$TMP/data" -U zkdesk --auth=trust --no-locale -E UTF8 >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; exit 2; }
# A throwaway server: durability off, so the tests measure zkdesk and not the disk.
"${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$TMP/server.log" >&2; exit 2; }

export ZKDESK_TEST_DATABASE="postgresql://zkdesk@127.0.0.1:$PORT/postgres"
export PATH="$PGBIN:$PATH"  # pg_dump / pg_restore for the backup tests

if [ "${1:-}" = "--serve" ]; then
  echo "$ZKDESK_TEST_DATABASE"
  echo "(Ctrl-C stops the server and removes $TMP)"
  while sleep 3600; do :; done
fi

# What runs here: every test that works on the office database through store/ — not the window
# (but for its server set-up and save conflicts), not the SQLite file itself (marked sqlite_only:
# PRAGMAs, file backups, damaged files).
QT_QPA_PLATFORM=offscreen "$PYTHON" -m pytest -q -p no:cacheprovider -m "not slow and not sqlite_only" \
  tests/unit tests/migrations tests/cli/test_progress_cmd.py tests/postgres \
  tests/ui/test_server_setup_dialog.py tests/ui/test_save_conflict.py "$@"
