#!/usr/bin/env bash
# Cluster ACME coverage: 3 PoshServer replicas sharing PostgreSQL, N ACME names (default 1000) against Pebble
# (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, PEBBLE_AUTHZREUSE=100). Runs the cluster test with N names and
# writes bench/results/cluster-<yyyymmdd-hhmm>.md: orders at the CA (must equal N, one per name), the time from
# starting the replicas until every replica serves every name, and each replica's RSS and peak RSS then.
set -euo pipefail
cd "$(dirname "$0")/.."
names=${1:-1000}
stamp=$(date -u +%Y%m%d-%H%M)
raw=$(mktemp)
scripts/install-test-deps.sh
dotnet build tests/PoshServer.Tests -c Release >/dev/null
POSH_BENCH_CLUSTER_NAMES=$names POSH_BENCH_RESULTS=$raw \
  dotnet test tests/PoshServer.Tests -c Release --no-build \
  --filter "FullyQualifiedName~ClusterAcmeTests.ThreeReplicas_ManyNames_OneOrderPerNameAndEveryReplicaServesAll"
out=bench/results/cluster-$stamp.md
{
  echo "# Cluster ACME coverage, $stamp UTC"
  echo
  echo "Command: \`bench/cluster.sh $names\`"
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (shared machine)."
  echo
  echo '```'
  cat "$raw"
  echo '```'
} >"$out"
rm -f "$raw"
echo "wrote $out"
