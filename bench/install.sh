#!/usr/bin/env bash
# Installs the Debian packages the benchmarks use (run as root, or through sudo).
# wrk: HTTP/1.1 load; nginx-light: the baseline; nghttp2-client: h2load for HTTP/2; openssl and curl: certificates and probes.
set -euo pipefail
packages=(wrk nginx-light nghttp2-client openssl curl jq procps util-linux)
if [[ $(id -u) -ne 0 ]]; then
    exec sudo "$0" "$@"
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
