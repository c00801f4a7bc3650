//! Test support shared by Kolokol's test suites.
//!
//! [`postgres_database`] gives each test its own fresh PostgreSQL database. It uses the
//! server named by `KOLOKOL_TEST_POSTGRES_URL` when that is set; otherwise it starts (once,
//! and then reuses) a private cluster in the temporary folder with Debian's
//! PostgreSQL binaries, listening on loopback only. When no PostgreSQL is installed the
//! test fails and says what to install: a storage test that silently skipped would prove
//! nothing.

pub mod browser;
pub mod dkim;
pub mod fixtures;
pub mod s3;

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// The environment variable naming an existing PostgreSQL server to use instead.
pub const POSTGRES_URL_VAR: &str = "KOLOKOL_TEST_POSTGRES_URL";

/// Creates a new, empty database and returns its URL.
pub async fn postgres_database(prefix: &str) -> String {
    let admin_url = admin_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(connection) => connection,
        Err(e) => panic!("cannot connect to the test PostgreSQL server at {admin_url}: {e}"),
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let create = format!("DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}");
    for statement in create.split("; ") {
        if let Err(e) = sqlx::raw_sql(statement).execute(&mut admin).await {
            panic!("cannot run {statement:?} on the test PostgreSQL server: {e}");
        }
    }
    let (base, _) = admin_url.rsplit_once('/').unwrap_or((&admin_url, ""));
    format!("{base}/{name}")
}

fn admin_url() -> String {
    if let Ok(url) = std::env::var(POSTGRES_URL_VAR) {
        return url;
    }
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match start_private_cluster() {
        Ok(url) => url,
        Err(e) => panic!(
            "the PostgreSQL tests need a server: install Debian's `postgresql` package \
             (.ci/run does) or set {POSTGRES_URL_VAR}. Starting a private cluster failed: {e}"
        ),
    })
    .clone()
}

/// Starts the private cluster unless it already runs; returns its URL.
fn start_private_cluster() -> Result<String, String> {
    let bin = postgres_bin_dir().ok_or("no pg_ctl found in /usr/lib/postgresql/*/bin or PATH")?;
    // Under the system's temporary folder, which the `postgres` user can always reach
    // (a checkout under /root could not be), one cluster per checkout.
    let checkout = env!("CARGO_MANIFEST_DIR")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let dir = std::env::temp_dir().join(format!("kolokol-test-postgres-{checkout:016x}"));
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let dir = dir.canonicalize().map_err(|e| e.to_string())?;

    // Several test processes may get here at once: one starts the server, the others wait.
    let lock = fs::File::create(dir.join("lock")).map_err(|e| e.to_string())?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", dir.display()))?;

    let as_root = running_as_root();
    let data = dir.join("data");
    if !data.join("PG_VERSION").exists() {
        if as_root {
            // PostgreSQL refuses to run as root; the package's `postgres` user runs it.
            run(Command::new("chown")
                .arg("-R")
                .arg("postgres:postgres")
                .arg(&dir))?;
        }
        run(server_command(&bin.join("initdb"), as_root)
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data))?;
    }
    let port_file = dir.join("port");
    let status = server_command(&bin.join("pg_ctl"), as_root)
        .arg("status")
        .arg("-D")
        .arg(&data)
        .output();
    let running = status.map(|o| o.status.success()).unwrap_or(false);
    if running && let Ok(port) = fs::read_to_string(&port_file) {
        return Ok(format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            port.trim()
        ));
    }
    // A fresh port on every start: the one used last time may have been taken since.
    let port = free_port()?.to_string();
    fs::File::create(&port_file)
        .and_then(|mut f| f.write_all(port.as_bytes()))
        .map_err(|e| e.to_string())?;
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        dir.display()
    );
    run(server_command(&bin.join("pg_ctl"), as_root)
        .args(["start", "-w", "-t", "60", "-D"])
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .arg("-o")
        .arg(options))?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

fn server_command(program: &Path, as_root: bool) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn postgres_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().or_else(|| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .find(|dir| dir.join("pg_ctl").exists() && dir.join("initdb").exists())
        })
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// One message an [`SmtpSink`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    pub from: String,
    pub recipients: Vec<String>,
    /// Headers and body as sent, dot-stuffing undone.
    pub data: String,
}

impl ReceivedMail {
    /// The message with quoted-printable bodies decoded (soft line breaks joined,
    /// `=HH` turned back into bytes), or a single base64 body decoded, as a mail
    /// client would show the text.
    pub fn decoded(&self) -> String {
        let (head, body) = self.data.split_once("\n\n").unwrap_or((&self.data, ""));
        if head
            .to_ascii_lowercase()
            .contains("content-transfer-encoding: base64")
        {
            use base64::Engine as _;
            let packed: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(packed) {
                return format!("{head}\n\n{}", String::from_utf8_lossy(&bytes));
            }
        }
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| matches!(b, b'0'..=b'9' | b'A'..=b'F');
            if bytes[i] == b'=' && i + 2 < bytes.len() && hex(bytes[i + 1]) && hex(bytes[i + 2]) {
                let pair = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("3F");
                out.push(u8::from_str_radix(pair, 16).unwrap_or(b'?'));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        format!("{head}\n\n{}", String::from_utf8_lossy(&out))
    }
}

/// A small SMTP server on loopback that keeps what it receives, for tests that must
/// see what Kolokol really sends over TCP. It accepts every recipient except those
/// whose address starts with `bounce` (refused for good: 550) or `busy` (refused for
/// now: 451), so tests can exercise both.
pub struct SmtpSink {
    address: std::net::SocketAddr,
    messages: std::sync::Arc<std::sync::Mutex<Vec<ReceivedMail>>>,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpSink {
    /// Listens on a free loopback port and keeps every message.
    pub fn start() -> Self {
        Self::listen("127.0.0.1:0", true)
    }

    /// Listens on `address`; with `keep` false it only counts what it receives, so
    /// that a benchmark's memory is not the sink's.
    pub fn listen(address: &str, keep: bool) -> Self {
        let listener = match TcpListener::bind(address) {
            Ok(listener) => listener,
            Err(e) => panic!("cannot listen for SMTP: {e}"),
        };
        let address = match listener.local_addr() {
            Ok(address) => address,
            Err(e) => panic!("no SMTP address: {e}"),
        };
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let store = std::sync::Arc::clone(&messages);
        let counter = std::sync::Arc::clone(&count);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = keep.then(|| std::sync::Arc::clone(&store));
                let counter = std::sync::Arc::clone(&counter);
                std::thread::spawn(move || serve_smtp(stream, store.as_deref(), &counter));
            }
        });
        Self {
            address,
            messages,
            count,
        }
    }

    /// How many messages arrived.
    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

fn serve_smtp(
    stream: std::net::TcpStream,
    store: Option<&std::sync::Mutex<Vec<ReceivedMail>>>,
    count: &std::sync::atomic::AtomicUsize,
) {
    use std::io::{BufRead, BufReader};
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader_stream);
    let mut writer = stream;
    let mut say = |text: &str| writer.write_all(format!("{text}\r\n").as_bytes()).is_ok();
    if !say("220 kolokol-test ESMTP") {
        return;
    }
    let (mut from, mut recipients) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let ok = if upper.starts_with("EHLO") {
            say("250-kolokol-test") && say("250 8BITMIME")
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            say("250 OK")
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().trim_matches(['<', '>']).to_owned();
            say("250 OK")
        } else if upper.starts_with("RCPT TO:") {
            let recipient = command[8..].trim().trim_matches(['<', '>']).to_owned();
            if recipient.starts_with("bounce") {
                say("550 5.1.1 No such user here")
            } else if recipient.starts_with("busy") {
                say("451 4.2.1 Mailbox busy, try again later")
            } else {
                recipients.push(recipient);
                say("250 OK")
            }
        } else if upper == "DATA" {
            if !say("354 End data with <CR><LF>.<CR><LF>") {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let text = line.trim_end_matches(['\r', '\n']);
                if text == "." {
                    break;
                }
                data.push_str(
                    text.strip_prefix('.')
                        .filter(|_| text.starts_with(".."))
                        .unwrap_or(text),
                );
                data.push('\n');
            }
            if let Some(Ok(mut messages)) = store.map(std::sync::Mutex::lock) {
                messages.push(ReceivedMail {
                    from: from.clone(),
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
            } else {
                recipients.clear();
            }
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            say("250 OK queued")
        } else if upper == "QUIT" {
            let _ = say("221 Bye");
            return;
        } else {
            say("502 Command not implemented")
        };
        if !ok {
            return;
        }
    }
}
