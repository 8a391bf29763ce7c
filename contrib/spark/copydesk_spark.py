"""Clean a folder of WARC files or JSON Lines across a Spark cluster with `copydesk batch`.

Every task pipes its partition through one `copydesk batch` process (the binary and the
rules folder are shipped to the executors with SparkFiles), and the articles are written
as Parquet or JSON Lines. See docs/scale.md for running it on a cluster.

    spark-submit contrib/spark/copydesk_spark.py \
        --copydesk target/release/copydesk --rules rules \
        --input in/ --input-format jsonl --output out/ --output-format parquet

Input formats:
  jsonl      files of JSON Lines, {"id"?, "url"?, "html" | "text", "fetched_at"?} per line
             (any path Spark's textFile reads: local, HDFS, S3 through s3a://, gzipped);
             one output row per input line, errors included, each with the input's `id`.
  warc       a folder (or glob) of .warc / .warc.gz files; each file is streamed whole
             through one `copydesk batch`; one row per HTML page record, with `id` the
             record's WARC-Record-ID and `input_file` the file it came from.
  warc-list  a text file listing WARC files, one path or URL a line (as Common Crawl's
             warc.paths files do); read like `warc`.

WARC files are opened on the executors: local or shared-filesystem paths directly, other
URLs (s3://, https://, hdfs://…) through fsspec when it is installed there.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import zipfile

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import types as T

# The output rows: the article fields of `copydesk batch`, the input's `id`, `error` for
# inputs that could not be cleaned, and `input_file` for WARC input.
SOURCE = T.StructType(
    [
        T.StructField("path", T.StringType()),
        T.StructField("sha256", T.StringType()),
        T.StructField("format", T.StringType()),
        T.StructField("fetched_at", T.StringType()),
        T.StructField("record", T.StringType()),
    ]
)
SCHEMA = T.StructType(
    [
        T.StructField("id", T.StringType()),
        T.StructField("error", T.StringType()),
        T.StructField("input_file", T.StringType()),
        T.StructField("title", T.StringType()),
        T.StructField("subtitle", T.StringType()),
        T.StructField("authors", T.ArrayType(T.StringType())),
        T.StructField("published", T.StringType()),
        T.StructField(
            "site",
            T.StructType(
                [T.StructField("id", T.StringType()), T.StructField("name", T.StringType())]
            ),
        ),
        T.StructField("generic", T.BooleanType()),
        T.StructField("url", T.StringType()),
        T.StructField("language", T.StringType()),
        T.StructField("word_count", T.LongType()),
        T.StructField("text", T.StringType()),
        T.StructField("markdown", T.StringType()),
        T.StructField("source", SOURCE),
        T.StructField(
            "rule",
            T.StructType(
                [T.StructField("id", T.StringType()), T.StructField("file", T.StringType())]
            ),
        ),
        T.StructField(
            "removed",
            T.ArrayType(
                T.StructType(
                    [
                        T.StructField("kind", T.StringType()),
                        T.StructField("rule", T.StringType()),
                        T.StructField("text", T.StringType()),
                    ]
                )
            ),
        ),
        T.StructField("warnings", T.ArrayType(T.StringType())),
    ]
)

RULES_ZIP = "copydesk-rules.zip"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, help="folder, glob or file (see --input-format)")
    p.add_argument("--input-format", choices=["jsonl", "warc", "warc-list"], default="jsonl")
    p.add_argument("--output", required=True, help="output folder (replaced)")
    p.add_argument("--output-format", choices=["parquet", "jsonl"], default="parquet")
    p.add_argument(
        "--copydesk",
        help="the copydesk binary to ship to executors (default: one shipped with "
        "spark-submit --files, found as SparkFiles 'copydesk')",
    )
    p.add_argument("--rules", help="rules folder to ship (default: built-in generic rules only)")
    p.add_argument(
        "--max-seconds",
        type=float,
        default=10.0,
        help="give up a page still being cleaned after this long (copydesk batch --max-seconds)",
    )
    p.add_argument(
        "--partitions",
        type=int,
        default=0,
        help="JSON Lines: repartition to this many tasks (default: as read)",
    )
    return p.parse_args(argv)


def executor_command(max_seconds, jobs):
    """The `copydesk batch` command line on this executor; the shipped binary and rules are
    unpacked once per executor, beside the shipped files."""
    root = SparkFiles.getRootDirectory()
    binary = os.path.join(root, "copydesk-exec", "copydesk")
    rules = os.path.join(root, "copydesk-rules")
    if not os.path.exists(binary):
        # A copy of our own: some cluster managers drop the executable bit of shipped files.
        staging = tempfile.mkdtemp(dir=root)
        shutil.copy(SparkFiles.get("copydesk"), os.path.join(staging, "copydesk"))
        os.chmod(os.path.join(staging, "copydesk"), 0o755)
        publish(staging, os.path.dirname(binary))
    if not os.path.exists(rules):
        staging = tempfile.mkdtemp(dir=root)
        with zipfile.ZipFile(SparkFiles.get(RULES_ZIP)) as z:
            z.extractall(staging)
        publish(staging, rules)
    return [
        binary,
        "batch",
        "--rules",
        rules,
        "--quiet",
        "--jobs",
        str(jobs),
        "--max-seconds",
        str(max_seconds),
    ]


def publish(staging, final):
    """Renames a finished folder into place; another task of the executor may have won."""
    try:
        os.rename(staging, final)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def run_batch(command, feed):
    """Runs `command`, feeding its stdin with `feed(stdin)` from a thread, and yields its
    stdout lines. A copydesk that fails as a whole (exit 2: bad rules) fails the task."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    errors = []

    def writer():
        try:
            feed(proc.stdin)
        except BrokenPipeError:
            pass
        except Exception as e:  # reported once the output is read
            errors.append(e)
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    for line in proc.stdout:
        yield line.decode("utf-8")
    t.join()
    code = proc.wait()
    if errors:
        raise errors[0]
    # 0: all cleaned; 1: some lines are error records (they are in the output).
    if code not in (0, 1):
        raise RuntimeError(f"{shlex.join(command)} exited with {code}")


def clean_lines(lines, max_seconds, jobs):
    """A partition of JSON Lines -> one output line per input line."""

    def feed(stdin):
        for line in lines:
            stdin.write(line.encode("utf-8"))
            stdin.write(b"\n")

    return run_batch(executor_command(max_seconds, jobs), feed)


def open_warc(path):
    """Opens a WARC file on an executor: a local path directly, other URLs with fsspec."""
    if path.startswith("file:"):
        path = path[len("file:") :]
        if path.startswith("//"):
            path = path[2:]
    if "://" not in path:
        return open(path, "rb")
    try:
        import fsspec
    except ImportError as e:
        raise RuntimeError(
            f"cannot open {path}: install fsspec (and s3fs/gcsfs/aiohttp for the scheme) "
            "on the executors, or put the WARC files on a shared filesystem"
        ) from e
    return fsspec.open(path, "rb").open()


def clean_warcs(paths, max_seconds, jobs):
    """A partition of WARC paths -> one output line per page record, tagged with its file."""
    for path in paths:
        tag = '{"input_file":' + json.dumps(path) + ","

        def feed(stdin, path=path):
            with open_warc(path) as f:
                shutil.copyfileobj(f, stdin, 1024 * 1024)

        for line in run_batch(executor_command(max_seconds, jobs), feed):
            yield tag + line[1:]


def list_warcs(spark, pattern):
    """Every .warc / .warc.gz file under a folder or matching a glob (any Hadoop filesystem)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    fs = path.getFileSystem(conf)
    found = []
    statuses = fs.globStatus(path) or []
    for status in statuses:
        if status.isDirectory():
            files = fs.listFiles(status.getPath(), True)
            while files.hasNext():
                found.append(files.next().getPath().toString())
        else:
            found.append(status.getPath().toString())
    return sorted(p for p in found if p.endswith((".warc", ".warc.gz")))


def ship_rules(sc, rules):
    """Zips the rules folder and ships it to the executors."""
    folder = tempfile.mkdtemp(prefix="copydesk-ship-")
    archive = os.path.join(folder, RULES_ZIP)
    with zipfile.ZipFile(archive, "w") as z:
        if rules:
            for name in sorted(os.listdir(rules)):
                if name.endswith(".toml"):
                    z.write(os.path.join(rules, name), name)
    sc.addFile(archive)


def main(argv=None):
    args = parse_args(argv)
    spark = SparkSession.builder.appName("copydesk").getOrCreate()
    sc = spark.sparkContext
    if args.copydesk:
        if os.path.basename(args.copydesk) != "copydesk":
            raise SystemExit("--copydesk must point at a file named copydesk")
        sc.addFile(os.path.abspath(args.copydesk))
    ship_rules(sc, args.rules)
    # One copydesk thread per task core: Spark runs a task per core already.
    jobs = int(sc.getConf().get("spark.task.cpus", "1"))
    max_seconds = args.max_seconds

    if args.input_format == "jsonl":
        lines = sc.textFile(args.input)
        if args.partitions:
            lines = lines.repartition(args.partitions)
        out = lines.mapPartitions(lambda part: clean_lines(part, max_seconds, jobs))
    else:
        if args.input_format == "warc":
            paths = list_warcs(spark, args.input)
        else:
            paths = [p.strip() for p in sc.textFile(args.input).collect() if p.strip()]
        if not paths:
            raise SystemExit(f"no WARC files found in {args.input}")
        out = sc.parallelize(paths, len(paths)).mapPartitions(
            lambda part: clean_warcs(part, max_seconds, jobs)
        )

    articles = spark.read.json(out, schema=SCHEMA)
    writer = articles.write.mode("overwrite")
    if args.output_format == "parquet":
        writer.parquet(args.output)
    else:
        writer.json(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
