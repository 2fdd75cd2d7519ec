#!/usr/bin/env bash
# Installs what vela needs to build and test on Debian 12: Debian packages (build tools, libraries,
# reference implementations, Chromium for the web UI test) and the npm packages the tests compare against
# (tests/package.json).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config git clang-format
  nlohmann-json3-dev libcpp-httplib-dev libpcre2-dev libutf8proc-dev libcli11-dev libspdlog-dev
  libfmt-dev libyaml-cpp-dev libvalijson-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
  json-schema-test-suite python3 python3-jinja2 chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: node and npm are required (Node 20); install them first" >&2
  exit 1
fi
# The reference implementations for tests, pinned by tests/package-lock.json. npm ci refuses a lock that
# lists other platforms' optional packages, so this is npm install --no-save. --omit=optional skips
# node-llama-cpp's GPU builds (its CPU build is a direct dependency); --ignore-scripts because nothing
# here needs to build or download anything.
if ! cmp -s tests/package-lock.json tests/node_modules/.vela-lock 2>/dev/null; then
  echo "setup: installing npm packages for tests"
  (cd tests && npm install --no-save --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp tests/package-lock.json tests/node_modules/.vela-lock
fi
echo "setup: done"
