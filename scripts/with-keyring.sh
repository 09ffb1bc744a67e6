#!/usr/bin/env bash
# Runs CMD inside a private D-Bus session with a throwaway, unlocked gnome-keyring, so
# Secret Service clients (the keyring crates, secret-tool) work headless and never see
# a real keyring. Everything it creates is removed when CMD ends.
# Usage: scripts/with-keyring.sh CMD [ARGS...]   (needs dbus-run-session, gnome-keyring)
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$0: $tool is missing (source scripts/common.sh && need_e2e_tools)" >&2
    exit 127
  }
done

# The keyring file lives under XDG_DATA_HOME (keyrings/login.keyring); moving that
# rather than HOME keeps cargo's and rustup's folders where they are.
XDG_DATA_HOME="$(mktemp -d -t courier-keyring-data.XXXXXX)"
XDG_RUNTIME_DIR="$(mktemp -d -t courier-keyring-run.XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME XDG_RUNTIME_DIR
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"' EXIT

# COURIER_TEST_KEYRING tells tests that the keyring they see is a throwaway one.
export COURIER_TEST_KEYRING=1
status=0
dbus-run-session -- bash -c '
  eval "$(printf %s throwaway-keyring-password | gnome-keyring-daemon --unlock --components=secrets)"
  exec "$@"' with-keyring "$@" || status=$?
exit "$status"
