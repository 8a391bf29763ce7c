#!/usr/bin/env python3
"""Runs trafilatura over one corpus and saves each page's body text and metadata.

Called by compare-trafilatura.sh. Reads both corpus layouts copydesk eval reads: WCXB
(html/ID.html.gz + ground-truth/ID.json) and fundus-dev (pages/ID.html.gz + pages/ID.json).
Outputs go to OUT/ID.txt (the body) and OUT/ID.json (title, author, date), so that
`copydesk eval --compare trafilatura=OUT` scores them with the same metric code as
copydesk's own output, metadata included. Each page is given its URL. Only the body's
extract() call is timed, on one thread, as copydesk eval times only its engine; the
metadata comes from a second, untimed call (trafilatura's slower metadata mode), so the
speed figure is trafilatura's fastest configuration.

Corpora: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0;
fundus-dev, the per-publisher parser fixtures of Fundus (flairNLP/fundus), MIT licence.
"""
import argparse
import gzip
import json
import os
import sys
import time

import trafilatura


def layout(corpus):
    """(html folder, truth folder) of a corpus, told apart by its folders."""
    if os.path.isdir(os.path.join(corpus, "ground-truth")):
        return os.path.join(corpus, "html"), os.path.join(corpus, "ground-truth")
    if os.path.isdir(os.path.join(corpus, "pages")):
        pages = os.path.join(corpus, "pages")
        return pages, pages
    sys.exit(f"no corpus at {corpus}: want html/ and ground-truth/ (WCXB) or pages/ (fundus-dev)")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()

    html_dir, truth_dir = layout(args.corpus)
    ids = sorted(n[:-5] for n in os.listdir(truth_dir) if n.endswith(".json"))
    ids = [i for i in ids if os.path.isfile(os.path.join(html_dir, i + ".html.gz"))]
    if args.limit is not None:
        ids = ids[: args.limit]
    os.makedirs(args.out, exist_ok=True)
    seconds = 0.0
    total_bytes = 0
    for page_id in ids:
        with gzip.open(os.path.join(html_dir, page_id + ".html.gz"), "rb") as f:
            raw = f.read()
        html = raw.decode("utf-8", errors="replace")
        with open(os.path.join(truth_dir, page_id + ".json"), encoding="utf-8") as f:
            url = json.load(f).get("url") or None
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
        # Metadata in a second, untimed call: with metadata trafilatura runs about three times
        # slower, and the speed figure stays its fastest configuration.
        try:
            out = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                      output_format="json", with_metadata=True)
        except Exception as e:
            print(f"trafilatura metadata failed on {page_id}: {e}", file=sys.stderr)
            out = None
        doc = json.loads(out) if out else {}
        meta = {k: doc.get(k) for k in ("title", "author", "date")}
        with open(os.path.join(args.out, page_id + ".json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False)
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
