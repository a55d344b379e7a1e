#!/usr/bin/env bash
# Installs what building and testing VisionaryAI needs on Debian 12, only when it is missing:
# the compiler toolchains (g++, and clang with libFuzzer for fuzz/) and libraries (apt) and the npm
# packages of the test suites (npm ci).
# Safe to run again; it does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl ca-certificates libvips-dev libpugixml-dev libspdlog-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium wrk clang-format prometheus
  clang libfuzzer-14-dev libclang-rt-14-dev
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm may come with Node.js itself (e.g. NodeSource builds) rather than Debian's package.
if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
fi
if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null; then
  missing=("${missing[@]/nodejs}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the browser and Azurite test suites (the web UI's own are installed by the build).
if [[ -f tests/package-lock.json ]] &&
   { [[ ! -f tests/node_modules/.package-lock.json ]] || [[ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]]; }; then
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
