#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first: formatting,
# clippy with warnings as errors, unit and integration tests of the whole workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

need_build_tools
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
echo "==> all tests passed"
