#!/usr/bin/env bash
# Runs the admin guide's PostgreSQL steps (docs/admin-server.md, the block
# between "<!-- guide-test: postgresql -->" and "<!-- /guide-test -->") as
# written, on a fresh PostgreSQL 15 cluster made here the way Debian makes
# one (peer authentication on the local socket /var/run/postgresql, port
# 5432), then starts the server as the keukentafel user on that database
# and checks it answers and signs the new account in.
#
# Needs root (runuser, a system user) and a free port 5432; skipped (77)
# otherwise.  Creates the system user keukentafel when it is missing, as the
# package would, and leaves it.
set -euo pipefail

src="${KT_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${KT_BUILD_ROOT:-$src/build}"
bindir=/usr/lib/postgresql/15/bin
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -x "$bindir/initdb" ] || skip "PostgreSQL 15 is not installed"
[ -d /var/run/postgresql ] || skip "no /var/run/postgresql"
[ ! -e /var/run/postgresql/.s.PGSQL.5432 ] || skip "a PostgreSQL already listens on 5432"

work="$(mktemp -d /tmp/kt-guide-XXXXXX)"
chown postgres: "$work"
chmod 755 "$work"
server_pid=
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m immediate -w -s stop 2>/dev/null || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# A cluster as pg_createcluster makes it: peer on the socket, scram on TCP.
runuser -u postgres -- "$bindir/initdb" -D "$work/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=peer --auth-host=scram-sha-256 --no-sync >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w -s \
  -o "-p 5432 -k /var/run/postgresql -c listen_addresses='' -c fsync=off" start

# the guide's block, unchanged
awk '/<!-- guide-test: postgresql -->/ { on = 1; next }
     /<!-- \/guide-test -->/ { on = 0 }
     on && !/^```/ { print }' "$src/docs/admin-server.md" > "$work/steps.sh"
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

# the server as the guide's user, on the guide's database address
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u keukentafel -- "$build/src/server/keukentafel-server" serve \
  --listen "127.0.0.1:$port" --database postgresql:///keukentafel > "$work/serve.out" 2>&1 &
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
echo "ok: the admin guide's PostgreSQL steps end with a working server"
