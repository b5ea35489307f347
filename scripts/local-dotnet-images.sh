#!/usr/bin/env bash
# Builds local stand-ins for the two .NET base images the Dockerfile starts from, for machines that reach
# Debian's package mirror and NuGet but no container registry (as the CI machines do). On a machine that
# reaches mcr.microsoft.com this is not needed: `docker build` pulls the real images (README
# "Container image test"). Set POSH_USE_REGISTRY_IMAGES=1 to skip it there.
#
#   scripts/local-dotnet-images.sh            # builds both tags if missing
#   FORCE=1 scripts/local-dotnet-images.sh    # rebuilds them
#
# Result (local only, never pushed), tagged with the official names so the Dockerfile builds unchanged:
#   mcr.microsoft.com/dotnet/sdk:10.0     Debian bookworm minbase + this machine's .NET SDK
#   mcr.microsoft.com/dotnet/aspnet:10.0  Debian bookworm minbase + the ASP.NET Core runtime
# Both have ca-certificates, a non-root user 'app' (uid 1654, as in the official images) and APP_UID=1654.
#
# Needs: root, a running docker engine (scripts/start-docker.sh), debootstrap, and the .NET SDK.
set -euo pipefail

export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41}
if [[ -n ${POSH_USE_REGISTRY_IMAGES:-} ]]; then
  echo "POSH_USE_REGISTRY_IMAGES set: docker build pulls the official .NET images"; exit 0
fi

DOTNET_ROOT=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
WORK=${WORK_DIR:-/var/tmp/poshserver-dotnet-images}
have() { docker image inspect "$1" >/dev/null 2>&1; }
if [[ -z ${FORCE:-} ]] && have mcr.microsoft.com/dotnet/sdk:10.0 && have mcr.microsoft.com/dotnet/aspnet:10.0; then
  echo "local .NET base images already present"; exit 0
fi

# The Debian mirror this machine's apt already uses (deb822 sources first, then the one-line format).
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 || true)
if [[ -z $mirror ]]; then
  mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\)[[:space:]]\+bookworm[[:space:]].*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1 || true)
fi
[[ -n $mirror ]] || { echo "no Debian mirror found in the apt sources" >&2; exit 1; }

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
mkdir -p "$WORK"
base=$WORK/rootfs
if [[ ! -x $base/bin/bash ]]; then
  rm -rf "$base"
  echo "debootstrap bookworm from $mirror (log: $WORK/debootstrap.log)"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata,curl bookworm "$base" "$mirror" >"$WORK/debootstrap.log" 2>&1
  chroot "$base" /bin/sh -c 'groupadd -g 1654 app && useradd -u 1654 -g 1654 -m -s /bin/sh app'
  rm -rf "$base"/var/cache/apt/archives/*.deb "$base"/var/lib/apt/lists/*
fi

build() { # tag, then the .NET install's subfolders to include
  local tag=$1; shift
  local img=$WORK/img-${tag//[^a-z0-9]/_}
  rm -rf "$img"; cp -a "$base" "$img"
  mkdir -p "$img/usr/share/dotnet"
  cp -a "$DOTNET_ROOT/dotnet" "$img/usr/share/dotnet/"
  [[ -f $DOTNET_ROOT/LICENSE.txt ]] && cp -a "$DOTNET_ROOT/LICENSE.txt" "$img/usr/share/dotnet/"
  for part in "$@"; do
    mkdir -p "$img/usr/share/dotnet/$(dirname "$part")"
    cp -a "$DOTNET_ROOT/$part" "$img/usr/share/dotnet/$part"
  done
  ln -sf /usr/share/dotnet/dotnet "$img/usr/bin/dotnet"
  # This machine's trust anchors, so that a NuGet restore inside the build trusts what the host trusts.
  cp -a /etc/ssl/certs/. "$img/etc/ssl/certs/"
  if [[ -d /usr/local/share/ca-certificates ]]; then
    cp -a /usr/local/share/ca-certificates/. "$img/usr/local/share/ca-certificates/"
  fi
  tar -C "$img" -c . | docker import \
    -c 'ENV DOTNET_ROOT=/usr/share/dotnet APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_NOLOGO=1' \
    -c 'WORKDIR /' - "$tag" >/dev/null
  rm -rf "$img"
  echo "built $tag"
}
build mcr.microsoft.com/dotnet/aspnet:10.0 host shared
build mcr.microsoft.com/dotnet/sdk:10.0 host shared sdk packs templates sdk-manifests
