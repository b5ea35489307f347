#!/usr/bin/env bash
# Starts the Docker engine for the container image test (tests/PoshServer.Tests/Container), unless one
# already answers. The engine gets no bridge and no iptables rules: containers run with host networking,
# so everything they serve stays on this machine's loopback addresses. Idempotent: a running engine is
# left alone; otherwise it is started in the background and this waits until its socket answers.
set -euo pipefail

socket=/var/run/docker.sock
log=${DOCKERD_LOG:-/var/log/poshserver-test-dockerd.log}

# docker.io 20.10 speaks API 1.41; newer clients (Testcontainers pins 1.44) must ask for that version.
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41}

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  echo "docker engine already running"
  exit 0
fi

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
# A stale socket or pid file from an engine that died would make dockerd refuse to start.
if [[ -S $socket ]] && ! answers; then "${sudo_cmd[@]}" rm -f "$socket"; fi
if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  "${sudo_cmd[@]}" rm -f /var/run/docker.pid
fi

"${sudo_cmd[@]}" sh -c "nohup dockerd --iptables=false --bridge=none >>'$log' 2>&1 &"

for _ in $(seq 1 60); do
  if answers; then
    echo "docker engine started"
    exit 0
  fi
  sleep 1
done
echo "docker engine did not answer on $socket within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
