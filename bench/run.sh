#!/usr/bin/env bash
# Runs every benchmark and writes the results to bench/results/. `--quick`: tiny durations and tenant counts, a
# smoke test for CI (it asserts that everything runs, never how fast).
set -euo pipefail
cd "$(dirname "$0")"
export QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) export QUICK=1; export RESULTS_DIR="${RESULTS_DIR:-$(mktemp -d -t posh-bench-results.XXXXXX)}" ;;
        *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
    esac
done
./serve.sh
./scale.sh
./sni.sh
./client.sh
./idle.sh
echo "results in ${RESULTS_DIR:-bench/results}" >&2
