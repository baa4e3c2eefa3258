#!/bin/sh
# Render the nginx templates in this directory into OUT_DIR, filling in @PLACEHOLDERS@ from
# HELPLINE_* environment variables (listed at the top of helpline.conf):
#
#   HELPLINE_SERVER_NAME=help.example.org HELPLINE_UPSTREAMS="127.0.0.1:8001 127.0.0.1:8002" \
#   HELPLINE_STATIC_ROOT=/var/lib/helpline/static \
#   HELPLINE_TLS_CERT=/etc/letsencrypt/live/help.example.org/fullchain.pem \
#   HELPLINE_TLS_KEY=/etc/letsencrypt/live/help.example.org/privkey.pem \
#   sh deploy/nginx/render.sh /etc/nginx/helpline
#
# writes OUT_DIR/helpline.conf (the site: include it inside http {}, e.g. through a link in
# /etc/nginx/sites-enabled/), OUT_DIR/helpline-locations.conf and
# OUT_DIR/helpline-security-headers.conf. Plain POSIX sh and sed: it runs on Debian and in the
# nginx container alike. It fails if a required variable is missing or a placeholder is left.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: render.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

: "${HELPLINE_SERVER_NAME:?HELPLINE_SERVER_NAME is required (the public host name)}"
: "${HELPLINE_UPSTREAMS:?HELPLINE_UPSTREAMS is required (host:port of each Daphne worker)}"
: "${HELPLINE_STATIC_ROOT:?HELPLINE_STATIC_ROOT is required (the collected static files)}"
: "${HELPLINE_TLS_CERT:?HELPLINE_TLS_CERT is required (certificate chain, PEM)}"
: "${HELPLINE_TLS_KEY:?HELPLINE_TLS_KEY is required (private key, PEM)}"
https_listen=${HELPLINE_HTTPS_LISTEN:-443 [::]:443}
http_listen=${HELPLINE_HTTP_LISTEN:-80 [::]:80}
onion_listen=${HELPLINE_ONION_LISTEN:-127.0.0.1:8080}
acme_root=${HELPLINE_ACME_ROOT:-/var/lib/helpline/acme}
error_log=${HELPLINE_ERROR_LOG:-/var/log/nginx/helpline-error.log}

# One line of directives for each list: nginx accepts several directives on a line.
directives() { # directives PREFIX SUFFIX WORDS...
  prefix=$1; suffix=$2; shift 2
  line=""
  for word in "$@"; do line="$line$prefix $word$suffix; "; done
  printf '%s' "$line"
}
# shellcheck disable=SC2086  # the lists are split on purpose
upstreams=$(directives server " max_fails=1 fail_timeout=5s" $HELPLINE_UPSTREAMS)
# shellcheck disable=SC2086
https_lines=$(directives listen " ssl http2" $https_listen)
# shellcheck disable=SC2086
https_default=$(directives listen " ssl http2 default_server" $https_listen)
# shellcheck disable=SC2086
http_lines=$(directives listen "" $http_listen)
# shellcheck disable=SC2086
http_default=$(directives listen " default_server" $http_listen)

# Escape a value for the right-hand side of a sed s||| command.
esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

render() { # render TEMPLATE OUTPUT
  sed \
    -e "s|@SERVER_NAME@|$(esc "$HELPLINE_SERVER_NAME")|g" \
    -e "s|@UPSTREAMS@|$(esc "$upstreams")|g" \
    -e "s|@STATIC_ROOT@|$(esc "${HELPLINE_STATIC_ROOT%/}")|g" \
    -e "s|@TLS_CERT@|$(esc "$HELPLINE_TLS_CERT")|g" \
    -e "s|@TLS_KEY@|$(esc "$HELPLINE_TLS_KEY")|g" \
    -e "s|@HTTPS_LISTEN_DEFAULT@|$(esc "$https_default")|g" \
    -e "s|@HTTPS_LISTEN@|$(esc "$https_lines")|g" \
    -e "s|@HTTP_LISTEN_DEFAULT@|$(esc "$http_default")|g" \
    -e "s|@HTTP_LISTEN@|$(esc "$http_lines")|g" \
    -e "s|@ONION_LISTEN@|$(esc "$onion_listen")|g" \
    -e "s|@ACME_ROOT@|$(esc "$acme_root")|g" \
    -e "s|@ERROR_LOG@|$(esc "$error_log")|g" \
    -e "s|@CONF_DIR@|$(esc "$out")|g" \
    "$1" > "$2.tmp"
  if grep -n '@[A-Z_]*@' "$2.tmp" >&2; then
    rm -f "$2.tmp"
    echo "render.sh: placeholders left in $2 (above)" >&2
    exit 1
  fi
  mv "$2.tmp" "$2"
}

render "$here/helpline.conf" "$out/helpline.conf"
render "$here/helpline-locations.conf" "$out/helpline-locations.conf"
render "$here/security-headers.conf" "$out/helpline-security-headers.conf"
