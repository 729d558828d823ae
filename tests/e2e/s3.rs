//! The inbox and the lake on an S3-compatible store: a real one (moto's server, from PyPI's
//! `moto[server]`) started by the test on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::{KEY, Scratch, sql_rows, stdout_of};

/// moto's S3 server, stopped when the test ends.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "moto_server could not start ({e}); install it with \
                     `pip install 'moto[server]'` (.ci/run does)"
                )
            });
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        moto
    }

    /// Creates a bucket with a plain HTTP PUT (moto does not check signatures).
    fn create_bucket(&self, bucket: &str) {
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        write!(
            stream,
            "PUT /{bucket} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }

    fn env(&self) -> [(&'static str, String); 5] {
        [
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
    }

    fn store(&self, bucket: &str) -> impl ObjectStore {
        AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .with_region("us-east-1")
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .build()
            .unwrap()
    }

    fn gerbang(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gerbang"))
            .args(args)
            .envs(self.env())
            .env("GERBANG_PSEUDONYM_KEY", KEY)
            .env_remove("GERBANG_CONFIG")
            .env_remove("GERBANG_LAKE")
            .output()
            .unwrap()
    }
}

/// Every file below `dir`, relative to it.
fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(files(&path).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // The generator's list of injected faults is not a delivery.
            if !name.starts_with('_') {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn inbox_and_lake_on_an_s3_compatible_store_land_the_same_as_local_folders() {
    let moto = Moto::start();
    moto.create_bucket("gerbang");
    let local = Scratch::folder();
    local.generate("2026-10-13", "3", "DPS,BTM", "0.02");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = moto.store("gerbang");
    let delivered = files(&local.inbox);
    runtime.block_on(async {
        for relative in &delivered {
            let bytes = std::fs::read(local.inbox.join(relative)).unwrap();
            store
                .put(
                    &Path::from(format!("inbox/{relative}")),
                    PutPayload::from(bytes),
                )
                .await
                .unwrap();
        }
    });

    // The same files, landed locally, are the reference.
    stdout_of(local.ingest(Some(KEY)));
    let query = "SELECT count(*), count(DISTINCT traveller_key), sum(local_hour) FROM crossings";
    let expected = sql_rows(&local.lake, query);

    let first = stdout_of(moto.gerbang(&[
        "ingest",
        "--inbox",
        "s3://gerbang/inbox",
        "--lake",
        "s3://gerbang/lake",
    ]));
    assert!(first.contains("committed lake version 1"), "{first}");
    let remote = stdout_of(moto.gerbang(&[
        "sql",
        "--lake",
        "s3://gerbang/lake",
        "--format",
        "csv",
        query,
    ]));
    let remote: Vec<Vec<String>> = remote
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(remote, expected);

    // The inbox was archived on the store; a second run finds nothing new.
    let listed: Vec<String> = runtime.block_on(async {
        use futures::TryStreamExt;
        store
            .list(Some(&Path::from("inbox")))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .unwrap()
    });
    assert_eq!(listed.len(), delivered.len());
    assert!(
        listed.iter().all(|p| p.starts_with("inbox/_archive/")),
        "{listed:?}"
    );
    let second = stdout_of(moto.gerbang(&[
        "ingest",
        "--inbox",
        "s3://gerbang/inbox",
        "--lake",
        "s3://gerbang/lake",
    ]));
    assert!(second.contains("nothing new to ingest"), "{second}");

    // Two runs may not take the same version on S3 either: the commit is a create-only put.
    let again = runtime.block_on(async {
        store
            .put_opts(
                &Path::from("lake/_gerbang_log/00000000000000000001.json"),
                PutPayload::from_static(b"{}"),
                object_store::PutMode::Create.into(),
            )
            .await
    });
    assert!(
        matches!(again, Err(object_store::Error::AlreadyExists { .. })),
        "{again:?}"
    );
}
