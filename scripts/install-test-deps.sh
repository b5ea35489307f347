#!/usr/bin/env bash
# Installs the real components the test suites start as local processes (Debian packages).
# Idempotent: does nothing when everything is already there.
set -euo pipefail

packages=(
  prosody lua-unbound          # XMPP server for handshake tests (lua-unbound: its resolver can use our test DNS)
  pebble                       # Let's Encrypt's ACME test server, with pebble-challtestsrv
  dnsmasq-base                 # test DNS server (binary only, no system service)
  ldnsutils                    # ldns-keygen/ldns-signzone: DNSSEC-signed test zones (DANE tests)
  nsd                          # authoritative server for the signed test zones
  unbound                      # validating resolver for the DANE tests (own config, port and pid file)
  nginx-light                  # a separate web server for reference files and benchmarks
  chromium                     # headless browser for the status page test
  postgresql                   # the cluster store in cluster tests (initdb + postgres started by the tests as the postgres user)
  docker.io                    # the container image test (engine started by scripts/start-docker.sh)
  debootstrap                  # scripts/local-dotnet-images.sh: .NET base images where no registry is reachable
  openssl curl ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian packages start nothing we rely on; make sure no packaged service holds ports or files we need.
for svc in prosody nginx unbound nsd postgresql; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
