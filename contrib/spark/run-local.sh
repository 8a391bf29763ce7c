#!/usr/bin/env bash
# Runs the Spark job (contrib/spark/copydesk_spark.py) in Spark local mode on small inputs
# made for the purpose, and checks the output: one row per JSON line (errors included),
# one row per HTML page of the WARC files, and a few fields of each.
#
# Needs Java 17+ and Python 3; installs PySpark into a virtualenv under target/ (once).
# SPARK_VENV overrides where; COPYDESK_BIN chooses the binary (default: a debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYSPARK_VERSION=4.3.0
venv=${SPARK_VENV:-target/spark-venv}
work=target/spark-local

if ! command -v java >/dev/null 2>&1; then
  echo "run-local.sh: Java 17 or later is needed for Spark (apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/spark-submit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "pyspark==$PYSPARK_VERSION"
fi

# spark-submit finds Spark and runs the job with the virtualenv's Python, not whichever
# python is first on PATH.
venv=$(cd "$venv" && pwd)
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
SPARK_HOME=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME

bin=${COPYDESK_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet --bin copydesk
  bin=target/debug/copydesk
fi

rm -rf "$work"
mkdir -p "$work"
"$venv/bin/python" contrib/spark/local_check.py inputs "$work"

submit() {
  # Bounded: a hung job fails the run instead of holding CI.
  timeout 600 "$venv/bin/spark-submit" --master 'local[2]' \
    --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=2 \
    --conf spark.log.level=WARN --conf spark.ui.showConsoleProgress=false \
    contrib/spark/copydesk_spark.py --copydesk "$bin" --rules rules "$@" \
    2> >(grep -v -e ' WARN ' -e ' INFO ' -e '^Using Spark' -e '^Setting default log level' -e '^To adjust logging' >&2)
}

submit --input "$work/jsonl" --input-format jsonl --output "$work/out-jsonl" --output-format parquet
submit --input "$work/warc" --input-format warc --output "$work/out-warc" --output-format jsonl
"$venv/bin/python" contrib/spark/local_check.py check "$work"
