#!/bin/sh
# test-manpages.sh PAGE…: each man page formats without a single groff warning.
set -eu
status=0
for page in "$@"; do
  out="$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)" || status=1
  if [ -n "$out" ]; then
    printf '%s:\n%s\n' "$page" "$out"
    status=1
  fi
  # The page must carry the sections a reader looks for.
  for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    grep -q "^\.SH \"\{0,1\}$section" "$page" || { echo "$page: no $section section"; status=1; }
  done
done
[ "$status" -eq 0 ] && echo "man pages format cleanly: $*"
exit "$status"
