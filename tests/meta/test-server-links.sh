#!/bin/sh
# The server links only the model part of the core (src/core/meson.build):
# none of the device's libraries -- libsecret, cairo, pango, GTK -- may be
# among the libraries keukentafel-server loads, directly or through another.
#
# test-server-links.sh SERVER [APP]
# With APP (the keukentafel binary), the same look-up must find libsecret
# there, so that a broken look-up cannot pass.
set -eu

server="$1"
app="${2:-}"
forbidden='libsecret-1|libcairo|libpango|libgtk-4|libadwaita'

libs="$(ldd "$server")"
# ldd answered about the server at all: the HTTP library it does need.
if ! printf '%s\n' "$libs" | grep -q 'libsoup-3\.0'; then
  echo "ldd did not list libsoup-3.0 for $server:" >&2
  printf '%s\n' "$libs" >&2
  exit 1
fi
found="$(printf '%s\n' "$libs" | grep -E "$forbidden" || true)"
if [ -n "$found" ]; then
  echo "keukentafel-server links libraries it must not (only the model part of the core):" >&2
  printf '%s\n' "$found" >&2
  exit 1
fi

if [ -n "$app" ]; then
  if ! ldd "$app" | grep -qE 'libsecret-1'; then
    echo "the look-up did not find libsecret in $app either; it is not looking" >&2
    exit 1
  fi
fi
echo "keukentafel-server links: $(printf '%s\n' "$libs" | awk '{print $1}' | tr '\n' ' ')"
