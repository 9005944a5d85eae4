#!/bin/sh
# Install what building and testing wikipack needs on Debian 12 (or Ubuntu).
# Runs apt-get through sudo when not already root.
set -eu
SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential cmake pkg-config man-db groff-base \
    libzstd-dev libxxhash-dev libjansson-dev libutf8proc-dev libstemmer-dev \
    libyaml-dev libexpat1-dev libbz2-dev zlib1g-dev libsodium-dev \
    nginx \
    libmicrohttpd-dev libmd4c-dev libmd4c-html0-dev chromium chromium-driver python3-selenium \
    libcurl4-openssl-dev libarchive-dev python3 python3-xxhash python3-zstandard python3-nacl zstd clang libclang-rt-dev valgrind \
    bsdutils wrk \
    python3-dev python3-cffi python3-pytest python3-setuptools python3-pip python3-venv \
    libfuse3-dev fuse3 >/dev/null
echo "dependencies installed"
