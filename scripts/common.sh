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
