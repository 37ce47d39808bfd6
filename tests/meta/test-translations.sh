#!/bin/sh
# test-translations.sh SOURCE_ROOT: po/nl.po is valid and translates every
# string in a POT freshly extracted from po/POTFILES.in, with nothing fuzzy.
# Fails, naming the strings, when a new English string lacks its Dutch.
set -eu
top="$1"
tmp="$(mktemp -d -t kt-translations-XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cd "$top"

# The same extraction meson's i18n.gettext (preset: glib) runs for keukentafel-pot.
xgettext --package-name=keukentafel --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
  --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format \
  --flag=g_snprintf:3:c-format \
  --files-from=po/POTFILES.in --directory="$top" --output="$tmp/keukentafel.pot"

# nl.po itself must be a valid catalogue (format strings and contexts match).
msgfmt --check-format --check-domain --output-file=/dev/null po/nl.po

msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/merged.po" po/nl.po "$tmp/keukentafel.pot"
stats="$(LC_ALL=C msgfmt --check-format --statistics --output-file=/dev/null "$tmp/merged.po" 2>&1)"
echo "nl.po against the sources: $stats"

# The msgctxt and msgid of every entry msgattrib selects, the header left out.
entries() {
  msgattrib "$@" --no-obsolete --no-wrap --no-location "$tmp/merged.po" |
    awk '/^msgstr/ { if (block != "msgid \"\"") print "  " block; block = ""; keep = 0; next }
         /^msgctxt|^msgid/ { keep = 1 }
         keep { block = block (block == "" ? "" : " ") $0 }'
}
missing="$(entries --untranslated)"
fuzzy="$(entries --only-fuzzy)"
status=0
if [ -n "$missing" ]; then
  echo "These strings have no Dutch translation in po/nl.po:"
  printf '%s\n' "$missing"
  status=1
fi
if [ -n "$fuzzy" ]; then
  echo "These Dutch translations are marked fuzzy in po/nl.po:"
  printf '%s\n' "$fuzzy"
  status=1
fi
exit "$status"
