#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first: formatting, the
# desktop UI (tsc, Biome, Vitest, Vite build), one build of the workspace linted by
# clippy with warnings as errors, the bindings drift check, then the unit and
# integration tests of the whole workspace (end-to-end ones
# included: headless Chromium, an OpenID provider on Node, a throwaway keyring from
# scripts/with-keyring.sh, the desktop app under Xvfb driven by tauri-driver,
# Schemathesis checking the account API against its OpenAPI document, and a throwaway
# PostgreSQL from scripts/with-postgres.sh for the tests of several server instances,
# one of them behind an nginx it starts itself),
# and the storage conformance suite and the server's tests a second time, on that
# PostgreSQL (each test server on a database of its own).
#
# `--quick` is the edit loop's tier: formatting, clippy and the tests that need no
# browser, window, keyring or Node (unit tests and the storage conformance suite),
# skipping the desktop crate (it needs WebKit). The README's test command and CI run
# the full set.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

if [ "${1:-}" = "--quick" ]; then
  need_build_tools
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
  echo "==> cargo fmt --check"
  cargo fmt --all -- --check
  echo "==> cargo clippy (warnings are errors; without the desktop crate)"
  cargo clippy --workspace --exclude courier-desktop --all-targets --locked -- -D warnings
  echo "==> unit tests and the storage conformance suite"
  cargo test --workspace --exclude courier-desktop --exclude courier-tests --lib --locked
  cargo test -p courier-store --test conformance --locked
  echo "==> quick tier passed (the full suite: bash scripts/test.sh)"
  exit 0
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--quick]" >&2
  exit 2
fi

need_build_tools
need_e2e_tools
need_ui_deps
need_desktop_tools
need_contract_tools
need_postgres
need_nginx
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> UI: typecheck"
npm run --prefix ui --silent typecheck
echo "==> UI: lint (Biome; npm run --prefix ui format fixes the format and import order)"
npm run --prefix ui --silent lint
npm run --prefix ui --silent format:check
echo "==> UI: tests"
npm test --prefix ui --silent
echo "==> UI: build"
npm run --prefix ui --silent build

# One build of the whole workspace serves every step below: libraries, binaries (the
# desktop app the end-to-end tests drive), tests and benches (in the test profile),
# with the `ts` features (exporting the bindings is a test of it), and clippy's lints
# on the workspace's own crates, warnings as errors, on the way: clippy-driver wraps
# rustc for them, which is what `cargo clippy` does, so the lints cost no second pass
# over the dependencies. Every cargo call below passes the same features under the
# same wrapper, so none of them builds anything again (on a cold build folder this
# halves the time).
export RUSTC_WORKSPACE_WRAPPER
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
workspace=(--workspace --locked --features courier-client/ts)
echo "==> cargo build of the whole workspace, linted by clippy (warnings are errors)"
cargo build "${workspace[@]}" --all-targets

echo "==> UI: IPC bindings and command map up to date (ts-rs)"
# Regenerates ui/src/bindings from the Rust types (proto, client and workspace)
# (TS_RS_EXPORT_DIR in .cargo/config.toml) and ui/src/ipc/commands.ts from the IPC
# command table (crates/client/src/app/ipc); any difference from the committed files
# means they were not regenerated and committed.
cargo test "${workspace[@]}" --lib --quiet -- export_
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  drift="$(git status --porcelain -- ui/src/bindings ui/src/ipc/commands.ts)"
  if [ -n "$drift" ]; then
    echo "error: ui/src/bindings or ui/src/ipc/commands.ts is not what the Rust types generate:" >&2
    echo "$drift" >&2
    echo "Commit the regenerated files (cargo test -p courier-proto -p courier-client -p courier-workspace --features ts --lib writes them)." >&2
    exit 1
  fi
fi

echo "==> cargo test (under Xvfb, a throwaway keyring and a throwaway PostgreSQL; the desktop tests drive the real window)"
xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh scripts/with-postgres.sh \
  cargo test "${workspace[@]}"
echo "==> deployment files (deploy/): nginx -t, systemd-analyze verify"
target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
scripts/check-deploy.sh "$target_dir/debug/courier-server"
echo "==> on PostgreSQL: the storage conformance suite and the server's tests again"
# Every server test target (with --workspace, a client test of the same name runs too),
# except those that always run on PostgreSQL (several instances, behind nginx): they
# ran above already.
server_tests=()
for file in crates/server/tests/*.rs; do
  name="$(basename "$file" .rs)"
  case "$name" in instances | behind_nginx) continue ;; esac
  server_tests+=(--test "$name")
done
xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh scripts/with-postgres.sh \
  bash -c 'COURIER_TEST_DATABASE_URL="$COURIER_TEST_POSTGRES_URL" COURIER_TEST_SERVER_DATABASE=postgres "$@"' -- \
  cargo test "${workspace[@]}" --test conformance "${server_tests[@]}"
echo "==> all tests passed"
