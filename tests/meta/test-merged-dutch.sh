#!/bin/sh
# test-merged-dutch.sh DESKTOP METAINFO: the merged desktop and metainfo
# files carry the Dutch translations from po/nl.po.
set -eu
status=0
for key in Name GenericName Comment Keywords; do
  if ! grep -q "^$key\[nl\]=." "$1"; then
    echo "$1: no Dutch $key"
    status=1
  fi
done
for tag in summary p li caption; do
  # Captions only where the metainfo has screenshots.
  [ "$tag" = caption ] && ! grep -q "<caption>" "$2" && continue
  if ! grep -q "<$tag xml:lang=\"nl\">" "$2"; then
    echo "$2: no Dutch <$tag>"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "desktop file and metainfo carry Dutch"
exit "$status"
