//! `gerbang report mou`: the files, the request sidecar that makes the report again, and
//! the operator's error messages.

use crate::{KEY, Scratch, gerbang, gerbang_ok};

#[test]
fn report_mou_writes_every_format_and_the_request_makes_the_same_report_again() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-05", "2", "CGK", "0.01");
    crate::stdout_of(scratch.ingest(Some(KEY)));
    let out = scratch.lake.parent().unwrap().join("reports");
    let out_arg = out.to_string_lossy().into_owned();
    let lake = scratch.lake_arg();
    let made = gerbang_ok(
        &[
            "report",
            "mou",
            "--lake",
            &lake,
            "--from",
            "2026-10-05",
            "--to",
            "2026-10-06",
            "--ports",
            "CGK",
            "--lang",
            "en",
            "--as",
            "customs:leadership",
            "--user",
            "siti",
            "--out",
            &out_arg,
        ],
        None,
    );
    let fingerprint = made
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint "))
        .unwrap()
        .to_string();
    assert!(made.contains("for siti (customs:leadership)"), "{made}");
    let stem = format!("mou-2026-10-05_2026-10-06-en-{}", &fingerprint[..8]);
    for extension in ["pdf", "xlsx", "html", "request.json"] {
        let file = out.join(format!("{stem}.{extension}"));
        assert!(file.exists(), "{} missing:\n{made}", file.display());
    }
    let pdf = std::fs::read(out.join(format!("{stem}.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let sidecar = std::fs::read_to_string(out.join(format!("{stem}.request.json"))).unwrap();
    let record: serde_json::Value = serde_json::from_str(&sidecar).unwrap();
    assert_eq!(record["agency"], "customs");
    assert_eq!(record["request"]["ports"][0], "CGK");
    assert_eq!(record["fingerprint"]["hex"], fingerprint.as_str());

    let again = gerbang_ok(
        &[
            "report",
            "mou",
            "--lake",
            &lake,
            "--format",
            "pdf",
            "--out",
            &out_arg,
            "--request",
            &out.join(format!("{stem}.request.json")).to_string_lossy(),
        ],
        None,
    );
    assert!(
        again.contains(&format!("fingerprint {fingerprint}")),
        "{again}"
    );
    assert!(
        again.contains("same fingerprint as the report of"),
        "{again}"
    );
}

#[test]
fn report_mou_refuses_bad_periods_ports_and_formats_with_a_clear_message() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-05", "1", "CGK", "0.01");
    crate::stdout_of(scratch.ingest(Some(KEY)));
    let lake = scratch.lake_arg();
    let out = scratch.lake.parent().unwrap().join("reports");
    let out_arg = out.to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 4] = [
        (&["--period", "10-2026"], "YYYY-MM"),
        (
            &["--period", "2026-10", "--ports", "CGK,XYZ"],
            "unknown port 'XYZ'",
        ),
        (
            &["--period", "2026-10", "--format", "pdf,docx"],
            "'docx' is not a report format",
        ),
        (
            &["--from", "2026-10-06", "--to", "2026-10-05"],
            "before it starts",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["report", "mou", "--lake", &lake, "--out", &out_arg];
        args.extend_from_slice(extra);
        let output = gerbang(&args, None);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
    }
    assert!(!out.exists(), "nothing is written for a refused request");
}
