#!/usr/bin/env bash
# Fails, naming each file, when a C++ source is not formatted as .clang-format says (fix: make format).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp')
clang-format --dry-run -Werror "${files[@]}"
echo "format: ${#files[@]} C++ files follow .clang-format"
