#!/usr/bin/env python3
"""End-to-end service benchmark for `copydesk run` (stdlib only; called by bench-service.sh).

1. Burst: writes N seed-sized text dumps into the inbox under dot-names (which the service
   must ignore), starts the clock, renames them all to their real names, and waits until N
   outputs exist in the outbox: files/s. The service's peak memory is its VmHWM from
   /proc/PID/status, sampled throughout and read once more at the end.
2. Latency: with the service idle, drops single files one at a time (written under a
   dot-name, then renamed into the inbox) and times each from the rename until its output
   appears in the outbox: p50 and p99.

Outputs are counted as the outbox's entries whose names do not start with a dot (a
service writes under a temporary name and renames when the file is durable). The outbox's
mtime is watched so the folder is only listed when something changed in it.
"""
import argparse
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time


def fail(msg):
    print(f"bench-service: {msg}", file=sys.stderr)
    sys.exit(1)


def count_outputs(outbox):
    with os.scandir(outbox) as it:
        return sum(1 for e in it if not e.name.startswith("."))


def read_status(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])  # kB
    except OSError:
        return None
    return None


class PeakSampler(threading.Thread):
    """Samples VmHWM (peak resident set) of one process every `interval` seconds."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def sample(self):
        v = read_status(self.pid, "VmHWM")
        if v is not None:
            self.peak_kb = max(self.peak_kb, v)


def wait_for(outbox, target, deadline, proc):
    """Waits until the outbox holds `target` outputs; returns the time it did, or None."""
    last_mtime = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        mtime = os.stat(outbox).st_mtime_ns
        if mtime != last_mtime:
            last_mtime = mtime
            if count_outputs(outbox) >= target:
                return time.monotonic()
        time.sleep(0.0005)
    return None


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the copydesk binary")
    ap.add_argument("--seeds", required=True, help="folder of seed text dumps (*.txt)")
    ap.add_argument("--rules", required=True, help="rules folder for the service")
    ap.add_argument("--work", required=True, help="a fresh folder for inbox/ and outbox/")
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--latency", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for the burst")
    ap.add_argument("--summary", help="write the figures as JSON here")
    args = ap.parse_args()

    seeds = []
    for name in sorted(os.listdir(args.seeds)):
        if name.endswith(".txt"):
            with open(os.path.join(args.seeds, name), encoding="utf-8", errors="replace") as f:
                seeds.append(f.read())
    if not seeds:
        fail(f"no seed dumps (*.txt) in {args.seeds}: set COPYDESK_SEEDS")

    inbox = os.path.join(args.work, "inbox")
    outbox = os.path.join(args.work, "outbox")
    os.makedirs(inbox)
    os.makedirs(outbox)

    def dump(i):
        # Each dump is unique (outputs are named by content hash), and seed-sized.
        return seeds[i % len(seeds)].rstrip("\n") + f"\n\nBench copy {i}.\n"

    log_path = os.path.join(args.work, "service.log")
    log = open(log_path, "w")
    cmd = [args.bin, "run", "--inbox", inbox, "--outbox", outbox, "--rules", args.rules]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    sampler = PeakSampler(proc.pid)
    sampler.start()

    def stop_service():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        sampler.stop.set()

    def died(what):
        stop_service()
        log.flush()
        with open(log_path, errors="replace") as f:
            tail = f.read()[-2000:]
        fail(f"{what}; the service said:\n{tail}")

    try:
        time.sleep(1.0)  # let it start watching
        if proc.poll() is not None:
            died(f"`{' '.join(cmd)}` exited with code {proc.returncode}")

        # 1. Burst.
        names = [f"dump-{i:05}.txt" for i in range(args.files)]
        for i, name in enumerate(names):
            with open(os.path.join(inbox, "." + name), "w", encoding="utf-8") as f:
                f.write(dump(i))
        input_bytes = sum(len(dump(i).encode()) for i in range(min(len(seeds), args.files)))
        start = time.monotonic()
        for name in names:
            os.rename(os.path.join(inbox, "." + name), os.path.join(inbox, name))
        renamed = time.monotonic()
        done = wait_for(outbox, args.files, start + args.timeout, proc)
        if done is None:
            n = count_outputs(outbox)
            if proc.poll() is not None:
                died(f"the service exited during the burst after {n} outputs")
            died(f"only {n} of {args.files} outputs after {args.timeout:.0f} s")
        burst_seconds = done - start
        sampler.sample()
        burst_peak_kb = sampler.peak_kb
        processed_dir = os.path.join(inbox, "processed")
        processed = len(os.listdir(processed_dir)) if os.path.isdir(processed_dir) else 0

        # 2. Latency, one file at a time, service idle.
        time.sleep(1.0)
        latencies = []
        for k in range(args.latency):
            name = f"latency-{k:04}.txt"
            with open(os.path.join(inbox, "." + name), "w", encoding="utf-8") as f:
                f.write(dump(args.files + k))
            before = count_outputs(outbox)
            t0 = time.monotonic()
            os.rename(os.path.join(inbox, "." + name), os.path.join(inbox, name))
            t1 = wait_for(outbox, before + 1, t0 + 10, proc)
            if t1 is None:
                died(f"no output within 10 s for single file {name}")
            latencies.append((t1 - t0) * 1000)
            time.sleep(0.05)
        sampler.sample()
    finally:
        stop_service()

    result = {
        "files": args.files,
        "burst_seconds": burst_seconds,
        "files_per_second": args.files / burst_seconds,
        "rename_seconds": renamed - start,
        "processed_moved": processed,
        "peak_rss_mb_burst": burst_peak_kb / 1024,
        "peak_rss_mb": sampler.peak_kb / 1024,
        "latency_files": len(latencies),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p99_ms": percentile(latencies, 99),
        "latency_max_ms": max(latencies),
        "mean_dump_bytes": input_bytes / max(1, min(len(seeds), args.files)),
    }
    ok = lambda c: "met" if c else "MISSED"
    print(f"burst: {args.files} dumps (~{result['mean_dump_bytes'] / 1024:.1f} KB each) in "
          f"{burst_seconds:.2f} s = {result['files_per_second']:.0f} files/s "
          f"[target >= 2000: {ok(result['files_per_second'] >= 2000)}]")
    print(f"       {processed} inputs moved to inbox/processed/")
    print(f"peak memory (VmHWM): {result['peak_rss_mb_burst']:.1f} MB during the burst "
          f"[target <= 100 MB: {ok(result['peak_rss_mb_burst'] <= 100)}], "
          f"{result['peak_rss_mb']:.1f} MB overall")
    print(f"latency, {len(latencies)} single files: p50 {result['latency_p50_ms']:.1f} ms, "
          f"p99 {result['latency_p99_ms']:.1f} ms, max {result['latency_max_ms']:.1f} ms "
          f"[target p99 <= 200 ms: {ok(result['latency_p99_ms'] <= 200)}]")
    if processed < args.files:
        print(f"warning: only {processed} of {args.files} inputs were moved to inbox/processed/",
              file=sys.stderr)
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
