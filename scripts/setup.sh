#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian machine: the virtualenv with the
# project and its test tools, and for the tests Debian's Chromium (browser tests) and
# PostgreSQL (the tests start a server of their own with its binaries; none is configured here),
# and wrk for the benchmark's load stage.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=${1:-}
PY=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_browser" = "--test" ]; then
    .venv/bin/python -m pip install --quiet -e '.[test]'
else
    .venv/bin/python -m pip install --quiet -e .
fi

apt_install() {
    # Debian packages for the tests; installed only when missing.
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install ${missing[*]})" >&2
        return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "$want_browser" = "--test" ]; then
    apt_install chromium poppler-utils postgresql nginx wrk
    # axe-core, injected into pages by the accessibility tests.
    if [ ! -f node_modules/axe-core/axe.min.js ]; then
        command -v npm >/dev/null || apt_install npm
        npm ci --no-audit --no-fund --silent
    fi
fi
