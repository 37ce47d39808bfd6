#!/bin/sh
# test-icons.sh SOURCE_ROOT: every symbolic icon the app names is in the
# Adwaita icon theme of Debian 12 (adwaita-icon-theme 43) or is the app's own
# (data/icons, in its resources).  A name the theme
# lacks draws as GTK's "image missing" picture, with no error anywhere.
set -eu
top="$1"
theme=/usr/share/icons/Adwaita
status=0

names="$(grep -rhoE '[A-Za-z0-9.]+(-[A-Za-z0-9.]+)*-symbolic' --include='*.ui' --include='*.c' "$top/src/app" | sort -u)"
for name in $names; do
  if [ -z "$(find "$theme" "$top/data/icons" -name "$name.*" -print -quit)" ]; then
    echo "src/app names the icon $name, which $theme does not have"
    status=1
  fi
done
[ $status -eq 0 ] && echo "$(echo "$names" | wc -l) icon names, each in $theme or the app's own"
exit $status
