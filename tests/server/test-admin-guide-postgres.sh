#!/usr/bin/env bash
# Runs the admin guide's PostgreSQL steps (docs/admin-server.md, the block
# between "<!-- guide-test: NAME -->" and "<!-- /guide-test -->") as
# written, on a fresh PostgreSQL 15 cluster made here the way Debian makes
# one (peer authentication on the local socket /var/run/postgresql,
# scram-sha-256 over TCP, port 5432), then starts the server as the
# keukentafel user on that database and checks it answers and signs the new
# account in.  Two variants, the first argument:
#   peer        the block "postgresql": peer authentication on the socket
#   credential  the block "postgresql-credential": a password over TCP to
#               localhost from a file only root reads, handed to the server
#               as systemd's LoadCredential= would (the lines of the block
#               "postgresql-credential-unit"): a copy of mode 0400, owned by
#               the service's user, in a directory of its own.  There is no
#               systemd here, so this script makes that copy.
#
# Needs root (runuser, a system user) and a free port 5432; skipped (77)
# otherwise.  Creates the system user keukentafel when it is missing, as the
# package would, and leaves it.
set -euo pipefail

src="${KT_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${KT_BUILD_ROOT:-$src/build}"
bindir=/usr/lib/postgresql/15/bin
variant="${1:-peer}"
skip() { echo "SKIP: $*"; exit 77; }
case "$variant" in
  peer) block=postgresql; database=postgresql:///keukentafel; listen="''" ;;
  credential) block=postgresql-credential; database=postgresql://keukentafel@localhost/keukentafel
              listen=localhost ;;
  *) echo "unknown variant $variant (peer or credential)"; exit 1 ;;
esac

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -x "$bindir/initdb" ] || skip "PostgreSQL 15 is not installed"
[ -d /var/run/postgresql ] || skip "no /var/run/postgresql"
[ ! -e /var/run/postgresql/.s.PGSQL.5432 ] || skip "a PostgreSQL already listens on 5432"
if [ "$variant" = credential ]; then
  ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null || skip "something listens on 127.0.0.1:5432"
  [ ! -e /etc/keukentafel-server/pgpass ] || skip "/etc/keukentafel-server/pgpass exists; the test would overwrite it"
  [ -d /etc/keukentafel-server ] && made_etc_dir= || made_etc_dir=yes
fi

work="$(mktemp -d /tmp/kt-guide-XXXXXX)"
chown postgres: "$work"
chmod 755 "$work"
server_pid=
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m immediate -w -s stop 2>/dev/null || true
  rm -rf "$work"
  if [ "$variant" = credential ]; then
    rm -f /etc/keukentafel-server/pgpass
    [ -z "$made_etc_dir" ] || rmdir /etc/keukentafel-server 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT

# A cluster as pg_createcluster makes it: peer on the socket, scram on TCP.
runuser -u postgres -- "$bindir/initdb" -D "$work/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=peer --auth-host=scram-sha-256 --no-sync >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w -s \
  -o "-p 5432 -k /var/run/postgresql -c listen_addresses=$listen -c fsync=off" start

# the guide's block, unchanged
guide_block() {
  awk -v start="<!-- guide-test: $1 -->" '$0 == start { on = 1; next }
       /<!-- \/guide-test -->/ { on = 0 }
       on && !/^```/ { print }' "$src/docs/admin-server.md"
}
guide_block "$block" > "$work/steps.sh"
grep -q "keukentafel-server init" "$work/steps.sh" || { echo "the guide's block was not found"; exit 1; }

# the password file the block reads the first account's password from
old_password_file=
if [ -e /root/anna-password ]; then old_password_file="$(mktemp)"; cp /root/anna-password "$old_password_file"; fi
printf 'a long test password\n' > /root/anna-password
chmod 600 /root/anna-password
status=0
(export PATH="$build/src/server:$PATH"; cd /; bash -euo pipefail "$work/steps.sh") || status=$?
if [ -n "$old_password_file" ]; then mv "$old_password_file" /root/anna-password; else rm -f /root/anna-password; fi
[ "$status" -eq 0 ] || { echo "the guide's steps failed ($status)"; cat "$work/log"; exit 1; }

# the environment the service gets
service_env=()
if [ "$variant" = credential ]; then
  guide_block postgresql-credential-unit > "$work/unit.conf"
  credential=$(sed -n 's/^LoadCredential=//p' "$work/unit.conf")
  passfile=$(sed -n 's/^Environment=PGPASSFILE=//p' "$work/unit.conf")
  [ -n "$credential" ] && [ -n "$passfile" ] || { echo "the guide's unit lines were not found"; exit 1; }
  # what systemd does for LoadCredential=ID:PATH: a copy only the service's user reads
  creds="$work/credentials/keukentafel-server.service"
  mkdir -p "$creds"
  install -m 0400 -o keukentafel -g keukentafel "${credential#*:}" "$creds/${credential%%:*}"
  chown keukentafel:keukentafel "$creds"
  chmod 0500 "$creds"
  service_env=("PGPASSFILE=${passfile//%d/$creds}")
  # the root-only original is out of the service user's reach, and without
  # the credential the server cannot sign in to PostgreSQL
  if runuser -u keukentafel -- cat /etc/keukentafel-server/pgpass >/dev/null 2>&1; then
    echo "the keukentafel user can read /etc/keukentafel-server/pgpass"; exit 1
  fi
  if runuser -u keukentafel -- env -u PGPASSFILE "$build/src/server/keukentafel-server" user list \
       --database "$database" >/dev/null 2>&1; then
    echo "the server reached PostgreSQL without the credential"; exit 1
  fi
fi

# the server as the guide's user, on the guide's database address
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u keukentafel -- env "${service_env[@]}" "$build/src/server/keukentafel-server" serve \
  --listen "127.0.0.1:$port" --database "$database" > "$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.out"; exit 1; }
  sleep 0.1
done
health=$(curl -sf "http://127.0.0.1:$port/api/v1/health")
echo "$health"
echo "$health" | grep -q '"database":"ok"'
login=$(curl -sf -X POST -d '{"username":"anna","password":"a long test password"}' \
  "http://127.0.0.1:$port/api/v1/login")
echo "$login" | grep -q '"token"'
echo "ok: the admin guide's PostgreSQL steps ($variant) end with a working server"
