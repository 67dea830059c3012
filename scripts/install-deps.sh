#!/usr/bin/env bash
# Installs every Debian 12 package govinspect needs to build, test and run.
# Idempotent; the only set-up step. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  clang lld llvm libclang-rt-14-dev python3
  # gRPC / protobuf / abseil
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libabsl-dev
  # storage / queue
  libhiredis-dev redis-server redis-tools
  # metrics
  prometheus-cpp-dev
  # http, html, charsets, text
  libcurl4-openssl-dev libssl-dev libxml2-dev libuchardet-dev libre2-dev
  nlohmann-json3-dev libevent-dev zlib1g-dev libcsv-dev
  # registry URLs: IDNA (中山.政务) and NFKC (full-width forms)
  libidn2-dev libicu-dev
  # allocator of the service binaries
  libjemalloc-dev
  # reports (通报: PDF via cairo/pango with CJK fonts, XLSX), rulesets
  libcairo2-dev libpango1.0-dev fonts-noto-cjk libxlsxwriter-dev libyaml-cpp-dev
  poppler-utils python3-openpyxl
  # deployment checks: promtool, prometheus, redis exporter
  prometheus prometheus-redis-exporter
  # crawl benchmark baselines
  nginx-light wget
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev curl procps python3-yaml
  # the TLS fetch test's server and certificates
  openssl
  # the container end-to-end test (tests/deploy/container_e2e.sh): dockerd and a Debian 12 root
  docker.io debootstrap
  # simprovince benchmarks (load generator; /usr/bin/time for peak memory)
  wrk time
)

# npm (for the crawl benchmark's linkinator baseline) from Debian unless a node is already there.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian redis-server package starts a system instance; govinspect never uses it
# (every run and test starts its own on loopback or a unix socket).
