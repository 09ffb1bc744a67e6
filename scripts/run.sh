#!/usr/bin/env bash
# Runs Courier on this machine: the account server with its embedded defaults
# (SQLite and a mail outbox in the data folder, plain HTTP on loopback).
# Usage: scripts/run.sh [courier-server flags, e.g. --addr 127.0.0.1:7878 --data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

need_build_tools
cargo build --release --locked -p courier-server
data_dir="${COURIER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/courier-server}"
echo "==> data folder: $data_dir (mail goes to $data_dir/outbox; links are also logged below)"
echo "==> open the URL printed below in a browser to create an account and sign in"
exec "$CARGO_TARGET_DIR/release/courier-server" --data-dir "$data_dir" "$@"
