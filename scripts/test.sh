#!/usr/bin/env bash
# Sets up, builds and runs every test (what CI runs). Usage: bash scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
preset=${VELA_PRESET:-ci}
cmake --preset "$preset"
cmake --build --preset "$preset"
# Format check: the tree must already be formatted with the root .clang-format.
git ls-files '*.cpp' '*.h' | xargs -r clang-format --dry-run --Werror
ctest --preset "$preset" -j "$(nproc)" "$@"
