#!/usr/bin/env bash
# Installs govmedia with the site extra in a virtual environment, checks the shipped register and serves the
# public site. Stopping this script (Ctrl-C, closing the terminal, `kill <its PID>`) stops the server too.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
venv_install '[site]'
.venv/bin/govmedia check
if ! command -v setsid >/dev/null 2>&1; then  # no util-linux (macOS): the server takes this script's place
  exec .venv/bin/govmedia site serve "$@"
fi
# `govmedia site serve` runs `mkdocs serve` as its child. Both run in a process group of their own, and the
# whole group is stopped with this script: killing only this script's PID would leave the server running.
setsid .venv/bin/govmedia site serve "$@" &
server=$!
trap 'kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; exit 143' TERM INT HUP
wait "$server"
