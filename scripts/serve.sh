#!/usr/bin/env bash
# Installs govmedia in a virtual environment, checks the shipped register and serves the public site.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/govmedia check
exec .venv/bin/govmedia site serve "$@"
