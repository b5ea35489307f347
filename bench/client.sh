#!/usr/bin/env bash
# PoshClient in-process benchmarks (BenchmarkDotNet, Release): cached verification, and lookups of a reference +
# target document over loopback TLS (warm pooled connections, and cold with new connections).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need dotnet
bench_init

OUT="$RESULTS_DIR/client-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"
JOB=(); [[ "$QUICK" == 1 ]] && JOB=(--job dry)
log "building the benchmarks (Release)"
dotnet build "$BENCH_DIR/PoshServer.Benchmarks/PoshServer.Benchmarks.csproj" -c Release -v q --nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
load=$(load_now)
# BenchmarkDotNet generates its runner next to the project: run from there; artifacts go to the temp directory.
( cd "$BENCH_DIR/PoshServer.Benchmarks" && dotnet "bin/Release/net10.0/PoshServer.Benchmarks.dll" --filter '*' "${JOB[@]}" \
    --artifacts "$WORK/bdn" ) >"$WORK/bdn.log" 2>&1 || { tail -50 "$WORK/bdn.log" >&2; exit 1; }
{
    echo "# PoshClient: verification and lookup costs"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK bench/client.sh"
    echo "load before the run: $load"
    echo '```'
    echo
    cat "$WORK"/bdn/results/*-report-github.md
    echo
    echo "load at end: $(load_now)"
} >"$OUT"
cat "$OUT"
