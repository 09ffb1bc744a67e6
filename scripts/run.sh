#!/usr/bin/env bash
# Runs Courier on this machine: the account server with its embedded defaults (SQLite
# and a mail outbox in its data folder, plain HTTP on loopback) and the desktop app
# pointed at it. Installs what it needs first. Ctrl-C or closing the window stops both.
# Usage: scripts/run.sh [--server-only] [courier-server flags, e.g. --addr 127.0.0.1:7878]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

server_only=false
if [ "${1:-}" = "--server-only" ]; then server_only=true; shift; fi

need_build_tools
if ! $server_only; then
  need_ui_deps
  need_desktop_tools
  echo "==> building the desktop UI"
  npm run --prefix ui --silent build
fi
echo "==> building (release; the first build takes several minutes)"
cargo build --release --locked -p courier-server
$server_only || cargo build --release --locked -p courier-desktop --features custom-protocol

data_dir="${COURIER_SERVER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/courier-server}"
echo "==> server data: $data_dir (mail goes to $data_dir/outbox; its links are also logged below)"
log="$(mktemp -t courier-server.XXXXXX.log)"
# Mail links are logged at debug level only (a link is a credential); this local run
# shows them so a developer can click one.
RUST_LOG="${RUST_LOG:-info,courier_server::platform::mail=debug}" \
  "$CARGO_TARGET_DIR/release/courier-server" --data-dir "$data_dir" "$@" > >(tee "$log") 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$log" | head -n 1)"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { echo "the server did not start; see above" >&2; exit 1; }
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "the server did not say where it listens" >&2; exit 1; }

if $server_only; then
  echo "==> open $url in a browser; Ctrl-C stops the server"
  wait "$server"
elif [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "==> no display here, so the desktop app cannot open a window."
  echo "    The server runs at $url (open it in a browser); Ctrl-C stops it."
  wait "$server"
else
  echo "==> starting the desktop app (accounts on $url)"
  COURIER_SERVER="$url" "$CARGO_TARGET_DIR/release/courier"
fi
