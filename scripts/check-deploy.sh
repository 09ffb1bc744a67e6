#!/usr/bin/env bash
# Checks the deployment files the README points to: deploy/nginx.conf must pass
# `nginx -t` (with a throwaway self-signed certificate in place of the real one) and
# deploy/courier-server.service must pass `systemd-analyze verify` (against the
# freshly built binary). Usage: scripts/check-deploy.sh PATH/TO/courier-server
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:?usage: $0 PATH/TO/courier-server}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=accounts.example.com -days 1 \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
sed -e "s|/etc/letsencrypt/live/accounts.example.com/fullchain.pem|$tmp/cert.pem|" \
    -e "s|/etc/letsencrypt/live/accounts.example.com/privkey.pem|$tmp/key.pem|" \
    deploy/nginx.conf >"$tmp/site.conf"
cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
  access_log off;
  include $tmp/site.conf;
}
CONF
nginx -q -t -p "$tmp" -c "$tmp/nginx.conf"
echo "deploy/nginx.conf: nginx -t passed"

if command -v systemd-analyze >/dev/null; then
  sed "s|/usr/local/bin/courier-server|$binary|g" deploy/courier-server.service \
    >"$tmp/courier-server.service"
  systemd-analyze verify "$tmp/courier-server.service"
  echo "deploy/courier-server.service: systemd-analyze verify passed"
else
  echo "deploy/courier-server.service: not checked (no systemd-analyze on this machine)"
fi
