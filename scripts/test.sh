#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them all:
# from Debian (only what is missing): git (history rules, pre-commit), openssh-client (ssh-keygen for
# signed approvals), chromium (browser tests; GOVMEDIA_NO_BROWSER=1 skips them), python3-venv;
# a virtual environment with the package and its dev extra; the repository's own pre-commit hooks
# over every file; and the pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

need=(git:git openssh-client:ssh-keygen)
# The path tests/test_browser.py drives (Ubuntu's snap at /snap/bin/chromium is not enough).
# npm installs axe-core (the accessibility engine the browser test runs in the page) into tests/js/node_modules.
# A Chinese font, so that the screenshots the browser test makes for docs/verify.md show text, not boxes.
if [ -z "${GOVMEDIA_NO_BROWSER:-}" ]; then
  need+=(chromium:/usr/bin/chromium npm:npm fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc)
fi
apt_need "${need[@]}"
if [ -z "${GOVMEDIA_NO_BROWSER:-}" ]; then
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi
venv_install '[dev]'
export PATH="$PWD/.venv/bin:$PATH"

# The repository's own hooks pass on itself (ruff, mypy, schema drift, govmedia check), checked at the shipped
# register's date: nothing here reads the real date, so time alone never turns it red.
GOVMEDIA_TODAY="${GOVMEDIA_TODAY:-2026-12-07}" pre-commit run --all-files --show-diff-on-failure

pytest -n auto "$@"
