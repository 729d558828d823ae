//! The dashboard in a real browser: headless Chromium against `gerbang serve` on a
//! generated lake (every Indonesian port, two weeks, and JFK's real CBP reports).
//!
//! Every page loads in both languages, the filters change the numbers, switching the
//! language changes every heading, label and button, and the weekly overview prints on one
//! A4 page. Screenshots of every page in both languages (and the overview on a phone and in
//! meeting mode) are left in `/tmp/shots/` (or `$GERBANG_SHOTS`) for people to look at.
//!
//! Chromium is Debian's `chromium` package at `/usr/bin/chromium`; `.ci/run` installs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{KEY, Scratch, config_with_accounts, repo_file, stdout_of, token};

const CHROMIUM: &str = "/usr/bin/chromium";

/// How long one Chromium run may take before the test gives up on it.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);

/// Every page of the dashboard, by a short name for its screenshots; a port's page also
/// over two weeks, which it reads from the rollups.
const PAGES: [(&str, &str); 9] = [
    ("overview", "/"),
    ("port", "/port/CGK"),
    ("port-fortnight", "/port/CGK?from=2026-10-06&to=2026-10-19"),
    ("benchmark-port", "/port/JFK"),
    ("agencies", "/agencies"),
    ("health", "/health"),
    ("benchmarks", "/benchmarks"),
    ("glossary", "/glossary"),
    ("reports", "/reports"),
];

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `gerbang serve` on the lake, on a free port of 127.0.0.1, for the accounts of
/// `config`; returns it and its base URL.
fn serve(lake: &str, config: &Path) -> (Server, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(["serve", "--lake", lake, "--addr", "127.0.0.1:0"])
        .arg("--config")
        .arg(config)
        .env_remove("GERBANG_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in the server's first line: {line}"))
        .trim_end_matches('/')
        .to_string();
    (server, base)
}

/// A proxy on a free port of 127.0.0.1 in front of `server` (`host:port`) that signs
/// every request in with the API token `token`: headless Chromium takes no request header
/// from its command line. One request per connection (it asks for `Connection: close`);
/// returns the proxy's base URL.
fn signing_proxy(server: &str, token: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (server, token) = (server.to_string(), token.to_string());
    std::thread::spawn(move || {
        for browser in listener.incoming().map_while(Result::ok) {
            let (server, token) = (server.clone(), token.clone());
            std::thread::spawn(move || {
                let _ = relay(browser, &server, &token);
            });
        }
    });
    base
}

/// Passes one request from the browser to the server with the token added, and the
/// answer back.
fn relay(browser: TcpStream, server: &str, token: &str) -> std::io::Result<()> {
    let mut from_browser = BufReader::new(browser.try_clone()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if from_browser.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(name.as_str(), "connection" | "authorization" | "keep-alive") {
            head.push(line);
        }
    }
    head.push("Connection: close\r\n".to_string());
    head.push(format!("Authorization: Bearer {token}\r\n\r\n"));
    let mut upstream = TcpStream::connect(server)?;
    upstream.write_all(head.concat().as_bytes())?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    let mut browser = browser;
    browser.write_all(&answer)?;
    browser.shutdown(std::net::Shutdown::Both)
}

/// Headless Chromium with its own empty profile, so nothing is taken from a cache.
struct Browser {
    profile: tempfile::TempDir,
}

impl Browser {
    fn new() -> Browser {
        assert!(
            Path::new(CHROMIUM).exists(),
            "the browser tests need headless Chromium at {CHROMIUM}: install Debian's \
             package with `apt-get install chromium` (.ci/run does so when it is missing)"
        );
        Browser {
            profile: tempfile::tempdir().unwrap(),
        }
    }

    /// Runs Chromium on `url` with `args`; returns its standard output.
    fn run(&self, url: &str, args: &[String]) -> String {
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(args)
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{CHROMIUM} does not start: {e}"));
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut BufReader::new(stdout), &mut text).unwrap();
            text
        });
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "chromium failed on {url}: {status}");
                break;
            }
            if started.elapsed() > CHROMIUM_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium took more than {CHROMIUM_TIMEOUT:?} on {url}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        reader.join().unwrap()
    }

    /// The page's DOM after it loaded.
    fn dom(&self, url: &str) -> String {
        self.run(url, &["--dump-dom".to_string()])
    }

    /// A screenshot of the top `width` × `height` pixels of the page.
    fn screenshot(&self, url: &str, file: &Path, (width, height): (u32, u32)) {
        let _ = std::fs::remove_file(file);
        self.run(
            url,
            &[
                format!("--screenshot={}", file.display()),
                format!("--window-size={width},{height}"),
            ],
        );
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 10_000,
            "no screenshot of {url} in {}",
            file.display()
        );
    }

    /// The page printed to PDF as the browser prints it (print CSS, A4 from `@page`).
    fn print(&self, url: &str, file: &Path) -> Vec<u8> {
        let _ = std::fs::remove_file(file);
        self.run(url, &[format!("--print-to-pdf={}", file.display())]);
        std::fs::read(file).unwrap_or_else(|e| panic!("no PDF of {url}: {e}"))
    }
}

/// Where the screenshots go.
fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("GERBANG_SHOTS")
        .map_or_else(|| PathBuf::from("/tmp/shots"), PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How many pages a PDF has: its `/Type /Page` objects (not the `/Type /Pages` tree).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && !w[needle.len()].is_ascii_alphabetic())
        .count()
}

/// The text of every heading, table header, term, form label, button, caption and
/// navigation link of a page, in document order, but for names marked `translate="no"`:
/// the words a language switch must change.
fn labels(html: &str) -> Vec<String> {
    const TAGS: [&str; 10] = [
        "h1",
        "h2",
        "h3",
        "th",
        "dt",
        "label",
        "button",
        "caption",
        "summary",
        "figcaption",
    ];
    let mut found: Vec<(usize, String)> = Vec::new();
    for tag in TAGS {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut rest = 0;
        while let Some(start) = html[rest..].find(&open).map(|i| i + rest) {
            let after = html.as_bytes().get(start + open.len()).copied();
            let Some(body_start) = html[start..].find('>').map(|i| i + start + 1) else {
                break;
            };
            rest = body_start;
            // Names (of joint operations, say) are marked translate="no": no language
            // switch changes them.
            if !matches!(after, Some(b' ' | b'>'))
                || html[start..body_start].contains("translate=\"no\"")
            {
                continue;
            }
            let Some(end) = html[body_start..].find(&close).map(|i| i + body_start) else {
                continue;
            };
            found.push((start, plain_text(&html[body_start..end])));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
        .into_iter()
        .map(|(_, text)| text)
        .filter(|text| !text.is_empty())
        .collect()
}

/// Text without tags, whitespace collapsed; `lang="en"` passages are left out, since they
/// are English on purpose (definitions and reasons signed off in English).
fn plain_text(html: &str) -> String {
    let mut text = String::new();
    let mut depth_in_tag = false;
    for c in html.chars() {
        match c {
            '<' => depth_in_tag = true,
            '>' => {
                depth_in_tag = false;
                text.push(' ');
            }
            c if !depth_in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names of the registered ports (`data/ports.csv`), which no language translates.
fn port_names() -> Vec<String> {
    let text = std::fs::read_to_string(repo_file("data/ports.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| record.unwrap().get(1).unwrap_or_default().to_string())
        .collect()
}

/// Whether a label reads the same in both languages by nature: numbers, codes, names of
/// places, and the few words both languages share.
fn language_neutral(text: &str, places: &[String]) -> bool {
    const SHARED: [&str; 10] = [
        "Gerbang", "p50", "p90", "p95", "Terminal", "Autogate", "KPI", "Status", "(min)", "target",
    ];
    let is_place = (text.contains(" (") && text.ends_with(')'))
        || places.iter().any(|p| text.contains(p.as_str()));
    let words_shared = text.split_whitespace().all(|word| {
        SHARED.contains(&word)
            || !word.chars().any(|c| c.is_lowercase())
            || word.chars().any(|c| c.is_ascii_digit())
    });
    is_place || words_shared || text.contains(" – ")
}

/// The number in the figure labelled `label` (`<dt>label</dt><dd class="value">N</dd>`).
fn figure(dom: &str, label: &str) -> i64 {
    let after = dom
        .split(&format!("<dt>{label}</dt>"))
        .nth(1)
        .unwrap_or_else(|| panic!("no figure '{label}'"));
    let value = after
        .split("<dd class=\"value\">")
        .nth(1)
        .and_then(|v| v.split('<').next())
        .unwrap_or_default();
    value
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("'{value}' is not a count"))
}

#[test]
fn every_page_in_a_real_browser_in_both_languages_with_filters_and_print() {
    let browser = Browser::new();
    let scratch = Scratch::folder();
    scratch.generate("2026-10-06", "14", "all", "0.003");
    std::fs::copy(
        repo_file("data/real/cbp-awt/JFK-2018.csv"),
        scratch.inbox.join("JFK-2018.csv"),
    )
    .unwrap();
    stdout_of(scratch.ingest(Some(KEY)));
    // The pages are seen as the administrator, who sees every figure, through a proxy
    // that signs Chromium in with the administrator's API token.
    let config = config_with_accounts(
        &scratch.inbox.with_extension("config"),
        &[("admin", "gerbang:administrator")],
        "",
    );
    let (_server, server_base) = serve(&scratch.lake_arg(), &config);
    let base = signing_proxy(server_base.trim_start_matches("http://"), &token("admin"));
    let shots = shots_dir();
    let places = port_names();

    for (name, path) in PAGES {
        let mut doms = Vec::new();
        for lang in ["en", "id"] {
            let join = if path.contains('?') { '&' } else { '?' };
            let url = format!("{base}{path}{join}lang={lang}");
            let dom = browser.dom(&url);
            assert!(
                dom.contains(&format!("<html lang=\"{lang}\"")),
                "{url} is not in {lang}"
            );
            assert!(dom.contains("<main id=\"main\""), "{url} has no main part");
            assert!(
                !dom.contains("class=\"error-details\""),
                "{url} failed: {dom}"
            );
            assert!(dom.contains("href=\"#main\""), "{url} has no skip link");
            browser.screenshot(
                &url,
                &shots.join(format!("{name}-{lang}.png")),
                (1280, 2400),
            );
            doms.push(dom);
        }
        let (english, indonesian) = (labels(&doms[0]), labels(&doms[1]));
        assert_eq!(
            english.len(),
            indonesian.len(),
            "{path}: the two languages show different labels:\n{english:?}\n{indonesian:?}"
        );
        let unchanged: Vec<&String> = english
            .iter()
            .zip(&indonesian)
            .filter(|(en, id)| en == id && !language_neutral(en, &places))
            .map(|(en, _)| en)
            .collect();
        assert!(
            unchanged.is_empty(),
            "{path}: labels the language switch left in English: {unchanged:?}"
        );
    }

    // The overview's tiles have the other agencies' figures, and a port's page every
    // section with its chart titled for screen readers, in both languages.
    let overview = |lang: &str| browser.dom(&format!("{base}/?lang={lang}"));
    for (lang, figures) in [
        (
            "en",
            [
                "Enforcement cases",
                "I-24/7 checks answered OK",
                "Messages within MoU latency",
                "no MoU target",
            ],
        ),
        (
            "id",
            [
                "Kasus penegakan hukum",
                "Pemeriksaan I-24/7 terjawab OK",
                "Pesan dalam batas latensi MoU",
                "tidak ada target MoU",
            ],
        ),
    ] {
        let dom = overview(lang);
        for figure in figures {
            assert!(
                dom.contains(figure),
                "the overview in {lang} lacks '{figure}'"
            );
        }
    }
    for (lang, headings) in [
        (
            "en",
            [
                "Queue wait by day and hour",
                "Clearance time per day",
                "Bottleneck episodes",
                "Throughput against lanes in use and staffed counters",
                "Who holds arriving travellers",
                "Joint operations and their impact",
            ],
        ),
        (
            "id",
            [
                "Waktu antre per hari dan jam",
                "Waktu penyelesaian per hari",
                "Episode kemacetan",
                "Pelintas terlayani terhadap jalur yang dipakai dan loket yang dijaga",
                "Siapa yang menahan pelintas yang datang",
                "Operasi gabungan dan dampaknya",
            ],
        ),
    ] {
        for path in ["/port/CGK?", "/port/CGK?from=2026-10-06&to=2026-10-19&"] {
            let dom = browser.dom(&format!("{base}{path}lang={lang}"));
            for id in [
                "waits",
                "days",
                "hourly",
                "episodes",
                "throughput",
                "stages",
                "joint",
            ] {
                assert!(
                    dom.contains(&format!("id=\"{id}\"")),
                    "{path} has no section {id}"
                );
            }
            for heading in headings {
                assert!(
                    dom.contains(&format!(">{heading}</h2>")),
                    "{path}lang={lang} lacks '{heading}'"
                );
            }
            for chart in [
                "wait-heat",
                "percentile-chart",
                "port-chart",
                "throughput-chart",
                "stage-bars",
            ] {
                assert!(
                    dom.contains(&format!("<title id=\"{chart}-title\">")),
                    "{path}lang={lang} has no titled {chart}"
                );
            }
            assert!(
                dom.contains("<table class=\"heat-table\">"),
                "the heat map's table"
            );
        }
    }

    // The filters change the numbers: a port's travellers through autogates only, and
    // foreigners only, are fewer than all of them, and the overview follows.
    let all = browser.dom(&format!("{base}/port/CGK?lang=en"));
    let autogate = browser.dom(&format!("{base}/port/CGK?lang=en&lane=autogate"));
    let foreigners = browser.dom(&format!("{base}/port/CGK?lang=en&citizenship=foreigner"));
    let (all, autogate, foreigners) = (
        figure(&all, "Travellers"),
        figure(&autogate, "Travellers"),
        figure(&foreigners, "Travellers"),
    );
    assert!(
        0 < autogate && autogate < all && 0 < foreigners && foreigners < all,
        "all {all}, autogate {autogate}, foreigners {foreigners}"
    );
    let overview = browser.dom(&format!("{base}/?lang=en&port=CGK&direction=departure"));
    assert!(
        overview.contains("Showing: Departures"),
        "the overview says which travellers it shows"
    );
    let departures = figure(&overview, "Travellers");
    assert!(
        0 < departures && departures < all,
        "departures {departures} of {all}"
    );

    // The weekly overview, with every Indonesian port, prints on one A4 page in both
    // languages; the meeting mode and a phone get their own screenshots.
    for lang in ["en", "id"] {
        let pdf = browser.print(
            &format!("{base}/?lang={lang}"),
            &shots.join(format!("overview-print-{lang}.pdf")),
        );
        assert_eq!(
            pdf_pages(&pdf),
            1,
            "the overview in {lang} prints on more than one page"
        );
        browser.screenshot(
            &format!("{base}/?lang={lang}&mode=meeting"),
            &shots.join(format!("overview-meeting-{lang}.png")),
            (1920, 1080),
        );
        browser.screenshot(
            &format!("{base}/?lang={lang}"),
            &shots.join(format!("overview-phone-{lang}.png")),
            (390, 1600),
        );
    }
}

#[test]
fn labels_are_found_in_document_order_without_the_english_passages() {
    let html = "<h1>Ikhtisar</h1><table><caption>Periode</caption><tr><th scope=\"col\">TPI</th>\
                <td>1</td></tr></table><dl><dt>Definisi</dt><dd lang=\"en\">English</dd></dl>\
                <header><h2 id=\"x\">Per <span>hari</span></h2></header>";
    assert_eq!(
        labels(html),
        ["Ikhtisar", "Periode", "TPI", "Definisi", "Per hari"]
    );
    let named = "<table><tr><th scope=\"row\" translate=\"no\">Operasi Sapu Bersih</th>\
                 <th scope=\"col\">Operation</th></tr></table>";
    assert_eq!(labels(named), ["Operation"]);
    let places = port_names();
    assert!(language_neutral(
        "Soekarno-Hatta International Airport (CGK)",
        &places
    ));
    assert!(language_neutral(
        "CGK – Soekarno-Hatta International Airport",
        &places
    ));
    assert!(language_neutral("p90 (min)", &places));
    assert!(!language_neutral("Travellers", &places));
    assert_eq!(
        pdf_pages(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type /Page/X >>"),
        2
    );
}
