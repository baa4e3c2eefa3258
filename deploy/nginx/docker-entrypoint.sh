#!/bin/sh
# nginx container (deploy/Dockerfile, target "nginx"): render the site from HELPLINE_* variables
# into /etc/nginx/helpline (linked from sites-enabled), check it, then run the command (nginx).
set -eu
sh /opt/helpline/nginx/render.sh /etc/nginx/helpline
nginx -t -q
exec "$@"
