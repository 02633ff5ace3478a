# Sourced by scripts/serve.sh and scripts/test.sh: what a fresh Debian/Ubuntu machine may lack.
#   apt_need PKG:COMMAND ...  installs (as root or through sudo; `apt-get update` once per run) the
#                             packages whose command is missing
#   venv_install EXTRAS       checks Python >= 3.11, creates .venv (python3-venv if Debian lacks it)
#                             and installs govmedia into it, e.g. venv_install '' or venv_install '[dev]'

apt_install() {
  [ "$#" -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "需要安装 $* ：请以 root 运行或安装 sudo / needs $*: run as root or install sudo" >&2
      exit 1
    fi
    sudo="sudo"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "请先安装 $* / please install $* (this machine has no apt-get)" >&2
    exit 1
  fi
  echo "apt-get install $*" >&2
  # Another apt or dpkg (unattended upgrades, a second terminal) may hold the lock: wait for it, up to 10 minutes.
  local wait=(-o DPkg::Lock::Timeout=600)
  if [ -z "${GOVMEDIA_APT_UPDATED:-}" ]; then
    $sudo apt-get "${wait[@]}" update -qq
    GOVMEDIA_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}

apt_need() {
  local missing=() item
  for item in "$@"; do
    # a command, or a file path (a font has no command)
    { command -v "${item#*:}" || [ -e "${item#*:}" ]; } >/dev/null 2>&1 || missing+=("${item%%:*}")
  done
  apt_install "${missing[@]}"
}

venv_install() {
  apt_need python3:python3
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "需要 Python ≥ 3.11 / needs Python >= 3.11, found $(python3 --version 2>&1)" >&2
    exit 1
  fi
  if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then  # absent, or half-made (no pip)
    # Debian and Ubuntu leave venv's pip bootstrap (ensurepip) to the python3.X-venv package.
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
      apt_install "python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv"
    fi
    rm -rf .venv  # a half-made one from an earlier failed attempt
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$1"
}
