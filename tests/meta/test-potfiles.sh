#!/bin/sh
# test-potfiles.sh SOURCE_ROOT: po/POTFILES.in names only files that exist,
# and every source file with translatable strings is named in it.
set -eu
top="$1"
cd "$top"

status=0
listed="$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' po/POTFILES.in)"

for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in names $f, which does not exist"
    status=1
  fi
done

# Files that carry strings for translators: C with _(), N_(), C_(), NC_();
# GtkBuilder files with translatable="yes"; desktop, metainfo and schema files.
candidates="$( { grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext|ngettext)[[:space:]]*\(' --include='*.c' --include='*.h' src 2>/dev/null || true
                 grep -rl 'translatable="yes"' --include='*.ui' src 2>/dev/null || true
                 ls data/*.desktop.in data/*.desktop.in.in data/*.metainfo.xml.in data/*.metainfo.xml.in.in \
                    data/*.gschema.xml 2>/dev/null || true; } | sort -u)"

for f in $candidates; do
  if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
    echo "$f has translatable strings but is missing from po/POTFILES.in"
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "po/POTFILES.in: $(printf '%s\n' "$listed" | wc -l) files, all present, none missing"
exit "$status"
