//! End-to-end service benchmark: `copydesk run` (the real, optimised binary) on a
//! temporary inbox.
//!
//! ```sh
//! cargo bench --bench service_burst                       # 10,000 files, 200 latency drops
//! cargo bench --bench service_burst -- --files 2000 --drops 50 --workers 2 --writers 8 --dir DIR
//! ```
//!
//! Two phases, on one running service:
//!
//! 1. **Burst**: N seed-sized text dumps (the seed fixtures, each made unique so every one
//!    gets its own output) are written to a staging folder beside the inbox, then renamed
//!    into the inbox as fast as possible. The time runs from the first rename until the
//!    last dump has reached `inbox/processed/`, which the service does only after the
//!    dump's article is durable in the outbox, so files/s counts durable outputs.
//! 2. **Latency**: with the service idle, single files are renamed into the inbox one at a
//!    time; each one's drop-to-output latency runs from its rename until it reaches
//!    `processed/`.
//!
//! Completion is observed through inotify on `processed/` (so the observer costs almost no
//! CPU on a shared machine), checked by a listing at the end. Peak memory is the service's
//! `VmHWM` from `/proc/PID/status` right after the burst. It is a benchmark, not a test:
//! figures vary with the machine and its load, so compare runs made side by side.

use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_copydesk");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

struct Args {
    files: usize,
    drops: usize,
    workers: usize,
    writers: Option<usize>,
    dir: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        files: 10_000,
        drops: 200,
        workers: 0,
        writers: None,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--files" => a.files = value().parse().unwrap_or_else(|_| usage("bad --files")),
            "--drops" => a.drops = value().parse().unwrap_or_else(|_| usage("bad --drops")),
            "--workers" => a.workers = value().parse().unwrap_or_else(|_| usage("bad --workers")),
            "--writers" => {
                a.writers = Some(value().parse().unwrap_or_else(|_| usage("bad --writers")))
            }
            "--dir" => a.dir = Some(PathBuf::from(value())),
            // What `cargo bench` passes to every bench target.
            "--bench" => {}
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a
}

fn usage(why: &str) -> ! {
    eprintln!(
        "service_burst: {why}\nusage: cargo bench --bench service_burst -- [--files N] [--drops N] [--workers N] [--writers N] [--dir DIR]"
    );
    std::process::exit(2)
}

/// The seed dumps shipped as fixtures (about 4 KB each).
fn seeds() -> Vec<String> {
    let fixtures = Path::new(REPO).join("tests/fixtures");
    let mut seeds: Vec<String> = fs::read_dir(&fixtures)
        .expect("tests/fixtures")
        .flatten()
        .map(|site| site.path().join("biden-putin-call.txt"))
        .filter_map(|p| fs::read_to_string(p).ok())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seed fixtures found");
    seeds
}

/// Dump `i`: a seed with a closing line that makes its content (and so its output) unique.
fn dump(seeds: &[String], i: usize) -> String {
    format!(
        "{}\nFiled under reference {i}.\n",
        seeds[i % seeds.len()].trim_end()
    )
}

/// What inotify says reached `processed/`: the time each name arrived.
struct Arrivals {
    rx: mpsc::Receiver<Option<(Instant, String)>>,
    _watcher: notify::RecommendedWatcher,
    /// Events were lost: only a listing can tell what arrived.
    lost: bool,
}

impl Arrivals {
    fn watch(dir: &Path) -> Arrivals {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let now = Instant::now();
            let Ok(event) = res else {
                let _ = tx.send(None);
                return;
            };
            if event.need_rescan() {
                let _ = tx.send(None);
                return;
            }
            let arrived = matches!(
                event.kind,
                EventKind::Create(CreateKind::File | CreateKind::Any)
                    | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
            );
            if arrived {
                if let Some(name) = event.paths.last().and_then(|p| p.file_name()) {
                    let _ = tx.send(Some((now, name.to_string_lossy().into_owned())));
                }
            }
        })
        .expect("inotify watcher");
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .expect("watch processed/");
        Arrivals {
            rx,
            _watcher: watcher,
            lost: false,
        }
    }

    /// The next arrival, waiting at most `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<(Instant, String)> {
        loop {
            match self.rx.recv_timeout(timeout) {
                Ok(Some(a)) => return Some(a),
                Ok(None) => self.lost = true,
                Err(_) => return None,
            }
        }
    }
}

struct Service {
    child: Child,
}

impl Service {
    fn start(root: &Path, args: &Args) -> Service {
        let config = root.join("copydesk.toml");
        let mut text = format!(
            "inbox = \"inbox\"\noutbox = \"outbox\"\nrules = {:?}\nworkers = {}\n",
            Path::new(REPO).join("rules"),
            args.workers
        );
        if let Some(writers) = args.writers {
            text.push_str(&format!("writers = {writers}\n"));
        }
        fs::write(&config, text).unwrap();
        let child = Command::new(BIN)
            .arg("run")
            .arg("--config")
            .arg(&config)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or("info".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(root.join("service.log")).unwrap())
            .spawn()
            .expect("start copydesk run");
        let status = root.join("inbox/.copydesk-status.json");
        let start = Instant::now();
        while !fs::read_to_string(&status).is_ok_and(|s| s.contains("\"running\"")) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the service did not start; see {}",
                root.join("service.log").display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Service { child }
    }

    /// A line of `/proc/PID/status`, in kB.
    fn proc_kb(&self, key: &str) -> u64 {
        let text = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// User + system CPU seconds so far.
    fn cpu_seconds(&self) -> f64 {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after_name.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // USER_HZ is 100 on every Linux this runs on.
        ticks as f64 / 100.0
    }

    fn stop(mut self) -> Option<i32> {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s TERM {}", self.child.id()))
            .status();
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dumps_left(inbox: &Path) -> usize {
    fs::read_dir(inbox)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args = args();
    let seeds = seeds();
    let tmp = match &args.dir {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temporary folder");
    let root = tmp.path();
    let (inbox, staging, processed) = (
        root.join("inbox"),
        root.join("staging"),
        root.join("inbox/processed"),
    );
    for d in [&inbox, &staging, &processed, &root.join("outbox")] {
        fs::create_dir_all(d).unwrap();
    }
    let mut names = Vec::with_capacity(args.files);
    for i in 0..args.files {
        let name = format!("burst-{i:06}.txt");
        fs::write(staging.join(&name), dump(&seeds, i)).unwrap();
        names.push(name);
    }
    // Start from a quiet disk, so the staging writes are not flushed during the burst.
    let _ = Command::new("sync").status();

    let service = Service::start(root, &args);
    let mut arrivals = Arrivals::watch(&processed);
    let cpu_before = service.cpu_seconds();

    // Phase 1: the burst.
    let start = Instant::now();
    for name in &names {
        fs::rename(staging.join(name), inbox.join(name)).unwrap();
    }
    let renamed = start.elapsed();
    let mut seen = 0;
    let mut last = start;
    let deadline = Instant::now() + Duration::from_secs(600);
    while seen < args.files && Instant::now() < deadline {
        match arrivals.next(Duration::from_secs(1)) {
            Some((at, _)) => {
                seen += 1;
                last = last.max(at);
            }
            // Quiet for a second, or events lost: trust a listing instead.
            None if (arrivals.lost || seen > 0) && dumps_left(&inbox) == 0 => {
                last = Instant::now();
                break;
            }
            None => {}
        }
    }
    let elapsed = last - start;
    let left = dumps_left(&inbox);
    assert_eq!(left, 0, "{left} dumps were never processed");
    let peak_kb = service.proc_kb("VmHWM:");
    let cpu_burst = service.cpu_seconds() - cpu_before;
    while arrivals.next(Duration::from_millis(200)).is_some() {}

    // Phase 2: latency of single files dropped into an idle service.
    let mut latencies = Vec::with_capacity(args.drops);
    for i in 0..args.drops {
        std::thread::sleep(Duration::from_millis(20));
        let name = format!("single-{i:04}.txt");
        let part = inbox.join(format!(".{name}.part"));
        fs::write(&part, dump(&seeds, args.files + i)).unwrap();
        let t0 = Instant::now();
        fs::rename(&part, inbox.join(&name)).unwrap();
        let mut arrived = None;
        while let Some((at, got)) = arrivals.next(Duration::from_secs(30)) {
            if got == name {
                arrived = Some(at);
                break;
            }
        }
        match arrived {
            Some(at) => latencies.push(at - t0),
            None => panic!("{name} did not reach processed/ within 30 s"),
        }
    }
    latencies.sort();
    let cpu_total = service.cpu_seconds() - cpu_before;
    let outputs = fs::read_dir(root.join("outbox"))
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    let exit = service.stop();

    let rate = args.files as f64 / elapsed.as_secs_f64();
    println!(
        "service_burst: copydesk run, workers = {} (0 = one per core), writers = {}, inbox under {}",
        args.workers,
        args.writers
            .map_or("default".to_string(), |w| w.to_string()),
        root.parent().unwrap_or(root).display()
    );
    if arrivals.lost {
        println!("(inotify lost events: the burst time is an upper bound, to the next second)");
    }
    println!(
        "burst:   {} files in {:.2} s = {:.0} files/s (renames took {}), {:.2} CPU s in the service",
        args.files,
        elapsed.as_secs_f64(),
        rate,
        ms(renamed),
        cpu_burst
    );
    println!(
        "memory:  peak RSS (VmHWM) {:.1} MB",
        peak_kb as f64 / 1024.0
    );
    println!(
        "latency: {} single drops: p50 {}, p99 {}, max {}",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "checks:  {} outputs for {} dumps, service exit code {:?}, {:.2} CPU s in all",
        outputs,
        args.files + args.drops,
        exit,
        cpu_total
    );
    if outputs != args.files + args.drops || exit != Some(0) {
        eprintln!(
            "service_burst: FAILED: every dump must give one output and the service must exit 0"
        );
        std::process::exit(1);
    }
}
