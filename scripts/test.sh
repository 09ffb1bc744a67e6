#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first: formatting,
# clippy with warnings as errors, unit and integration tests of the whole workspace
# (end-to-end ones included: headless Chromium, an OpenID provider on Node, and a
# throwaway keyring from scripts/with-keyring.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

need_build_tools
need_e2e_tools
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
scripts/with-keyring.sh cargo test --workspace --locked
echo "==> all tests passed"
