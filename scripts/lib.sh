# Shared by scripts/test and scripts/run: system packages, the virtualenv, a throwaway PostgreSQL.
# Source it from the repository root; every function is idempotent.

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Debian packages the project needs, installed only when a binary is missing (needs root).
ensure_system_packages() {
  local wanted=()
  command -v "$PYTHON" >/dev/null || wanted+=(python3 python3-venv)
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || wanted+=(python3-venv)
  if [ "${1:-}" = with-services ]; then
    command -v redis-server >/dev/null || wanted+=(redis-server)
    [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || wanted+=(postgresql)
  fi
  [ ${#wanted[@]} -eq 0 ] && return 0
  log "apt-get install ${wanted[*]}"
  [ "$(id -u)" = 0 ] || { echo "need root to install: ${wanted[*]}" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

# .venv with the project and its test extras; reinstalled only when pyproject.toml changes.
ensure_venv() {
  local stamp="$VENV/.installed-pyproject"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
  fi
  if ! cmp -s pyproject.toml "$stamp"; then
    log "pip install -e '.[test]'"
    # setuptools' build warnings are noise here; show pip's output only when it fails
    if ! "$VENV/bin/pip" install -q --disable-pip-version-check -e '.[test]' >"$VENV/pip.log" 2>&1; then
      cat "$VENV/pip.log" >&2
      return 1
    fi
    cp pyproject.toml "$stamp"
  fi
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway PostgreSQL cluster under $1 (a fresh directory), on port $2, trust auth on
# loopback only, fsync off. Sets PG_DATA_DIR; exports DATABASE_URL for database "app".
pg_start() {
  local dir=$1 port=$2 bin
  bin=$(pg_bindir)
  PG_DATA_DIR="$dir/data"
  local as=()
  if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
    chown postgres:postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$PG_DATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DATA_DIR" -l "$dir/server.log" -w -o \
    "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE app" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/app"
}

# Fast shutdown of the cluster pg_start made, waiting for it to exit.
pg_stop() {
  [ -n "${PG_DATA_DIR:-}" ] && [ -f "$PG_DATA_DIR/postmaster.pid" ] || return 0
  local pid
  pid=$(head -1 "$PG_DATA_DIR/postmaster.pid")
  kill -INT "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# Node.js and npm from Debian when missing (needs root), the front-end packages pinned in
# package-lock.json (`npm ci`, only when the lock file changed) and GOV.UK Frontend built into
# peerchallenge/static/vendor/ with accessible-autocomplete (frontend/build.sh, only when its
# inputs changed).
ensure_frontend() {
  if ! command -v npm >/dev/null; then
    log "apt-get install nodejs npm"
    [ "$(id -u)" = 0 ] || { echo "need root to install: nodejs npm" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if ! cmp -s package-lock.json node_modules/.installed-package-lock; then
    log "npm ci"
    # --ignore-scripts: nothing we use needs an install script (sass is plain JavaScript)
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json node_modules/.installed-package-lock
  fi
  local stamp=node_modules/.built-frontend inputs
  inputs=$(cat package-lock.json frontend/* | sha256sum)
  if [ ! -f peerchallenge/static/vendor/govuk/govuk-frontend.min.css ] \
    || [ ! -f peerchallenge/static/vendor/accessible-autocomplete/accessible-autocomplete.min.js ] \
    || [ "$inputs" != "$(cat "$stamp" 2>/dev/null)" ]; then
    log "building GOV.UK Frontend into peerchallenge/static/vendor/"
    sh frontend/build.sh
    printf '%s' "$inputs" >"$stamp"
  fi
}

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never
# downloads a browser of its own).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  log "apt-get install chromium"
  [ "$(id -u)" = 0 ] || { echo "need root to install: chromium" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}
