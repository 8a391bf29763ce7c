#!/usr/bin/env bash
# `copydesk batch` throughput: pages/s with --jobs 1 and --jobs 2, run back to back several
# times on the same input, and the peak memory (max RSS) of each run.
#
# The input is the development corpus's HTML pages as JSON Lines
# ({"id", "url", "html"} per line, target/bench/wcxb.jsonl, built once from the corpus).
# Timings include reading stdin, JSON parsing, cleaning and writing stdout (to /dev/null).
#
# Usage: scripts/bench-batch.sh [ROUNDS]    (default 3)
# Environment: COPYDESK_CORPUS (default ../shared/corpus/wcxb-dev-articles).
#
# Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${COPYDESK_CORPUS:-../shared/corpus/wcxb-dev-articles}"
rounds="${1:-3}"
work=target/bench
input="$work/wcxb.jsonl"

if [[ ! -d "$corpus/html" ]]; then
    echo "no corpus at $corpus: set COPYDESK_CORPUS to a folder with html/ and ground-truth/" >&2
    exit 2
fi
mkdir -p "$work"
if [[ ! -s "$input" ]]; then
    python3 - "$corpus" "$input" <<'EOF'
import glob, gzip, json, os, sys
corpus, out = sys.argv[1], sys.argv[2]
with open(out + ".tmp", "w") as f:
    for path in sorted(glob.glob(os.path.join(corpus, "html", "*.html.gz"))):
        page_id = os.path.basename(path).split(".")[0]
        html = gzip.open(path).read().decode("utf-8", "replace")
        url = None
        truth = os.path.join(corpus, "ground-truth", page_id + ".json")
        if os.path.exists(truth):
            url = json.load(open(truth)).get("url")
        f.write(json.dumps({"id": page_id, "url": url, "html": html}) + "\n")
os.replace(out + ".tmp", out)
EOF
fi
pages=$(wc -l < "$input")
cargo build --release --quiet --bin copydesk
bin=target/release/copydesk

echo "input: $pages pages, $(du -m "$input" | cut -f1) MB of JSON Lines; $(nproc) cores"
echo "round jobs seconds pages/s max_rss_MB"
for round in $(seq 1 "$rounds"); do
    for jobs in 1 2; do
        stats=$( { /usr/bin/time -f '%e %M' "$bin" batch --rules rules --jobs "$jobs" --quiet \
            < "$input" > "$work/out-$jobs.jsonl" || true; } 2>&1 | tail -1)
        seconds=${stats% *}
        rss_kb=${stats#* }
        lines=$(wc -l < "$work/out-$jobs.jsonl")
        if [[ "$lines" != "$pages" ]]; then
            echo "jobs $jobs: $lines output lines for $pages input lines" >&2
            exit 1
        fi
        awk -v r="$round" -v j="$jobs" -v s="$seconds" -v p="$pages" -v m="$rss_kb" \
            'BEGIN { printf "%d %d %.2f %.1f %.1f\n", r, j, s, p / s, m / 1024 }'
    done
done
