//! `copydesk run` end to end: the real binary on temporary folders.
//!
//! Every wait is a poll with a generous deadline, never a fixed sleep standing in for an
//! assertion, so the tests hold on a slow, busy machine and fail with a message that says
//! what never happened.

use copydesk::output::parse_markdown;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_copydesk");
const LONG: Duration = Duration::from_secs(90);

/// A service's folders in a temporary directory.
struct Desk {
    dir: tempfile::TempDir,
    inbox: PathBuf,
    outbox: PathBuf,
    rules: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        let outbox = dir.path().join("outbox");
        let rules = dir.path().join("rules");
        for d in [&inbox, &outbox, &rules] {
            fs::create_dir(d).unwrap();
        }
        Desk {
            dir,
            inbox,
            outbox,
            rules,
        }
    }

    /// Writes a config file (fast timings for tests, plus `extra`) and returns its path.
    fn config(&self, extra: &str) -> PathBuf {
        let file = self.dir.path().join("copydesk.toml");
        let mut text = String::from(
            "inbox = \"inbox\"\noutbox = \"outbox\"\nrules = \"rules\"\nworkers = 2\nstatus_interval = \"200ms\"\nretry_max = \"1s\"\n",
        );
        if !extra.contains("settle") {
            text.push_str("settle = \"300ms\"\n");
        }
        text.push_str(extra);
        fs::write(&file, text).unwrap();
        file
    }

    /// Starts `copydesk run` with a config file holding `extra`.
    fn start(&self, extra: &str) -> Service {
        self.start_with(extra, &[], &[])
    }

    fn start_with(&self, extra: &str, args: &[&str], env: &[(&str, &Path)]) -> Service {
        let config = self.config(extra);
        let log = self.dir.path().join(format!("log-{}.txt", unique()));
        let mut cmd = Command::new(BIN);
        cmd.arg("run")
            .arg("--config")
            .arg(&config)
            .args(args)
            .env_remove("RUST_LOG")
            .env_remove("NOTIFY_SOCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let service = Service { child, log };
        // Up once it has written its status file.
        service.wait_until("the service writes its status file", LONG, || {
            status(&self.inbox)
                .is_some_and(|s| s["pid"] == service.child.id() && s["state"] == "running")
        });
        service
    }

    fn processed(&self) -> BTreeSet<String> {
        names(&self.inbox.join("processed"))
    }

    /// Dumps in failed/ with their error file (the dump is moved first, its error file
    /// written just after).
    fn failed(&self) -> BTreeSet<String> {
        let all = names(&self.inbox.join("failed"));
        all.iter()
            .filter(|n| !n.ends_with(".error") && all.contains(&format!("{n}.error")))
            .cloned()
            .collect()
    }

    /// Dumps still at the inbox's top level (what the service has not finished).
    fn waiting(&self) -> BTreeSet<String> {
        fs::read_dir(&self.inbox)
            .unwrap()
            .flatten()
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name().into_string().unwrap())
            .filter(|n| !n.starts_with('.'))
            .collect()
    }

    fn outputs(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(&self.outbox)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.file_name().unwrap().to_str().unwrap().starts_with('.'))
            .collect();
        v.sort();
        v
    }

    /// The input file name each output came from, one entry per output.
    fn output_sources(&self) -> Vec<String> {
        self.outputs()
            .iter()
            .map(|p| {
                let text = fs::read_to_string(p).unwrap();
                let article = parse_markdown(&text)
                    .unwrap_or_else(|e| panic!("{} is not a whole article: {e}", p.display()));
                file_name(Path::new(&article.source.path))
            })
            .collect()
    }
}

struct Service {
    child: Child,
    log: PathBuf,
}

impl Service {
    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, name: &str) {
        // Through the shell's own `kill`, so no procps is needed.
        let ok = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s {name} {}", self.child.id()))
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -s {name} failed");
    }

    /// Waits for `what`, failing with the service's log if it never happens.
    fn wait_until(&self, what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            if start.elapsed() > timeout {
                panic!(
                    "timed out after {timeout:?} waiting until {what}\n--- service log ---\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > timeout {
                panic!(
                    "the service did not exit within {timeout:?}\n--- service log ---\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the exit status.
    fn stop(&mut self) -> ExitStatus {
        self.signal("TERM");
        self.wait_exit(Duration::from_secs(60))
    }

    fn count(&self, needle: &str) -> usize {
        self.log().matches(needle).count()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_str().unwrap().to_string()
}

fn names(dir: &Path) -> BTreeSet<String> {
    match fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .filter(|n| !n.starts_with('.'))
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

fn status(inbox: &Path) -> Option<serde_json::Value> {
    let text = fs::read_to_string(inbox.join(".copydesk-status.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// A small news dump, different for every `i`.
fn dump(i: usize) -> String {
    format!(
        "Council Approves Budget Number {i}\n\n\
         The city council approved budget number {i} on Tuesday after a long debate about roads, \
         schools and the harbour.\n\n\
         Members said plan {i} would take effect next year, pending a final review by the mayor \
         and a public hearing in the spring.\n"
    )
}

/// Drops a file the way senders should: write a dot-name, then rename.
fn drop_renamed(inbox: &Path, name: &str, content: &str) {
    let tmp = inbox.join(format!(".{name}.part"));
    fs::write(&tmp, content).unwrap();
    fs::rename(&tmp, inbox.join(name)).unwrap();
}

/// The JSON log lines with this message.
fn json_events(log: &str, message: &str) -> Vec<serde_json::Value> {
    log.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == message)
        .collect()
}

#[test]
fn backlog_and_files_dropped_while_running_are_processed() {
    let desk = Desk::new();
    for i in 0..3 {
        fs::write(desk.inbox.join(format!("backlog-{i}.txt")), dump(i)).unwrap();
    }
    let ignored = [
        ".hidden.txt",
        "upload.tmp",
        "big.part",
        "notes.txt~",
        ".#lock",
    ];
    for name in ignored {
        fs::write(desk.inbox.join(name), dump(99)).unwrap();
    }
    let mut svc = desk.start_with("", &["--log-format", "json"], &[]);
    svc.wait_until("the backlog is processed", LONG, || {
        desk.processed().len() == 3
    });

    drop_renamed(&desk.inbox, "renamed.txt", &dump(10));
    fs::write(desk.inbox.join("written.txt"), dump(11)).unwrap();
    svc.wait_until("the dropped files are processed", LONG, || {
        desk.processed().len() == 5
    });
    assert_eq!(desk.outputs().len(), 5);
    let mut sources = desk.output_sources();
    sources.sort();
    assert_eq!(
        sources,
        [
            "backlog-0.txt",
            "backlog-1.txt",
            "backlog-2.txt",
            "renamed.txt",
            "written.txt"
        ]
    );
    for name in ignored {
        assert_eq!(
            fs::read_to_string(desk.inbox.join(name)).unwrap(),
            dump(99),
            "{name} must be left alone"
        );
    }

    // One JSON log line per article, with what an operator needs.
    let cleaned = json_events(&svc.log(), "cleaned");
    assert_eq!(cleaned.len(), 5, "{}", svc.log());
    for line in &cleaned {
        for field in ["input", "output", "site", "rule", "removed", "ms"] {
            assert!(!line[field].is_null(), "no {field} in {line}");
        }
        assert_eq!(line["site"], "-");
    }

    // The counts are visible while it runs.
    svc.wait_until("the status file shows the counts", LONG, || {
        status(&desk.inbox).is_some_and(|s| s["processed"] == 5 && s["failed"] == 0)
    });
    let out = Command::new(BIN)
        .args(["status", "--config"])
        .arg(desk.dir.path().join("copydesk.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("copydesk running"), "{text}");
    assert!(text.contains("processed: 5"), "{text}");
    assert!(text.contains("0 queued"), "{text}");

    assert_eq!(svc.stop().code(), Some(0), "{}", svc.log());
    assert_eq!(status(&desk.inbox).unwrap()["state"], "stopped");
    let out = Command::new(BIN)
        .args(["status", "--inbox"])
        .arg(&desk.inbox)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "status of a stopped service");
}

#[test]
fn a_slow_writer_is_processed_once_and_complete() {
    let desk = Desk::new();
    let mut svc = desk.start("settle = \"1s\"\n");
    let path = desk.inbox.join("slow.txt");
    let mut f = fs::File::create(&path).unwrap();
    f.write_all(b"A Story Written Slowly\n\n").unwrap();
    f.flush().unwrap();
    // Ten paragraphs over two seconds, each one flushed to the file as it comes.
    for i in 1..=10 {
        std::thread::sleep(Duration::from_millis(200));
        writeln!(
            f,
            "Paragraph number {i} of the slow story, which is still being written.\n"
        )
        .unwrap();
        f.flush().unwrap();
    }
    drop(f);
    svc.wait_until("the slow file is processed", LONG, || {
        desk.processed().contains("slow.txt")
    });
    let outputs = desk.outputs();
    assert_eq!(
        outputs.len(),
        1,
        "one output, not one per chunk: {outputs:?}"
    );
    let text = fs::read_to_string(&outputs[0]).unwrap();
    assert!(
        text.contains("Paragraph number 10 of"),
        "incomplete: {text}"
    );
    assert!(text.contains("Paragraph number 1 of"), "{text}");
    assert_eq!(svc.count("cleaned"), 1, "{}", svc.log());
    assert_eq!(svc.stop().code(), Some(0));
    assert_eq!(status(&desk.inbox).unwrap()["processed"], 1);
}

#[test]
fn a_burst_of_2000_files_is_processed_exactly_once() {
    const N: usize = 2000;
    let desk = Desk::new();
    // A small queue, so the burst also goes through the "no room, rescan later" path.
    let mut svc = desk.start("queue = 64\nsettle = \"200ms\"\n");
    let staging = desk.dir.path().join("staging");
    fs::create_dir(&staging).unwrap();
    let mut expected = BTreeSet::new();
    for i in 0..N {
        let name = format!("burst-{i:04}.txt");
        if i % 2 == 0 {
            fs::write(staging.join(&name), dump(i)).unwrap();
        } else {
            fs::write(desk.inbox.join(&name), dump(i)).unwrap();
        }
        expected.insert(name);
    }
    for i in (0..N).step_by(2) {
        let name = format!("burst-{i:04}.txt");
        fs::rename(staging.join(&name), desk.inbox.join(&name)).unwrap();
    }
    svc.wait_until(
        "all 2000 files are processed",
        Duration::from_secs(150),
        || desk.processed().len() >= N,
    );
    assert_eq!(
        desk.processed(),
        expected,
        "each input moved once, none renamed twice"
    );
    let mut sources = desk.output_sources();
    assert_eq!(sources.len(), N);
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), N, "one output per input");
    assert!(desk.waiting().is_empty());
    assert!(desk.failed().is_empty());
    assert_eq!(svc.stop().code(), Some(0));
    assert_eq!(svc.count(" cleaned "), N, "one 'cleaned' line per input");
    let s = status(&desk.inbox).unwrap();
    assert_eq!(s["processed"], N as u64, "{s}");
    assert_eq!(s["failed"], 0);
}

#[test]
fn kill_9_mid_burst_then_restart_accounts_for_every_input_once() {
    const N: usize = 600;
    let desk = Desk::new();
    let mut svc = desk.start("settle = \"100ms\"\n");
    let mut good = BTreeSet::new();
    let mut bad = BTreeSet::new();
    for i in 0..N {
        let name = format!("dump-{i:03}.txt");
        if i % 50 == 7 {
            fs::write(
                desk.inbox.join(&name),
                if i % 100 == 7 { "" } else { "\0\0\0" },
            )
            .unwrap();
            bad.insert(name);
        } else {
            fs::write(desk.inbox.join(&name), dump(i)).unwrap();
            good.insert(name);
        }
    }
    svc.wait_until("the burst is under way", LONG, || {
        desk.processed().len() >= 50
    });
    svc.child.kill().unwrap(); // SIGKILL
    svc.child.wait().unwrap();
    assert!(
        !desk.waiting().is_empty(),
        "the kill came too late to test anything"
    );
    // Whatever is in the outbox under an output name is a whole article.
    let done_before = desk.output_sources().len();
    assert!(done_before >= 50);
    // What an interrupted atomic write leaves behind, in case the kill did not leave one.
    fs::write(
        desk.outbox
            .join(".torn-article-0123456789ab.md.999999-0.tmp"),
        "+++\ntitle = ",
    )
    .unwrap();
    fs::write(desk.inbox.join("..copydesk-status.json.999999-1.tmp"), "{").unwrap();

    let mut svc = desk.start("settle = \"100ms\"\n");
    svc.wait_until("the rest is processed after the restart", LONG, || {
        desk.waiting().is_empty() && status(&desk.inbox).is_some_and(|s| s["in_flight"] == 0)
    });
    assert_eq!(svc.stop().code(), Some(0));

    assert_eq!(
        desk.processed(),
        good,
        "every good input once in processed/"
    );
    assert_eq!(desk.failed(), bad, "every bad input once in failed/");
    for name in &bad {
        assert!(
            desk.inbox
                .join("failed")
                .join(format!("{name}.error"))
                .is_file(),
            "{name} has no error file"
        );
    }
    let mut sources = desk.output_sources();
    sources.sort();
    assert_eq!(
        sources,
        good.iter().cloned().collect::<Vec<_>>(),
        "exactly one output per good input"
    );
    let temps: Vec<_> = fs::read_dir(&desk.outbox)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "temp files left in the outbox: {temps:?}");
    assert!(!desk
        .inbox
        .join("..copydesk-status.json.999999-1.tmp")
        .exists());
}

#[test]
fn bad_dumps_land_in_failed_with_an_error_file_and_the_service_goes_on() {
    let desk = Desk::new();
    // RUST_LOG is honoured: warnings (the failures) only, no per-article info lines.
    let mut svc = desk.start_with("", &[], &[("RUST_LOG", Path::new("warn"))]);
    fs::write(desk.inbox.join("empty.txt"), "").unwrap();
    fs::write(desk.inbox.join("nul.txt"), b"Title\0\0\0body").unwrap();
    fs::write(desk.inbox.join("broken.json"), "{\"url\": 5}").unwrap();
    svc.wait_until("the bad dumps are in failed/", LONG, || {
        desk.failed().len() == 3
    });
    let failed = desk.inbox.join("failed");
    for (name, reason) in [
        ("empty.txt", "is empty"),
        ("nul.txt", "NUL bytes"),
        ("broken.json", "invalid JSON envelope"),
    ] {
        let report = fs::read_to_string(failed.join(format!("{name}.error"))).unwrap();
        let error = report
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("");
        assert!(error.contains(reason), "{name}: {report}");
        assert!(report.contains("\nwhen:     20"), "{report}");
        assert!(report.contains("\nrule:     none"), "{report}");
        assert!(report.contains("\nrules:    "), "{report}");
    }
    // The same name failing again does not overwrite the first one.
    fs::write(desk.inbox.join("empty.txt"), "  \n").unwrap();
    drop_renamed(&desk.inbox, "good.txt", &dump(1));
    svc.wait_until("the service goes on", LONG, || {
        desk.processed().contains("good.txt")
            && desk.failed().len() == 4
            && svc.count(" failed ") == 4
    });
    assert!(failed.join("empty.1.txt.error").is_file());
    assert_eq!(desk.outputs().len(), 1);
    assert_eq!(svc.count(" failed "), 4, "{}", svc.log());
    assert_eq!(svc.count(" cleaned "), 0, "RUST_LOG=warn hides info lines");
    assert_eq!(svc.stop().code(), Some(0));
    assert_eq!(status(&desk.inbox).unwrap()["failed"], 4);
}

#[test]
fn an_unwritable_outbox_loses_nothing_once_it_is_writable() {
    let desk = Desk::new();
    let mut svc = desk.start("");
    // Tests run as root, which ignores permission bits: put a file where the folder was.
    let aside = desk.dir.path().join("outbox.aside");
    fs::rename(&desk.outbox, &aside).unwrap();
    fs::write(&desk.outbox, "not a folder").unwrap();
    for i in 0..5 {
        drop_renamed(&desk.inbox, &format!("wait-{i}.txt"), &dump(i));
    }
    svc.wait_until("the outbox error is reported", LONG, || {
        status(&desk.inbox)
            .is_some_and(|s| s["outbox_error"].is_string() && s["retries"].as_u64() >= Some(2))
    });
    assert!(
        svc.log().contains("cannot write to the outbox"),
        "{}",
        svc.log()
    );
    assert_eq!(desk.waiting().len(), 5, "the dumps must stay in the inbox");
    assert!(desk.processed().is_empty() && desk.failed().is_empty());

    fs::remove_file(&desk.outbox).unwrap();
    fs::rename(&aside, &desk.outbox).unwrap();
    svc.wait_until(
        "everything is processed once the outbox is back",
        LONG,
        || desk.processed().len() == 5,
    );
    assert_eq!(desk.outputs().len(), 5);
    assert!(svc.log().contains("the outbox is writable again"));
    svc.wait_until("the status shows the outbox is fine", LONG, || {
        status(&desk.inbox).is_some_and(|s| s["outbox_error"].is_null() && s["processed"] == 5)
    });
    assert_eq!(svc.stop().code(), Some(0));
}

const RULE: &str = "[site]\nid = \"news\"\nname = \"Old Name\"\nhosts = [\"news.test\"]\n";

fn envelope(i: usize) -> String {
    serde_json::json!({ "url": format!("https://news.test/story-{i}"), "text": dump(i) })
        .to_string()
}

/// The site name in the output of the input called `name`.
fn site_of(desk: &Desk, name: &str) -> Option<String> {
    desk.outputs().iter().find_map(|p| {
        let article = parse_markdown(&fs::read_to_string(p).ok()?).ok()?;
        (file_name(Path::new(&article.source.path)) == name)
            .then(|| article.site.map(|s| s.name))?
    })
}

#[test]
fn a_rule_edit_is_picked_up_without_restart_and_a_broken_edit_keeps_the_old_rules() {
    let desk = Desk::new();
    let rule = desk.rules.join("news.toml");
    fs::write(&rule, RULE).unwrap();
    let mut svc = desk.start("");
    drop_renamed(&desk.inbox, "one.json", &envelope(1));
    svc.wait_until("the first dump is cleaned", LONG, || {
        site_of(&desk, "one.json").is_some()
    });
    assert_eq!(site_of(&desk, "one.json").as_deref(), Some("Old Name"));

    fs::write(&rule, RULE.replace("Old Name", "New Name")).unwrap();
    svc.wait_until("the edit is reloaded", LONG, || {
        svc.count("rules reloaded") == 1
    });
    drop_renamed(&desk.inbox, "two.json", &envelope(2));
    svc.wait_until("the second dump is cleaned", LONG, || {
        site_of(&desk, "two.json").is_some()
    });
    assert_eq!(site_of(&desk, "two.json").as_deref(), Some("New Name"));

    fs::write(&rule, "[site]\nid = \"news\"\nname = \n").unwrap();
    svc.wait_until("the broken edit is reported as file:line", LONG, || {
        svc.log().contains("news.toml:3:")
    });
    assert!(svc.log().contains("the last good rules stay in force"));
    drop_renamed(&desk.inbox, "three.json", &envelope(3));
    svc.wait_until("the third dump is cleaned", LONG, || {
        site_of(&desk, "three.json").is_some()
    });
    assert_eq!(site_of(&desk, "three.json").as_deref(), Some("New Name"));
    svc.wait_until("the status shows the reload problem", LONG, || {
        status(&desk.inbox).is_some_and(|s| {
            s["rules"]["reload_error"]
                .as_str()
                .is_some_and(|e| e.contains("news.toml:3:"))
        })
    });

    // SIGHUP reloads too; once fixed, the status problem clears.
    fs::write(&rule, RULE.replace("Old Name", "Third Name")).unwrap();
    svc.signal("HUP");
    svc.wait_until("SIGHUP reloads the fixed rules", LONG, || {
        svc.log().contains("SIGHUP") && svc.count("rules reloaded") >= 2
    });
    drop_renamed(&desk.inbox, "four.json", &envelope(4));
    svc.wait_until("the fourth dump is cleaned", LONG, || {
        site_of(&desk, "four.json").is_some()
    });
    assert_eq!(site_of(&desk, "four.json").as_deref(), Some("Third Name"));
    assert_eq!(svc.stop().code(), Some(0));
}

#[test]
fn sigterm_drains_in_flight_work_and_exits_0_telling_systemd() {
    let desk = Desk::new();
    let socket_path = desk.dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // Big enough dumps that cleaning takes a while, so files are in flight at the signal.
    let paragraph = "The committee heard evidence from dozens of witnesses over many weeks. ";
    for i in 0..400 {
        let body = format!("{}\n\n", paragraph.repeat(40)).repeat(20);
        fs::write(
            desk.inbox.join(format!("big-{i:03}.txt")),
            format!("{}{body}", dump(i)),
        )
        .unwrap();
    }
    let mut svc = desk.start_with(
        "settle = \"100ms\"\n",
        &["--log-format", "json"],
        &[("NOTIFY_SOCKET", &socket_path)],
    );
    let mut messages = String::new();
    let mut buf = [0u8; 4096];
    svc.wait_until("systemd is told READY", LONG, || {
        if let Ok(n) = socket.recv(&mut buf) {
            messages.push_str(&String::from_utf8_lossy(&buf[..n]));
            messages.push('\n');
        }
        messages.contains("READY=1")
    });
    svc.wait_until("work is under way", LONG, || desk.processed().len() >= 3);

    let signalled = Instant::now();
    svc.signal("TERM");
    let code = svc.wait_exit(Duration::from_secs(60));
    assert_eq!(code.code(), Some(0), "{}", svc.log());
    assert!(
        signalled.elapsed() < Duration::from_secs(30),
        "shutdown took too long"
    );
    while let Ok(n) = socket.recv(&mut buf) {
        messages.push_str(&String::from_utf8_lossy(&buf[..n]));
        messages.push('\n');
    }
    assert!(messages.contains("STOPPING=1"), "{messages}");

    let log = svc.log();
    let stopping = json_events(
        &log,
        "stopping: taking no new files, finishing those in flight",
    );
    assert_eq!(stopping.len(), 1, "{log}");
    assert!(
        stopping[0]["in_flight"].as_u64() >= Some(1),
        "nothing was in flight: {}",
        stopping[0]
    );
    // Exactly the files in flight at the signal were finished after it.
    let stopped = json_events(&log, "copydesk stopped");
    assert_eq!(stopped.len(), 1, "{log}");
    assert_eq!(
        stopped[0]["processed"].as_u64().unwrap(),
        stopping[0]["processed"].as_u64().unwrap() + stopping[0]["in_flight"].as_u64().unwrap(),
        "in-flight files were not drained: {log}"
    );
    // Every file that was started got finished: each output's dump left the inbox.
    let waiting = desk.waiting();
    for source in desk.output_sources() {
        assert!(
            !waiting.contains(&source),
            "{source} was written but left half done"
        );
        assert!(desk.processed().contains(&source));
    }
    assert!(
        !waiting.is_empty(),
        "it should stop taking files, not finish the inbox"
    );
    assert_eq!(desk.processed().len() + waiting.len(), 400);
    assert_eq!(json_events(&log, "cleaned").len(), desk.processed().len());
    assert_eq!(status(&desk.inbox).unwrap()["state"], "stopped");
}

#[test]
fn polling_mode_with_delete_and_config_mistakes() {
    let desk = Desk::new();
    let mut svc = desk.start("poll = true\npoll_interval = \"200ms\"\nprocessed = \"delete\"\n");
    fs::write(desk.inbox.join("polled.txt"), dump(1)).unwrap();
    svc.wait_until("the polled file is cleaned", LONG, || {
        desk.outputs().len() == 1
    });
    svc.wait_until("the dump is deleted", LONG, || desk.waiting().is_empty());
    assert!(desk.processed().is_empty(), "deleted, not moved");
    assert_eq!(desk.output_sources(), ["polled.txt"]);
    assert!(svc.log().contains("mode=\"poll\""), "{}", svc.log());
    assert_eq!(svc.stop().code(), Some(0));

    let run = |args: &[&str]| {
        let out = Command::new(BIN).arg("run").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let bad = desk.dir.path().join("bad.toml");
    fs::write(&bad, "inbox = \"inbox\"\nsetle = \"1s\"\n").unwrap();
    let (code, err) = run(&["--config", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bad.toml") && err.contains("unknown field `setle`"),
        "{err}"
    );
    let missing = desk.dir.path().join("no-such-inbox");
    let (code, err) = run(&["--inbox", missing.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a folder"), "{err}");
    fs::write(desk.rules.join("bad.toml"), "[site]\nid = 1\n").unwrap();
    let (code, err) = run(&[
        "--inbox",
        desk.inbox.to_str().unwrap(),
        "--rules",
        desk.rules.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml:2:"), "{err}");
}

// Faults an adversarial test found; each test reproduced its fault before the fix.

/// A second `run` on the same inbox exits 2 naming the first; a kill -9 makes `status`
/// say "not running" at once, not only once the status file is old.
#[test]
fn one_service_per_inbox_and_status_sees_a_killed_service_at_once() {
    let desk = Desk::new();
    let mut first = desk.start("");
    let out = Command::new(BIN)
        .arg("run")
        .arg("--config")
        .arg(desk.config(""))
        .env_remove("NOTIFY_SOCKET")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "another copydesk (pid {}) is already running",
            first.child.id()
        )),
        "{err}"
    );
    drop_renamed(&desk.inbox, "a.txt", &dump(1));
    first.wait_until("the first service still works", LONG, || {
        desk.processed().contains("a.txt")
    });
    first.signal("KILL");
    first.wait_exit(LONG);
    let out = Command::new(BIN)
        .args(["status", "--inbox"])
        .arg(&desk.inbox)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("not running"), "{text}");
}

/// Symlinks (to a secret, dangling, looping), a FIFO, a socket, a name that is not UTF-8
/// and a bad dump with a 255-byte name: each goes to failed/ with its reason, none is
/// followed or read, and the service goes on.
#[test]
fn odd_inbox_entries_are_quarantined_with_a_reason() {
    use std::os::unix::ffi::OsStrExt;
    let desk = Desk::new();
    let secret = desk.dir.path().join("secret.txt");
    fs::write(&secret, "Secret Title\n\nroot:x:0:0:the secret body line\n").unwrap();
    let inbox = &desk.inbox;
    std::os::unix::fs::symlink(&secret, inbox.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(desk.dir.path().join("nowhere"), inbox.join("dangling.txt"))
        .unwrap();
    std::os::unix::fs::symlink(inbox.join("loop.txt"), inbox.join("loop.txt")).unwrap();
    let fifo = std::ffi::CString::new(inbox.join("pipe.txt").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    drop(std::os::unix::net::UnixListener::bind(inbox.join("sock.txt")).unwrap());
    fs::write(
        inbox.join(std::ffi::OsStr::from_bytes(b"odd-\xff.txt")),
        dump(2),
    )
    .unwrap();
    let long = format!("{}.txt", "n".repeat(251));
    fs::write(inbox.join(&long), "").unwrap();

    let mut svc = desk.start("");
    drop_renamed(inbox, "good.txt", &dump(1));
    svc.wait_until("every odd entry is in failed/", LONG, || {
        names(&desk.inbox.join("failed")).len() == 14 && desk.processed().contains("good.txt")
    });
    let failed = desk.inbox.join("failed");
    for (name, reason) in [
        ("passwd.txt", "symlink to"),
        ("dangling.txt", "dangling"),
        ("loop.txt", "loop"),
        ("pipe.txt", "FIFO"),
        ("sock.txt", "socket"),
        ("odd-\u{fffd}.txt", "not valid UTF-8"),
    ] {
        let report = fs::read_to_string(failed.join(format!("{name}.error"))).unwrap_or_else(|e| {
            panic!(
                "{name}.error: {e}\nfailed/: {:?}\n{}",
                names(&failed),
                svc.log()
            )
        });
        assert!(report.contains(reason), "{name}: {report}");
    }
    // The 255-byte name leaves no room for `.error`: cut, tagged with a hash, kept apart.
    let long_error = names(&failed)
        .into_iter()
        .find(|n| n.starts_with("nnnn") && n.ends_with(".txt.error"))
        .expect("the long name's error file");
    assert!(
        long_error.len() <= 255 && long_error.contains('~'),
        "{long_error}"
    );
    assert!(fs::read_to_string(failed.join(&long_error))
        .unwrap()
        .contains("is empty"));
    let sources = desk.output_sources();
    assert_eq!(
        sources,
        ["good.txt"],
        "nothing but the good dump is cleaned"
    );
    for out in desk.outputs() {
        assert!(!fs::read_to_string(out).unwrap().contains("secret body"));
    }
    svc.wait_until("the status counts them", LONG, || {
        status(&desk.inbox).is_some_and(|s| s["failed"] == 7 && s["refused"] == 6)
    });
    assert!(
        fs::metadata(&secret).is_ok(),
        "the symlink's target is left alone"
    );
    assert_eq!(svc.stop().code(), Some(0));
}

/// An outbox whose volume is unmounted (here: renamed away, a bare folder in its place)
/// pauses the service loudly; nothing goes into the stand-in, no dump leaves the inbox,
/// and all is written once the original is back.
#[test]
fn a_replaced_outbox_pauses_the_service_until_the_original_is_back() {
    let desk = Desk::new();
    let mut svc = desk.start("");
    let away = desk.dir.path().join("outbox.away");
    fs::rename(&desk.outbox, &away).unwrap();
    fs::create_dir(&desk.outbox).unwrap();
    for i in 0..3 {
        drop_renamed(&desk.inbox, &format!("p-{i}.txt"), &dump(i));
    }
    svc.wait_until(
        "the status shows the outbox is not the original",
        LONG,
        || {
            status(&desk.inbox).is_some_and(|s| {
                s["outbox_error"]
                    .as_str()
                    .is_some_and(|e| e.contains("not the folder copydesk started with"))
            })
        },
    );
    assert!(
        desk.outputs().is_empty(),
        "nothing written into the stand-in"
    );
    assert_eq!(desk.waiting().len(), 3, "the dumps stay in the inbox");
    assert!(desk.processed().is_empty());
    fs::remove_dir(&desk.outbox).unwrap();
    fs::rename(&away, &desk.outbox).unwrap();
    svc.wait_until("all is written once the original is back", LONG, || {
        desk.processed().len() == 3
    });
    assert_eq!(desk.outputs().len(), 3);
    assert_eq!(svc.stop().code(), Some(0));
}

/// A sender writing in place that pauses for longer than the settle time: the article is
/// of the whole file, once, because the service waits for the writer to close it.
#[test]
fn an_in_place_writer_that_pauses_is_waited_for() {
    let desk = Desk::new();
    let mut svc = desk.start("settle = \"200ms\"\n");
    let body = dump(7);
    let (head, tail) = body.split_at(body.len() / 2);
    let mut f = fs::File::create(desk.inbox.join("slow.txt")).unwrap();
    f.write_all(head.as_bytes()).unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(1_000)); // five settle times
    f.write_all(tail.as_bytes()).unwrap();
    drop(f);
    svc.wait_until("the file is cleaned", LONG, || {
        desk.processed().contains("slow.txt")
    });
    let outputs = desk.outputs();
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    let text = fs::read_to_string(&outputs[0]).unwrap();
    assert!(text.contains("public hearing in the spring"), "{text}");
    assert_eq!(svc.stop().code(), Some(0));
}

/// An inbox folder replaced under the service is watched again at once, not at the next
/// rescan (an hour here).
#[test]
fn a_replaced_inbox_is_watched_again_at_once() {
    let desk = Desk::new();
    let mut svc = desk.start("rescan = \"1h\"\n");
    fs::rename(&desk.inbox, desk.dir.path().join("inbox.old")).unwrap();
    fs::create_dir(&desk.inbox).unwrap();
    drop_renamed(&desk.inbox, "new.txt", &dump(3));
    svc.wait_until("a dump in the new inbox is cleaned", LONG, || {
        desk.processed().contains("new.txt")
    });
    assert_eq!(svc.stop().code(), Some(0));
}
