//! The service as a learning desk, end to end with the real binary: it proposes rules for
//! a site it has no rules for (never applying them by itself), and it notices when a site
//! with rules redesigns its pages.
//!
//! The pages are realistic pages of fictional sites (`tests/sites/`): a local paper, the
//! Harbour Gazette, before and after a redesign, and a second paper, the Valley Courier.
//! Every wait polls with a generous deadline; nothing is timed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_copydesk");
const DEADLINE: Duration = Duration::from_secs(90);
const SITES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites");

/// One article of `tests/sites/articles.txt`.
struct Story {
    slug: String,
    title: String,
    standfirst: String,
    author: String,
    date: String,
    paragraphs: Vec<String>,
}

fn stories() -> Vec<Story> {
    let text = fs::read_to_string(format!("{SITES}/articles.txt")).unwrap();
    text.split("=== ")
        .filter(|s| !s.trim().is_empty())
        .map(|section| {
            let mut lines = section.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut next = || lines.next().unwrap().to_string();
            let (slug, title, standfirst, author, date) = (next(), next(), next(), next(), next());
            Story {
                slug,
                title,
                standfirst,
                author,
                date,
                paragraphs: lines.map(str::to_string).collect(),
            }
        })
        .collect()
}

/// `2026-03-02` → `2 March 2026`.
fn date_text(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<usize> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{} {} {}", parts[2], MONTHS[parts[1] - 1], parts[0])
}

/// Story `i` of `pool` in `template`; `variant` changes the page's "most read" list, as a
/// live site's does from one visit to the next.
fn page(template: &str, pool: &[Story], i: usize, variant: usize) -> String {
    let s = &pool[i % pool.len()];
    let others: Vec<&Story> = (1..pool.len())
        .map(|k| &pool[(i + k) % pool.len()])
        .collect();
    let items = |list: &[&Story]| -> String {
        list.iter()
            .map(|o| format!("<li><a href=\"/news/{}\">{}</a></li>", o.slug, o.title))
            .collect()
    };
    let related: Vec<&Story> = others.iter().take(3).copied().collect();
    let most_read: Vec<&Story> = (0..4)
        .map(|k| others[(variant + k * 2) % others.len()])
        .collect();
    let p = |ps: &[String]| -> String { ps.iter().map(|p| format!("<p>{p}</p>\n")).collect() };
    template
        .replace("{{title}}", &s.title)
        .replace("{{standfirst}}", &s.standfirst)
        .replace("{{author}}", &s.author)
        .replace("{{date_text}}", &date_text(&s.date))
        .replace("{{date}}", &s.date)
        .replace("{{slug}}", &s.slug)
        .replace("{{body_top}}", &p(&s.paragraphs[..2]))
        .replace("{{body_rest}}", &p(&s.paragraphs[2..]))
        .replace("{{related}}", &items(&related))
        .replace("{{most_read}}", &items(&most_read))
}

fn template(name: &str) -> String {
    fs::read_to_string(format!("{SITES}/{name}")).unwrap()
}

/// A running `copydesk run` on folders in a temporary directory.
struct Running {
    child: Child,
    dir: tempfile::TempDir,
    log: PathBuf,
}

impl Running {
    /// Starts the service with `rules` (files copied into its rules folder) and `extra`
    /// config lines.
    fn start(rules: &[&str], extra: &str) -> Running {
        let dir = tempfile::tempdir().unwrap();
        for d in ["inbox", "outbox", "rules", "fixtures"] {
            fs::create_dir(dir.path().join(d)).unwrap();
        }
        for r in rules {
            let name = Path::new(r).file_name().unwrap();
            fs::copy(format!("{SITES}/{r}"), dir.path().join("rules").join(name)).unwrap();
        }
        let config = dir.path().join("copydesk.toml");
        fs::write(
            &config,
            format!(
                "workers = 2\nsettle = \"200ms\"\nstatus_interval = \"100ms\"\n\
                 rescan = \"1s\"\n{extra}"
            ),
        )
        .unwrap();
        let log = dir.path().join("service.log");
        let child = Self::spawn(dir.path(), &log);
        let running = Running { child, dir, log };
        running.wait("the service is up", || running.status().is_some());
        running
    }

    fn spawn(dir: &Path, log: &Path) -> Child {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        Command::new(BIN)
            .args(["run", "--config"])
            .arg(dir.join("copydesk.toml"))
            .env_remove("RUST_LOG")
            .env_remove("NOTIFY_SOCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap()
    }

    /// Stops the service as systemd does (SIGTERM), waits for it, and starts it again on
    /// the same folders.
    fn restart(&mut self) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        assert!(self.child.wait().unwrap().success(), "{}", self.log());
        self.child = Self::spawn(self.dir.path(), &self.log);
        let pid = u64::from(self.child.id());
        self.wait("the service is up again", || {
            self.status()
                .is_some_and(|s| s["pid"].as_u64() == Some(pid) && s["state"] == "running")
        });
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Drops a dump the way senders should: a dot-name, then a rename.
    fn drop_dump(&self, name: &str, content: &str) {
        let tmp = self.path(&format!("inbox/.{name}.part"));
        fs::write(&tmp, content).unwrap();
        fs::rename(&tmp, self.path(&format!("inbox/{name}"))).unwrap();
    }

    fn status(&self) -> Option<serde_json::Value> {
        let text = fs::read_to_string(self.path("inbox/.copydesk-status.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn processed(&self) -> u64 {
        self.status()
            .map_or(0, |s| s["processed"].as_u64().unwrap_or(0))
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait(&self, what: &str, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting until {what}\n--- log ---\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Drops the dumps and waits until the service has cleaned all of them.
    fn feed(&self, dumps: &[(String, String)]) {
        let target = self.processed() + dumps.len() as u64;
        for (name, content) in dumps {
            self.drop_dump(name, content);
        }
        self.wait(&format!("{target} dumps are processed"), || {
            self.processed() >= target
        });
    }

    /// The text of every article in the outbox.
    fn articles_raw(&self) -> Vec<String> {
        fs::read_dir(self.path("outbox"))
            .unwrap()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| fs::read_to_string(e.path()).unwrap())
            .collect()
    }

    /// The articles in the outbox (JSON), by their source file name.
    fn articles(&self) -> Vec<(String, serde_json::Value)> {
        let mut out = Vec::new();
        for text in self.articles_raw() {
            let a: serde_json::Value = serde_json::from_str(&text).unwrap();
            let source = Path::new(a["source"]["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((source, a));
        }
        out
    }

    fn copydesk(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn warnings(article: &serde_json::Value) -> Vec<String> {
    article["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_redesign_is_reported_as_drift_with_the_dead_rules_named() {
    let mut svc = Running::start(
        &["harbour-gazette/harbour-gazette.toml"],
        "format = \"json\"\n",
    );
    let stories = stories();
    let old = template("harbour-gazette/template-2025.html");
    let new = template("harbour-gazette/template-2026.html");
    let before: Vec<(String, String)> = (0..15)
        .map(|i| (format!("old-{i:02}.html"), page(&old, &stories, i, i)))
        .collect();
    svc.feed(&before);
    let status = svc.status().unwrap();
    assert_eq!(status["drifting"], serde_json::json!([]), "{status}");
    for (source, a) in svc.articles() {
        assert_eq!(a["site"]["id"], "harbour-gazette", "{source}");
        assert!(warnings(&a).is_empty(), "{source}: {:?}", warnings(&a));
        assert!(!a["text"].as_str().unwrap().contains("Harbour Briefing"));
    }

    let after: Vec<(String, String)> = (0..5)
        .map(|i| (format!("new-{i:02}.html"), page(&new, &stories, i + 3, i)))
        .collect();
    svc.feed(&after);
    svc.wait("the status lists the site as drifting", || {
        svc.status()
            .is_some_and(|s| s["drifting"].as_array().is_some_and(|d| !d.is_empty()))
    });
    let drifting = &svc.status().unwrap()["drifting"][0];
    assert_eq!(drifting["site"], "harbour-gazette");
    let dead: Vec<&str> = drifting["dead_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        dead,
        [
            "harbour-gazette/newsletter",
            "harbour-gazette/related",
            "harbour-gazette/html.content"
        ]
    );
    assert_eq!(
        svc.log().matches("template seems to have changed").count(),
        1
    );

    // The article that revealed the drift carries the warning; the old ones do not.
    let articles = svc.articles();
    let warned: Vec<&String> = articles
        .iter()
        .filter(|(_, a)| {
            warnings(a)
                .iter()
                .any(|w| w.contains("may have changed its template"))
        })
        .map(|(s, _)| s)
        .collect();
    assert!(!warned.is_empty(), "no article carries the drift warning");
    assert!(warned.iter().all(|s| s.starts_with("new-")), "{warned:?}");

    // Every later article of the site carries it while the drift lasts.
    svc.feed(&[("new-later.html".into(), page(&new, &stories, 9, 1))]);
    let later = svc
        .articles()
        .into_iter()
        .find(|(s, _)| s == "new-later.html")
        .unwrap()
        .1;
    let w = warnings(&later).join("\n");
    assert!(w.contains("harbour-gazette/html.content"), "{w}");

    let (code, text) = svc.copydesk(&["status", "--inbox", "inbox"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("drifting:  harbour-gazette since")
            && text.contains("dead rules: harbour-gazette/newsletter"),
        "{text}"
    );

    // A restart does not forget it: the site is listed before any new dump arrives.
    let before_restart = svc.status().unwrap()["drifting"].clone();
    svc.restart();
    assert_eq!(svc.status().unwrap()["drifting"], before_restart);
}

#[test]
fn a_site_without_rules_gets_a_proposal_that_applies_only_once_accepted() {
    let svc = Running::start(&[], "learn_after = 5\n");
    let stories = stories();
    let old = template("harbour-gazette/template-2025.html");
    let pages: Vec<(String, String)> = (0..5)
        .map(|i| (format!("hg-{i}.html"), page(&old, &stories, i, i)))
        .collect();
    svc.feed(&pages);
    let id = "harbourgazette-example";
    let proposal = svc.path(&format!("rules/proposed/{id}.toml"));
    svc.wait("a rule file is proposed", || proposal.is_file());
    svc.wait("the status lists the proposal", || {
        svc.status().is_some_and(|s| s["proposals"][0]["id"] == id)
    });
    let fixtures = svc.path(&format!("rules/proposed/{id}"));
    let snapshots = fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".expected.md"))
        .count();
    assert!(
        snapshots >= 1,
        "the proposal comes with reviewed-to-be snapshots"
    );
    assert!(svc
        .log()
        .contains("proposed a rule file for a site without rules"));

    // Proposed is not applied: the next page is still cleaned generically.
    svc.feed(&[("hg-5.html".into(), page(&old, &stories, 5, 5))]);
    svc.wait("the learner has taken the sixth dump", || {
        svc.status()
            .is_some_and(|s| s["proposals"][0]["dumps"] == 6)
    });
    let generic = svc
        .articles_raw()
        .into_iter()
        .find(|t| t.contains("hg-5.html"))
        .unwrap();
    assert!(generic.contains("generic = true"), "{generic}");
    let (code, text) = svc.copydesk(&["status", "--inbox", "inbox"]);
    assert_eq!(code, 0);
    assert!(
        text.contains(&format!("proposed:  {id} from 6 dumps")),
        "{text}"
    );

    // Accepted, it moves into the rules and the running service picks it up.
    let (code, out) = svc.copydesk(&[
        "learn",
        "--accept",
        id,
        "--out",
        "rules",
        "--fixtures",
        "fixtures",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(svc.path(&format!("rules/{id}.toml")).is_file(), "{out}");
    assert!(!proposal.exists());
    let (code, out) = svc.copydesk(&["learn", "--accept", id, "--out", "rules"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("no proposal \"{id}\"")), "{out}");
    svc.wait("the rules are reloaded", || {
        svc.status().is_some_and(|s| s["rules"]["sites"] == 1)
    });
    svc.feed(&[("hg-6.html".into(), page(&old, &stories, 6, 6))]);
    let text = svc
        .articles_raw()
        .into_iter()
        .find(|t| t.contains("hg-6.html"))
        .unwrap();
    assert!(text.contains(&format!("id = \"{id}\"")), "{text}");
}

/// A crawler's WARC file holds pages of many sites; each page is a sample of its own site.
#[test]
fn pages_inside_a_warc_file_are_samples_of_their_sites() {
    let svc = Running::start(&[], "learn_after = 4\nformat = \"json\"\n");
    let stories = stories();
    let old = template("harbour-gazette/template-2025.html");
    let records: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            let html = page(&old, &stories, i, i);
            let uri = format!(
                "https://www.harbourgazette.example/news/{}",
                stories[i].slug
            );
            copydesk::harness::warc::response(
                &format!("00000000-0000-0000-0000-00000000000{i}"),
                &uri,
                "Content-Type: text/html; charset=utf-8\r\n",
                html.as_bytes(),
            )
        })
        .collect();
    let warc = String::from_utf8(records.concat()).unwrap();
    svc.feed(&[("crawl.warc".into(), warc)]);
    assert_eq!(svc.articles().len(), 4, "one article a page");

    let id = "harbourgazette-example";
    let proposal = svc.path(&format!("rules/proposed/{id}.toml"));
    svc.wait("a rule file is proposed from the WARC's pages", || {
        proposal.is_file()
    });
    // The fixtures are the pages as envelopes (URL and HTML), not the WARC file.
    let fixtures: Vec<PathBuf> = fs::read_dir(svc.path(&format!("rules/proposed/{id}")))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert!(!fixtures.is_empty(), "fixtures beside the proposal");
    for f in &fixtures {
        let envelope: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
        assert!(envelope["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.harbourgazette.example/news/"));
        assert!(envelope["html"].as_str().unwrap().contains("<html"));
    }
}

#[test]
fn text_dumps_without_urls_are_grouped_by_their_template_lines() {
    let svc = Running::start(&[], "learn_after = 4\n");
    let stories = stories();
    let (harbour_pool, valley_pool) = stories.split_at(6);
    let harbour = template("harbour-gazette/template-2025.html");
    let valley = template("valley-courier/template.html");
    let mut dumps = Vec::new();
    for i in 0..4 {
        let h = copydesk::eval::dump::text_dump(&page(&harbour, harbour_pool, i, i));
        let v = copydesk::eval::dump::text_dump(&page(&valley, valley_pool, i, i));
        dumps.push((format!("h{i}.txt"), h));
        dumps.push((format!("v{i}.txt"), v));
    }
    svc.feed(&dumps);
    svc.wait("two proposals are written", || {
        svc.status()
            .is_some_and(|s| s["proposals"].as_array().is_some_and(|p| p.len() == 2))
    });
    let status = svc.status().unwrap();
    for p in status["proposals"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(id.starts_with("text-"), "{id}");
        assert_eq!(p["dumps"], 4, "{p}");
        let fixtures: Vec<String> = fs::read_dir(svc.path(&format!("rules/proposed/{id}")))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".txt"))
            .map(|e| fs::read_to_string(e.path()).unwrap())
            .collect();
        let harbour = fixtures
            .iter()
            .filter(|f| f.contains("The Harbour Gazette"))
            .count();
        let valley = fixtures
            .iter()
            .filter(|f| f.contains("Valley Courier"))
            .count();
        assert!(
            (harbour == 0) != (valley == 0),
            "{id} mixes the two sites: {harbour} Harbour Gazette and {valley} Valley Courier dumps"
        );
    }
}
