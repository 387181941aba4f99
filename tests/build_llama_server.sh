#!/usr/bin/env bash
# Build llama.cpp's llama-server, for the tests that run the appliance against an OpenAI-compatible
# inference server (tests/test_real_backends.py). Built from the llama.cpp sources vendored in the
# llama-cpp-python source distribution the appliance already uses, with the same portable CPU flags as the
# Python wheel, so no other source is fetched; the binary is kept beside the wheel (.wheels/, git-ignored)
# and built once: rerunning with the same flags and version does nothing.
#
#   tests/build_llama_server.sh                 (install.sh --dev runs it)
#   RAGBOT_LLAMA_CMAKE_ARGS="..." tests/build_llama_server.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# install.sh passes the pin from pyproject.toml; run alone, the script reads it from there too.
readonly LLAMA_VERSION="${RAGBOT_LLAMA_VERSION:-$(sed -n 's/^ *"llama-cpp-python==\([^"]*\)",*$/\1/p' pyproject.toml)}"
readonly OUT_DIR="${RAGBOT_LLAMA_SERVER_DIR:-.wheels}"
readonly BINARY="$OUT_DIR/llama-server"
readonly STAMP="$OUT_DIR/llama-server.flags"
readonly SDIST="$OUT_DIR/llama_cpp_python-$LLAMA_VERSION.tar.gz"
readonly PIP="${PIP:-.venv/bin/pip}"

# The wheel's own flags when install.sh recorded them (the same CPU support for both), else the portable
# default install.sh uses on a CPU without AVX-512.
flags="${RAGBOT_LLAMA_CMAKE_ARGS:-$(cat "$OUT_DIR/llama-cpp-python.flags" 2>/dev/null || true)}"
flags="${flags:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF}"
wanted="$LLAMA_VERSION $flags"

if [[ -x "$BINARY" && "$(cat "$STAMP" 2>/dev/null || true)" == "$wanted" ]]; then
    echo "==> llama-server already built ($BINARY, llama-cpp-python $LLAMA_VERSION sources)"
    exit 0
fi
mkdir -p "$OUT_DIR"
if [[ ! -f "$SDIST" ]]; then
    echo "==> downloading the llama-cpp-python $LLAMA_VERSION source distribution into $OUT_DIR/"
    "$PIP" download --no-deps --no-binary :all: -d "$OUT_DIR" "llama-cpp-python==$LLAMA_VERSION"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$SDIST" -C "$work"
src="$work/llama_cpp_python-$LLAMA_VERSION/vendor/llama.cpp"
[[ -f "$src/CMakeLists.txt" ]] || { echo "build_llama_server.sh: no vendored llama.cpp in $SDIST" >&2; exit 1; }

echo "==> building llama-server with: $flags (several minutes)"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# The tests need no web UI: without LLAMA_USE_PREBUILT_UI=OFF the build tries to download one from Hugging Face.
# shellcheck disable=SC2086  # the flags are a list of words
cmake -S "$src" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release $flags \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_USE_PREBUILT_UI=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >"$work/configure.log" ||
    { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" --target llama-server -j "$(nproc)"
install -m 0755 "$work/build/bin/llama-server" "$BINARY"
printf '%s\n' "$wanted" >"$STAMP"
echo "==> built $BINARY"
