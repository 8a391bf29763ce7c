#!/usr/bin/env bash
# Side by side, one run: trafilatura and copydesk over the same corpus pages.
#
# Installs trafilatura with pip into a virtualenv under target/ (nothing leaks outside the
# repo's build folder), runs it over every page (scripts/run_trafilatura.py), then runs
# `copydesk eval --mode html` on the same pages; copydesk eval also scores trafilatura's
# saved outputs (--compare), so both F1s come from the same metric code. Prints both tools'
# pages/s (one thread, extraction time only), their ratio, and both F1s.
#
# Usage: scripts/compare-trafilatura.sh [--limit N]
# Environment: COPYDESK_CORPUS (default ../shared/corpus/wcxb-dev-articles),
#              TRAFILATURA_VERSION (default: latest), PYTHON (default python3).
#
# Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0.
set -euo pipefail

cd "$(dirname "$0")/.."
corpus="${COPYDESK_CORPUS:-../shared/corpus/wcxb-dev-articles}"
python="${PYTHON:-python3}"
work=target/compare
venv="$work/venv"
limit=()
if [[ "${1:-}" == "--limit" && -n "${2:-}" ]]; then
    limit=(--limit "$2")
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--limit N]" >&2
    exit 2
fi

if [[ ! -d "$corpus/ground-truth" ]]; then
    echo "no corpus at $corpus: set COPYDESK_CORPUS to a folder with html/ and ground-truth/" >&2
    exit 2
fi

mkdir -p "$work"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== installing trafilatura into $venv"
    "$python" -m venv "$venv"
fi
spec="trafilatura${TRAFILATURA_VERSION:+==$TRAFILATURA_VERSION}"
# Newer lxml moved lxml.html.clean (needed by trafilatura's jusText fallback) to its own package.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec" lxml_html_clean

echo "== building copydesk (release)"
cargo build --release --quiet

echo "== trafilatura"
rm -rf "$work/trafilatura"
"$venv/bin/python" scripts/run_trafilatura.py --corpus "$corpus" --out "$work/trafilatura" \
    --summary "$work/trafilatura.json" "${limit[@]}"

echo "== copydesk eval (generic rules only)"
./target/release/copydesk eval --corpus "$corpus" --mode html "${limit[@]}" \
    --compare "trafilatura=$work/trafilatura" \
    --out "$work/results.jsonl" --summary "$work/copydesk.json"

echo "== side by side"
"$venv/bin/python" - "$work/copydesk.json" "$work/trafilatura.json" <<'PY'
import json, sys
summaries = {s["mode"]: s for s in json.load(open(sys.argv[1]))}
traf = json.load(open(sys.argv[2]))
cd, tf = summaries["html"], summaries["trafilatura"]
ratio = cd["pages_per_second"] / traf["pages_per_second"] if traf["pages_per_second"] else float("nan")
print(f"{'tool':<24} {'pages/s':>8} {'F1':>6} {'precision':>9} {'recall':>7}")
print(f"{'copydesk (generic)':<24} {cd['pages_per_second']:>8.1f} {cd['f1']:>6.3f} {cd['precision']:>9.3f} {cd['recall']:>7.3f}")
print(f"{'trafilatura ' + traf['version']:<24} {traf['pages_per_second']:>8.1f} {tf['f1']:>6.3f} {tf['precision']:>9.3f} {tf['recall']:>7.3f}")
print(f"speed ratio copydesk/trafilatura: {ratio:.1f}x; F1 difference: {cd['f1'] - tf['f1']:+.3f}")
print("F1 = macro-averaged word-level F1 (lowercased \\w+ tokens), both scored by copydesk eval.")
print("Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0")
PY
