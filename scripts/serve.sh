#!/usr/bin/env bash
# Installs govmedia in a virtual environment, checks the shipped register and serves the public site.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
venv_install ''
.venv/bin/govmedia check
exec .venv/bin/govmedia site serve "$@"
