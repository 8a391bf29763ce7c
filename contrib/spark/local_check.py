"""Inputs for, and checks of, the Spark job's local run (contrib/spark/run-local.sh).

    python local_check.py inputs DIR     writes DIR/jsonl/part-*.jsonl and DIR/warc/*.warc[.gz]
    python local_check.py check DIR      reads the job's outputs under DIR/out-* and checks them

The inputs are small and made here, so the check knows exactly what must come out.
"""

import glob
import gzip
import json
import os
import sys

# Pages for the JSON Lines input: (id, envelope fields).
PAGES = [
    (
        "page-1",
        {
            "url": "https://news.example.org/2024/03/council-budget",
            "fetched_at": "2024-03-05T10:00:00Z",
            "html": "<!DOCTYPE html><html lang=en><head><title>Council Approves Budget</title></head>"
            "<body><nav><a href=/>Home</a> <a href=/news>News</a></nav><article>"
            "<h1>Council Approves Budget</h1>"
            "<p>The city council approved next year's budget on Tuesday after a long debate "
            "about road repairs and the library.</p>"
            "<p>Members voted seven to two, and the mayor said the plan keeps taxes flat.</p>"
            "</article><footer>Copyright Example News</footer></body></html>",
        },
    ),
    (
        17,
        {
            "text": "Harbour Reopens After Storm\n\nThe harbour reopened on Monday after the storm "
            "damaged two piers.\n\nFishing boats returned within hours, the port authority said.",
        },
    ),
]
# Lines that cannot be cleaned: each must still give one output line, with its id.
BAD_LINES = [
    '{"id": "bad-1", "url": 5, "html": "<p>x</p>"}',
    "this line is not JSON",
]


def warc_record(kind, rid, uri, content_type, block):
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
        f"WARC-Date: 2024-03-05T10:20:30Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def http_response(rid, uri, content_type, body):
    block = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
    return warc_record("response", rid, uri, "application/http; msgtype=response", block)


def warc_records(n):
    """Two HTML pages, and records that hold none (a request, an image, metadata)."""
    html = PAGES[0][1]["html"]
    page = html.replace("Council Approves Budget", f"Story {n} Of The Day")
    latin = html.replace("Council Approves Budget", f"Caf\u00e9 Story {n} Of The Day")
    return [
        warc_record("request", f"{n}-0", "https://news.example.org/a", "application/http; msgtype=request", b"GET /a HTTP/1.1\r\n\r\n"),
        http_response(f"{n}-1", f"https://news.example.org/{n}/a", "text/html; charset=utf-8", page.encode()),
        http_response(f"{n}-2", "https://news.example.org/logo.png", "image/png", b"\x89PNG\r\n"),
        http_response(f"{n}-3", f"https://news.example.org/{n}/b", "text/html; charset=iso-8859-1", latin.encode("latin-1")),
        warc_record("metadata", f"{n}-4", "https://news.example.org/a", "application/warc-fields", b"fetchTimeMs: 12\r\n"),
    ]


def make_inputs(root):
    os.makedirs(os.path.join(root, "jsonl"), exist_ok=True)
    os.makedirs(os.path.join(root, "warc"), exist_ok=True)
    lines = [json.dumps({"id": i, **fields}) for i, fields in PAGES] + BAD_LINES
    # Two files, so the job runs more than one task.
    for part, chunk in enumerate([lines[:2], lines[2:]]):
        with open(os.path.join(root, "jsonl", f"part-{part}.jsonl"), "w") as f:
            f.write("\n".join(chunk) + "\n")
    # One file gzipped record by record (as CC-NEWS is), one plain.
    with open(os.path.join(root, "warc", "a.warc.gz"), "wb") as f:
        for record in warc_records(1):
            f.write(gzip.compress(record))
    with open(os.path.join(root, "warc", "b.warc"), "wb") as f:
        f.write(b"".join(warc_records(2)))


def rows(folder):
    """Rows of the job's output, JSON Lines or Parquet."""
    files = sorted(glob.glob(os.path.join(folder, "part-*")))
    if any(f.endswith(".parquet") for f in files):
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.master("local[1]").getOrCreate()
        out = [json.loads(r) for r in spark.read.parquet(folder).toJSON().collect()]
        spark.stop()
        return out
    out = []
    for f in files:
        with open(f) as fh:
            out.extend(json.loads(line) for line in fh if line.strip())
    return out


def expect(cond, message):
    if not cond:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)


def check(root):
    got = rows(os.path.join(root, "out-jsonl"))
    expect(len(got) == len(PAGES) + len(BAD_LINES), f"JSON Lines: {len(got)} rows, expected one per input line")
    by_id = {str(r.get("id")): r for r in got}
    page = by_id.get("page-1", {})
    expect(page.get("title") == "Council Approves Budget", f"page-1 title: {page.get('title')!r}")
    expect("seven to two" in (page.get("text") or ""), "page-1 text lost its body")
    expect("Copyright" not in (page.get("text") or ""), "page-1 kept its footer")
    expect(page.get("url") == PAGES[0][1]["url"], "page-1 url")
    expect(page.get("source", {}).get("fetched_at") == "2024-03-05T10:00:00Z", "page-1 fetched_at")
    expect(by_id.get("17", {}).get("title") == "Harbour Reopens After Storm", "line 17's title")
    errors = [r for r in got if r.get("error")]
    expect(len(errors) == 2, f"{len(errors)} error rows, expected 2")
    expect("bad-1" in by_id and "`url` must be a string" in by_id["bad-1"]["error"], "bad-1's error")

    got = rows(os.path.join(root, "out-warc"))
    expect(len(got) == 4, f"WARC: {len(got)} rows, expected 4 (two HTML pages in each of two files)")
    expect(all(not r.get("error") for r in got), f"WARC errors: {[r.get('error') for r in got]}")
    ids = sorted(str(r.get("id")) for r in got)
    expect(ids == ["<urn:uuid:1-1>", "<urn:uuid:1-3>", "<urn:uuid:2-1>", "<urn:uuid:2-3>"], f"WARC ids {ids}")
    latin = next(r for r in got if r.get("id") == "<urn:uuid:1-3>")
    expect(latin["title"] == "Caf\u00e9 Story 1 Of The Day", f"charset from the HTTP header: {latin['title']!r}")
    expect(latin["url"] == "https://news.example.org/1/b", "WARC url")
    expect(latin["source"]["fetched_at"] == "2024-03-05T10:20:30Z", "WARC fetched_at")
    expect(latin["input_file"].endswith("a.warc.gz"), f"input_file {latin['input_file']}")
    print(f"ok: {len(PAGES) + len(BAD_LINES)} JSON Lines rows (2 errors), 4 WARC rows, fields as expected")


if __name__ == "__main__":
    {"inputs": make_inputs, "check": check}[sys.argv[1]](sys.argv[2])
