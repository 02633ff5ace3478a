#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them all:
# Debian's chromium (browser tests), a virtual environment with the package and its dev extra,
# the repository's own pre-commit hooks over every file, and the pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ -z "${GOVMEDIA_NO_BROWSER:-}" ]; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
export PATH="$PWD/.venv/bin:$PATH"

# The repository's own hooks pass on itself (ruff, mypy, schema drift, govmedia check).
pre-commit run --all-files --show-diff-on-failure

pytest "$@"
