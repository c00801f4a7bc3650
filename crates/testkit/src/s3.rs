//! A local S3-compatible server for tests: `s3s-fs`, which keeps each bucket as a
//! folder, behind real HTTP on a loopback port, with signed requests checked.

use std::net::SocketAddr;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;

pub const ACCESS_KEY: &str = "kolokol-test";
pub const SECRET_KEY: &str = "kolokol-test-secret";

/// A running server with one bucket; stops when dropped.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    /// Where the bucket's objects are, as files.
    pub bucket_dir: std::path::PathBuf,
    _root: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl S3Server {
    /// Starts a server on a free loopback port with an empty bucket `bucket`.
    pub async fn start(bucket: &str) -> Self {
        let root = or_panic(tempfile::tempdir(), "a folder for the bucket");
        let bucket_dir = root.path().join(bucket);
        or_panic(std::fs::create_dir_all(&bucket_dir), "the bucket's folder");
        let fs = or_panic(
            s3s_fs::FileSystem::new(root.path()),
            "s3s-fs over the folder",
        );
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = or_panic(
            TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await,
            "a loopback port",
        );
        let address = or_panic(listener.local_addr(), "its address");
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self {
            endpoint: format!("http://{address}"),
            bucket: bucket.to_owned(),
            bucket_dir,
            _root: root,
            task,
        }
    }

    /// The `[media]` section of a configuration that stores media here.
    pub fn config_toml(&self, prefix: &str) -> String {
        format!(
            "[media]\nstore = \"s3\"\nbucket = \"{}\"\nendpoint = \"{}\"\naccess_key_id = \"{ACCESS_KEY}\"\nsecret_access_key = \"{SECRET_KEY}\"\nprefix = \"{prefix}\"\n",
            self.bucket, self.endpoint
        )
    }

    /// Every object's key in the bucket, sorted.
    pub fn keys(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, root: &std::path::Path, keys: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, keys);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    let key = relative.to_string_lossy().replace('\\', "/");
                    // s3s-fs keeps its own metadata beside the objects.
                    if !key.starts_with(".s3s") && !key.contains("/.s3s") {
                        keys.push(key);
                    }
                }
            }
        }
        let mut keys = Vec::new();
        walk(&self.bucket_dir, &self.bucket_dir, &mut keys);
        keys.sort();
        keys
    }
}

fn or_panic<T, E: std::fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("cannot start the test S3 server: {what}: {e:?}"),
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
