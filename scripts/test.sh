#!/usr/bin/env bash
# The one test command (README "Run the tests"; CI runs it via .ci/run):
# installs the Debian packages the tests start, restores NuGet packages, builds with warnings as errors,
# and runs every test project. Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
# The container image test: a Docker engine on host networking, and .NET base images (built locally unless
# POSH_USE_REGISTRY_IMAGES is set). Debian's docker.io 20.10 speaks API 1.41.
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41} TESTCONTAINERS_RYUK_DISABLED=true
scripts/start-docker.sh
scripts/local-dotnet-images.sh
dotnet restore PoshServer.sln
dotnet build PoshServer.sln --no-restore -c Release

results=$(mktemp -d)
status=0
dotnet test PoshServer.sln --no-build -c Release --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m "$@" || status=$?

# One plain closing line with the totals over all test projects.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if (( passed == 0 && status == 0 )); then echo "no test ran"; exit 1; fi
exit "$status"
