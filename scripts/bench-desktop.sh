#!/usr/bin/env bash
# Desktop benchmarks, Courier beside a bare Tauri window built from the same Tauri
# version (benches/bare-window), both release builds, under Xvfb and a throwaway
# keyring, measured in one run:
#   - cold start: exec → the first screen reports it is ready (p50 of RUNS starts);
#   - memory: PSS summed over the app and its WebKit processes after 5 s idle (and
#     each start's split by process: the app, WebKitWebProcess, WebKitNetworkProcess);
#   - Courier both signed in to one account (signed-in-fixture: a real server, a real
#     sign-in into the run's data folder and keyring), on the welcome, no account, and
#     with the Scratch Pad holding 10,000 requests in 500 folders on screen
#     (work-fixture: imported as the app's Import… does);
#   - the JavaScript the UI ships (gzipped) and the .deb size (with BUNDLE=1).
# Usage: scripts/bench-desktop.sh            (RUNS=7 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
need_build_tools
need_ui_deps
need_desktop_tools

runs="${RUNS:-7}"
npm run --prefix ui --silent build >/dev/null
echo "==> building both apps (release)"
cargo build --release --locked --quiet -p courier-desktop --features custom-protocol
(cd benches/bare-window && cargo build --release --quiet --features custom-protocol)
courier="$CARGO_TARGET_DIR/release/courier"
cargo build --release --locked --quiet -p courier-tests --bin signed-in-fixture --bin work-fixture
bare="$CARGO_TARGET_DIR/release/bare-window"
fixture="$CARGO_TARGET_DIR/release/signed-in-fixture"
work_fixture="$CARGO_TARGET_DIR/release/work-fixture"

cat > "${TMPDIR:-/tmp}/courier-bench-desktop.sh" <<'INNER'
set -euo pipefail
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
pss_mb() { # sum of Pss over a process and its descendants, in MB
  local total=0 pid kb
  for pid in "$1" $(descendants "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}
pss_parts() { # Pss by process name over a process and its descendants, in MB
  local pid kb name
  for pid in "$1" $(descendants "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    name=$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)
    echo "$name ${kb:-0}"
  done | awk '{kb[$1] += $2} END {for (n in kb) printf "%s=%d ", n, kb[n] / 1024}'
}
sign_in_first() { # data_dir service -> prints the fixture server's origin; FIXTURE_PID set
  local out; out=$(mktemp)
  COURIER_DATA_DIR="$1" COURIER_KEYRING_SERVICE="$2" "$FIXTURE" >"$out" 2>/dev/null &
  FIXTURE_PID=$!
  for _ in $(seq 1 400); do
    grep -q '^ready ' "$out" && break
    kill -0 "$FIXTURE_PID" 2>/dev/null || { echo "the signed-in fixture stopped" >&2; exit 1; }
    sleep 0.05
  done
  awk '/^ready / {print $2}' "$out"; rm -f "$out"
}
measure() { # name binary mode(0|1|work): 1 starts signed in to one account; work starts
  # with no account and the Scratch Pad holding 10,000 requests (work-fixture)
  local name=$1 binary=$2 accounts=$3 starts=() pss=() i log pid ms server="" service
  for i in $(seq 1 "$RUNS"); do
    log=$(mktemp); data=$(mktemp -d); service="courier-bench-$name-$i"; FIXTURE_PID=""
    if [ "$accounts" = 1 ]; then server=$(sign_in_first "$data" "$service"); fi
    if [ "$accounts" = work ]; then
      COURIER_DATA_DIR="$data" COURIER_KEYRING_SERVICE="$service" "$WORK_FIXTURE" >/dev/null
    fi
    COURIER_DATA_DIR="$data" COURIER_KEYRING_SERVICE="$service" COURIER_SERVER="${server:-http://127.0.0.1:9}" \
      NO_AT_BRIDGE=1 "$binary" 2>"$log" >/dev/null &
    pid=$!
    ms=""
    for _ in $(seq 1 400); do
      ms=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n 's/.*first screen ready after \([0-9]*\) ms.*/\1/p; s/.*first screen ready elapsed_ms=\([0-9]*\).*/\1/p' | head -n 1)
      [ -n "$ms" ] && break
      sleep 0.05
    done
    [ -n "$ms" ] || { echo "$name did not report its first screen; log:"; cat "$log"; kill "$pid"; exit 1; }
    if [ "$name" != bare ] && ! sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -q "first screen ready.* accounts=${accounts/work/0}"; then
      echo "$name started with the wrong number of accounts (wanted $accounts); log:"; cat "$log"; kill "$pid"; exit 1
    fi
    starts+=("$ms")
    sleep 5
    pss+=("$(pss_mb "$pid")")
    echo "$name parts_mb[$i]: $(pss_parts "$pid")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [ -n "$FIXTURE_PID" ]; then kill "$FIXTURE_PID"; wait "$FIXTURE_PID" 2>/dev/null || true; fi
    rm -rf "$log" "$data"
  done
  local sorted_starts sorted_pss
  sorted_starts=$(printf '%s\n' "${starts[@]}" | sort -n | tr '\n' ' ')
  sorted_pss=$(printf '%s\n' "${pss[@]}" | sort -n | tr '\n' ' ')
  echo "$name start_ms: $sorted_starts"
  echo "$name pss_mb: $sorted_pss"
}
measure bare "$BARE" 0
measure welcome "$COURIER" 0
measure courier "$COURIER" 1
measure work10k "$COURIER" work
INNER
echo "==> measuring ($runs starts each)"
RUNS="$runs" BARE="$bare" COURIER="$courier" FIXTURE="$fixture" WORK_FIXTURE="$work_fixture" xvfb-run -a -s "-screen 0 1280x800x24" \
  scripts/with-keyring.sh bash "${TMPDIR:-/tmp}/courier-bench-desktop.sh" 2>/dev/null | tee /tmp/courier-bench-desktop.out
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bs=$(sed -n 's/^bare start_ms: //p' /tmp/courier-bench-desktop.out | median)
cs=$(sed -n 's/^courier start_ms: //p' /tmp/courier-bench-desktop.out | median)
bp=$(sed -n 's/^bare pss_mb: //p' /tmp/courier-bench-desktop.out | median)
cp=$(sed -n 's/^courier pss_mb: //p' /tmp/courier-bench-desktop.out | median)
ws=$(sed -n 's/^welcome start_ms: //p' /tmp/courier-bench-desktop.out | median)
wp=$(sed -n 's/^welcome pss_mb: //p' /tmp/courier-bench-desktop.out | median)
kp=$(sed -n 's/^work10k pss_mb: //p' /tmp/courier-bench-desktop.out | median)
ks=$(sed -n 's/^work10k start_ms: //p' /tmp/courier-bench-desktop.out | median)
js=$(for f in ui/dist/assets/*.js; do gzip -9c "$f" | wc -c; done | awk '{s+=$1} END {print s}')
echo
echo "| measure | bare window | Courier | ratio | target |"
echo "|---|---|---|---|---|"
awk -v b="$bs" -v c="$cs" 'BEGIN {printf "| cold start to first screen (signed in), p50 | %d ms | %d ms | %.2f | <= 1.3 |\n", b, c, c/b}'
awk -v b="$bp" -v c="$cp" 'BEGIN {printf "| memory, PSS of app + WebKit, signed in and idle | %d MB | %d MB | %.2f | <= 1.3 |\n", b, c, c/b}'
awk -v b="$bs" -v c="$ws" 'BEGIN {printf "| cold start to the welcome (no account), p50 | %d ms | %d ms | %.2f | |\n", b, c, c/b}'
awk -v b="$bp" -v c="$wp" 'BEGIN {printf "| memory on the welcome (no account), idle | %d MB | %d MB | %.2f | |\n", b, c, c/b}'
awk -v b="$bp" -v c="$kp" 'BEGIN {printf "| memory, idle with a 10,000-request workspace on screen | %d MB | %d MB | %.2f | <= 1.3 |\n", b, c, c/b}'
awk -v b="$bs" -v c="$ks" 'BEGIN {printf "| cold start to first screen with that workspace, p50 | %d ms | %d ms | %.2f | |\n", b, c, c/b}'
echo "| UI JavaScript, gzipped | | $((js / 1024)) KB | | <= 250 KB |"
if [ "${BUNDLE:-0}" = 1 ]; then
  echo "==> bundling the .deb"
  (cd src-tauri && npx --yes @tauri-apps/cli@^2 build --bundles deb >/dev/null)
  deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)
  echo "| .deb size | | $(( $(stat -c %s "$deb") / 1024 / 1024 )) MB ($deb) | | <= 10 MB |"
fi
