#!/usr/bin/env bash
# Screenshot of `copydesk explain --html` in a real browser (headless Chromium).
#
# Why: the HTML report is meant for people who would rather look than read, so it has to
# render in an actual browser, struck-through spans and all. This script checks that, and
# leaves a PNG to look at or attach to a pull request.
#
# Usage:
#   scripts/screenshot-explain.sh                      # a built-in demo site and dump
#   scripts/screenshot-explain.sh DUMP [OUT.png] [--rules DIR] [--url URL]
#
# Output: OUT.png (default: explain.png in the current folder) and the HTML report beside
# it (same name, .html). Needs Debian's `chromium`; installs it with apt-get when missing
# (as root, or with sudo).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dump=""
out="$PWD/explain.png"
explain_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rules|--url) explain_args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# {0,1}//'; exit 0 ;;
    *) if [[ -z "$dump" ]]; then dump="$1"; else out="$1"; fi; shift ;;
  esac
done
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
html="${out%.png}.html"

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found: installing Debian's chromium package" >&2
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -z "$dump" ]]; then
  # A small demo: one site, one dump with a little of every common kind of boilerplate.
  mkdir -p "$work/rules"
  cat > "$work/rules/demo.toml" <<'TOML'
[site]
id = "demo"
name = "Demo Daily"
fingerprints = ['Demo Daily']

[text.remove.masthead]
kind = "masthead"
line = 'Demo Daily'

[text.remove.briefing]
kind = "newsletter"
line = 'Get the Demo briefing in your inbox\.'

[text.remove.appeal]
kind = "donation"
start = 'Support independent local news\.'
end = 'Every contribution counts\.'

[text.remove.most-read]
kind = "related"
from = 'Most read'
min_position = 0.5
TOML
  cat > "$work/dump.txt" <<'TXT'
Demo Daily
Menu

Council votes to close the old bridge

By Jane Roe | March 3, 2024

Get the Demo briefing in your inbox.

The council voted on Tuesday to close the bridge for repairs, after engineers found cracks in two of its piers.

"We had no choice," the mayor said. Repairs will take a year and cost about $4 million.

Support independent local news.
Readers like you keep us going.
Every contribution counts.

Drivers will be diverted over the new ring road from Monday.

Share this article

Most read
Mayor resigns after long dispute
Library reopens after flood
TXT
  dump="$work/dump.txt"
  explain_args+=(--rules "$work/rules")
fi

echo "explaining $dump" >&2
(cd "$repo" && cargo build --quiet --bin copydesk)
"$repo/target/debug/copydesk" explain --color never "${explain_args[@]}" --html "$html" "$dump" >/dev/null

chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$work/profile" --screenshot="$out" --window-size=1200,1600 \
  "file://$html" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }

[[ -s "$out" ]] || { echo "chromium wrote no screenshot" >&2; cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $out (report: $html)"
