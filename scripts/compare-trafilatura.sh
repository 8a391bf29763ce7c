#!/usr/bin/env bash
# Side by side, one run: trafilatura and copydesk over the same corpus pages.
#
# Installs trafilatura with pip into a virtualenv under target/ (nothing leaks outside the
# repo's build folder), runs it over every page of each corpus (scripts/run_trafilatura.py:
# body text plus title, author and date), then runs `copydesk eval` on the same pages;
# copydesk eval also scores trafilatura's saved outputs (--compare), so both tools' F1 and
# metadata hit rates come from the same metric code. Prints, per corpus, both tools' pages/s
# (one thread, extraction time only), their ratio, F1 and metadata hit rates, and
# copydesk's text-dump F1.
#
# Usage: scripts/compare-trafilatura.sh [--limit N]
# Environment: COPYDESK_CORPUS (one corpus folder; default: both
#              ../shared/corpus/wcxb-dev-articles and ../shared/corpus/fundus-dev, each
#              that is present), TRAFILATURA_VERSION (default: latest), PYTHON (default python3).
#
# Corpora: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0;
# fundus-dev, the per-publisher parser fixtures of Fundus (flairNLP/fundus), MIT licence.
set -euo pipefail

cd "$(dirname "$0")/.."
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

# Each corpus with the name copydesk eval reports it under (by its layout).
corpora=()
for dir in ${COPYDESK_CORPUS:-../shared/corpus/wcxb-dev-articles ../shared/corpus/fundus-dev}; do
    if [[ -d "$dir/ground-truth" ]]; then
        corpora+=("wcxb=$dir")
    elif [[ -d "$dir/pages" ]]; then
        corpora+=("fundus=$dir")
    elif [[ -n "${COPYDESK_CORPUS:-}" ]]; then
        echo "no corpus at $dir: want html/ and ground-truth/ (WCXB) or pages/ (fundus-dev)" >&2
        exit 2
    fi
done
if [[ ${#corpora[@]} -eq 0 ]]; then
    echo "no corpus found: set COPYDESK_CORPUS to a corpus folder" >&2
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

rm -rf "$work/trafilatura"
for entry in "${corpora[@]}"; do
    name="${entry%%=*}"
    dir="${entry#*=}"
    echo "== trafilatura on $name"
    "$venv/bin/python" scripts/run_trafilatura.py --corpus "$dir" --out "$work/trafilatura/$name" \
        --summary "$work/trafilatura-$name.json" "${limit[@]}"
done

echo "== copydesk eval (generic rules only)"
copydesk_corpora=()
if [[ -n "${COPYDESK_CORPUS:-}" ]]; then
    copydesk_corpora=(--corpus "$COPYDESK_CORPUS")
fi
./target/release/copydesk eval "${copydesk_corpora[@]}" --mode both "${limit[@]}" \
    --compare "trafilatura=$work/trafilatura" \
    --out "$work/results.jsonl" --summary "$work/copydesk.json"

echo "== side by side"
"$venv/bin/python" - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
summaries = {(s["corpus"], s["mode"]): s for s in json.load(open(os.path.join(work, "copydesk.json")))}
pct = lambda x: "-" if x is None else f"{x * 100:.1f}%"
credits = {
    "wcxb": "Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0",
    "fundus": "Corpus: fundus-dev, the per-publisher parser fixtures of Fundus (flairNLP/fundus), MIT licence",
}
for corpus in ("wcxb", "fundus"):
    if (corpus, "html") not in summaries:
        continue
    traf = json.load(open(os.path.join(work, f"trafilatura-{corpus}.json")))
    cd, tf = summaries[(corpus, "html")], summaries[(corpus, "trafilatura")]
    text = summaries.get((corpus, "text"))
    ratio = cd["pages_per_second"] / traf["pages_per_second"] if traf["pages_per_second"] else float("nan")
    print(f"[{corpus}] {cd['pages']} pages")
    print(f"{'tool':<24} {'pages/s':>8} {'F1':>6} {'precision':>9} {'recall':>7} {'title':>7} {'author':>7} {'date':>7}")
    for label, s, speed in ((f"copydesk (generic)", cd, cd["pages_per_second"]),
                            (f"trafilatura {traf['version']}", tf, traf["pages_per_second"])):
        print(f"{label:<24} {speed:>8.1f} {s['f1']:>6.3f} {s['precision']:>9.3f} {s['recall']:>7.3f} "
              f"{pct(s['title_accuracy']):>7} {pct(s['author_accuracy']):>7} {pct(s['date_accuracy']):>7}")
    print(f"speed ratio copydesk/trafilatura: {ratio:.1f}x; F1 difference: {cd['f1'] - tf['f1']:+.3f}")
    if text:
        print(f"copydesk text dumps (no markup, no URL): F1 {text['f1']:.3f}")
    print(credits[corpus])
    print()
print("F1 = macro-averaged word-level F1 (lowercased \\w+ tokens); title/author/date = share of pages")
print("with that field in the truth where the tool's value matches; all scored by copydesk eval.")
PY
