# Shared by scripts/run.sh and scripts/test.sh: a stable build folder outside the
# clone (so repeated runs stay incremental) and installing Debian packages on demand.

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/courier/target 2>/dev/null && [ -w /var/cache/courier/target ]; then
    export CARGO_TARGET_DIR=/var/cache/courier/target
  else
    export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/courier/target"
  fi
fi

# need_packages CMD:PACKAGE ... installs each PACKAGE whose CMD (a program, or a
# path starting with /) is missing. Needs root or sudo.
need_packages() {
  local missing=() spec cmd pkg
  for spec in "$@"; do
    cmd="${spec%%:*}" pkg="${spec#*:}"
    if [[ "$cmd" == /* ]]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_build_tools() {
  need_packages cc:build-essential pkg-config:pkg-config
}

# need_e2e_tools installs what the end-to-end tests (crate tests/, courier-tests) run:
# headless Chromium and its WebDriver, a throwaway Secret Service (gnome-keyring on a
# private D-Bus session, see scripts/with-keyring.sh) with secret-tool, and the npm
# packages of the independent OpenID provider in tests/oidc-provider (needs Node 20+).
need_e2e_tools() {
  need_packages /usr/bin/chromium:chromium /usr/bin/chromedriver:chromium-driver \
    gnome-keyring-daemon:gnome-keyring dbus-daemon:dbus-daemon \
    dbus-run-session:dbus-daemon dbus-launch:dbus-x11 secret-tool:libsecret-tools \
    node:nodejs npm:npm
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || echo "warning: Node $(node --version) is older than 20; oidc-provider 9 may not run" >&2
  local provider=tests/oidc-provider
  # Reinstall when the lock file is newer than the last install.
  if [ ! -d "$provider/node_modules" ] \
    || [ "$provider/package-lock.json" -nt "$provider/node_modules/.package-lock.json" ]; then
    echo "==> npm ci --prefix $provider"
    npm ci --prefix "$provider" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

# need_ui_deps installs the desktop UI's npm packages (ui/, React + Vite, Node 20.19+)
# with `npm ci` when ui/node_modules is missing or older than ui/package-lock.json.
need_ui_deps() {
  need_packages node:nodejs npm:npm
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || echo "warning: Node $(node --version) is older than 20.19; Vite 8 may not run" >&2
  # npm ci writes node_modules/.package-lock.json last, so its age is the install's.
  if [ ! -f ui/node_modules/.package-lock.json ] \
    || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "==> npm ci --prefix ui"
    npm ci --prefix ui --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

# need_desktop_tools installs what building and driving the Tauri desktop app needs:
# WebKitGTK headers, Xvfb to give it a display in tests, and the WebDriver pair the
# desktop end-to-end tests use (WebKitWebDriver from Debian, tauri-driver from crates.io).
need_desktop_tools() {
  need_packages /usr/lib/x86_64-linux-gnu/pkgconfig/webkit2gtk-4.1.pc:libwebkit2gtk-4.1-dev \
    /usr/lib/x86_64-linux-gnu/pkgconfig/librsvg-2.0.pc:librsvg2-dev \
    xvfb-run:xvfb xauth:xauth /usr/bin/WebKitWebDriver:webkit2gtk-driver dbus-launch:dbus-x11
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "==> cargo install tauri-driver"
    cargo install tauri-driver --version '^2' --locked --quiet
  fi
}

# need_postgres installs Debian's PostgreSQL server for scripts/with-postgres.sh, which
# starts a throwaway cluster of its own; Debian's usual `main` cluster is not created
# (nothing listens on port 5432 because of the tests).
need_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      $sudo mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    need_packages /usr/lib/postgresql:postgresql
  fi
}

# need_nginx installs Debian's nginx for the test that puts two server instances behind
# it (crates/server/tests/behind_nginx.rs starts its own nginx on a free loopback port).
# The package's own service is kept from starting on install: a policy-rc.d that
# refuses every start is put in place for the install (unless one is there already,
# as in Docker images) and removed after it, so nothing listens on port 80 because of
# the tests.
need_nginx() {
  # openssl makes the throwaway certificate scripts/check-deploy.sh tests nginx.conf with.
  need_packages /usr/bin/openssl:openssl
  [ -x /usr/sbin/nginx ] && return 0
  local sudo="" guard=/usr/sbin/policy-rc.d made_guard="" status=0
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -e "$guard" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$guard" >/dev/null
    $sudo chmod +x "$guard"
    made_guard=1
  fi
  need_packages /usr/sbin/nginx:nginx || status=$?
  if [ -n "$made_guard" ]; then $sudo rm -f "$guard"; fi
  return "$status"
}

# need_contract_tools installs Schemathesis (PyPI) into a virtualenv beside the build
# folder and exports COURIER_SCHEMATHESIS, the `st` the API contract test runs.
SCHEMATHESIS_VERSION="4.32.5"
need_contract_tools() {
  need_packages python3:python3
  # Debian splits venv's pip bootstrap (ensurepip) into python3-venv.
  python3 -c 'import ensurepip' 2>/dev/null || need_packages /usr/share/doc/python3-venv:python3-venv
  local venv
  venv="$(dirname "$CARGO_TARGET_DIR")/schemathesis-venv"
  if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "==> pip install schemathesis==$SCHEMATHESIS_VERSION (into $venv)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  export COURIER_SCHEMATHESIS="$venv/bin/st"
}
