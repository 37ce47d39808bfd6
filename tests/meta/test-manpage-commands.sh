#!/bin/sh
# test-manpage-commands.sh SERVER PAGE: every command in keukentafel-server's
# own usage text appears in the SYNOPSIS of its man page, so the page cannot
# fall behind the program.
set -eu
server="$1"
page="$2"

usage="$("$server" 2>&1 || true)"
synopsis="$(LC_ALL=C groff -man -Tascii -P-cbou "$page" 2>/dev/null |
            sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | tr -s ' \n' ' ')"

# "  user add NAME --role ROLE …" → "user add"; "user disable NAME | user enable NAME" → both.
commands="$(printf '%s\n' "$usage" | grep '^  [a-z-]' | sed 's/ | /\n  /g' |
            awk '{ cmd = ""; for (i = 1; i <= NF; i++) { if ($i ~ /^[a-z-]+$/ && (cmd == "" || $i !~ /^--/)) cmd = cmd (cmd == "" ? "" : " ") $i; else break } print cmd }')"
[ -n "$commands" ] || { echo "no commands found in the usage text of $server"; exit 1; }

status=0
for cmd in $(printf '%s\n' "$commands" | tr ' ' '_'); do
  cmd="$(printf '%s' "$cmd" | tr '_' ' ')"
  if ! printf '%s' "$synopsis" | grep -qF "keukentafel-server $cmd"; then
    echo "$page: the SYNOPSIS lacks \"keukentafel-server $cmd\""
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "$(printf '%s\n' "$commands" | wc -l) commands, all in the man page"
exit "$status"
