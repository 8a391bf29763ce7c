#!/usr/bin/env python3
"""Runs trafilatura over a WCXB-style corpus and saves one body text per page.

Called by compare-trafilatura.sh. Outputs go to OUT/ID.txt so that `copydesk eval
--compare trafilatura=OUT` scores them with the same metric code as copydesk's own output.
Only the extract() call is timed, on one thread, as copydesk eval times only its engine.

Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0.
"""
import argparse
import gzip
import json
import os
import sys
import time

import trafilatura


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()

    truth_dir = os.path.join(args.corpus, "ground-truth")
    if not os.path.isdir(truth_dir):
        sys.exit(f"no corpus at {args.corpus}: set COPYDESK_CORPUS to a folder with html/ and ground-truth/")
    ids = sorted(n[:-5] for n in os.listdir(truth_dir) if n.endswith(".json"))
    ids = [i for i in ids if os.path.isfile(os.path.join(args.corpus, "html", i + ".html.gz"))]
    if args.limit is not None:
        ids = ids[: args.limit]
    os.makedirs(args.out, exist_ok=True)
    seconds = 0.0
    total_bytes = 0
    for page_id in ids:
        with gzip.open(os.path.join(args.corpus, "html", page_id + ".html.gz"), "rb") as f:
            raw = f.read()
        html = raw.decode("utf-8", errors="replace")
        with open(os.path.join(truth_dir, page_id + ".json"), encoding="utf-8") as f:
            url = json.load(f).get("url")
        total_bytes += len(raw)
        start = time.perf_counter()
        try:
            text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
        except Exception as e:  # a crash on one page scores as an empty output
            print(f"trafilatura failed on {page_id}: {e}", file=sys.stderr)
            text = None
        seconds += time.perf_counter() - start
        with open(os.path.join(args.out, page_id + ".txt"), "w", encoding="utf-8") as f:
            f.write(text or "")
    summary = {
        "tool": "trafilatura",
        "version": trafilatura.__version__,
        "pages": len(ids),
        "seconds": seconds,
        "pages_per_second": len(ids) / seconds if seconds else 0.0,
        "megabytes_per_second": total_bytes / 1e6 / seconds if seconds else 0.0,
    }
    with open(args.summary, "w", encoding="utf-8") as f:
        json.dump(summary, f)
    print(f"trafilatura {summary['version']}: {len(ids)} pages in {seconds:.1f} s "
          f"({summary['pages_per_second']:.1f} pages/s, one thread)")


if __name__ == "__main__":
    main()
