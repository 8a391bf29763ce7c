#!/usr/bin/env bash
# End-to-end benchmark of the service (`copydesk run`): throughput, peak memory, latency.
#
# Starts `copydesk run --inbox DIR --outbox DIR --rules DIR` on fresh folders under
# target/bench-service/, then (scripts/bench_service.py):
#   1. drops 10,000 seed-sized text dumps (written under dot-names, then renamed into the
#      inbox) and measures the time until every output is in the outbox: files/s; and the
#      service's peak resident memory (VmHWM from /proc/PID/status);
#   2. with the service idle, drops 200 single files one at a time and reports the
#      drop-to-output latency p50 and p99.
# Targets: >= 2,000 files/s, <= 100 MB peak, p99 <= 200 ms.
# Linux only (/proc). It is a benchmark, not a test: figures vary with the machine's load.
#
# Usage: scripts/bench-service.sh [--files N] [--latency N]
# Environment: COPYDESK_BIN (default: builds target/release/copydesk),
#              COPYDESK_SEEDS (default ../shared/seeds), COPYDESK_RULES (default rules),
#              PYTHON (default python3).
set -euo pipefail

cd "$(dirname "$0")/.."
seeds="${COPYDESK_SEEDS:-../shared/seeds}"
rules="${COPYDESK_RULES:-rules}"
python="${PYTHON:-python3}"

if [[ -z "${COPYDESK_BIN:-}" ]]; then
    echo "== building copydesk (release)"
    cargo build --release --quiet
    bin=target/release/copydesk
else
    bin="$COPYDESK_BIN"
fi
if ! "$bin" run --help >/dev/null 2>&1; then
    echo "bench-service: $bin has no 'run' subcommand (the service); build a copydesk that has it" >&2
    exit 2
fi
if [[ ! -d "$seeds" ]]; then
    echo "bench-service: no seed folder at $seeds; set COPYDESK_SEEDS" >&2
    exit 2
fi
if [[ ! -d /proc/self ]]; then
    echo "bench-service: needs Linux /proc to read the service's peak memory" >&2
    exit 2
fi

work="target/bench-service/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work"
echo "== service benchmark in $work"
"$python" scripts/bench_service.py --bin "$bin" --seeds "$seeds" --rules "$rules" \
    --work "$work" --summary "$work/summary.json" "$@"
echo "figures: $work/summary.json; service log: $work/service.log"
