//! Runs the generated contract cases against Stoplight Prism, a mock server that reads the
//! spec, rejects requests that do not match it and responds with spec-shaped bodies. A
//! rejection has the status the spec documents for bad requests (400 here, 422 where none is
//! documented) and explains the violations in the `sl-violations` header.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use externalcontacts::{Client, Error, RetryConfig};
use futures::StreamExt;

/// The future one case's call returns.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// One operation: how to call it with valid arguments, and its documented error statuses.
pub struct Case {
    pub operation: &'static str,
    pub error_statuses: &'static [u16],
    pub call: fn(Client) -> CallFuture,
}

/// How long Prism may take to start; it needs several seconds on a busy two-core machine.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// Requests in flight at once.
const CONCURRENCY: usize = 8;

/// A Prism process, stopped when dropped (also when a case panics).
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

impl Prism {
    fn start() -> Result<Prism, String> {
        let tools = workspace().join("xtask/contract");
        let prism = tools.join("node_modules/.bin/prism");
        if !prism.exists() {
            return Err(format!(
                "Prism is not installed at {}: run `cargo xtask test`, which installs it, or \
                 `npm ci --prefix xtask/contract` (both need Node.js 20 or newer and npm; on \
                 Debian `apt-get install nodejs npm`)",
                prism.display()
            ));
        }
        // Ask the OS for a free port, then hand it to Prism.
        let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .map_err(|err| format!("cannot find a free port on 127.0.0.1: {err}"))?
            .port();
        let log = std::env::temp_dir().join(format!("externalcontacts-prism-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .map_err(|err| format!("cannot create {}: {err}", log.display()))?;
        let stderr = log_file
            .try_clone()
            .map_err(|err| format!("cannot share {}: {err}", log.display()))?;
        let spec = workspace().join("spec/externalcontacts.yaml");
        let child = Command::new(&prism)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(stderr)
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", prism.display()))?;
        let mut server = Prism { child, port };

        let started = Instant::now();
        while TcpStream::connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "Prism exited with {status} before answering; see {}",
                    log.display()
                ));
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                return Err(format!(
                    "Prism did not answer within {STARTUP_TIMEOUT:?}; see {}",
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        eprintln!(
            "Prism answers on 127.0.0.1:{port} after {:.1} s (log: {})",
            started.elapsed().as_secs_f64(),
            log.display()
        );
        server.port = port;
        Ok(server)
    }
}

/// Returns a client for Prism that requests `status` with `Prefer: code=<status>`, or the
/// documented success response when `status` is `None`.
fn client(port: u16, status: Option<u16>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(status) = status {
        let prefer = format!("code={status}")
            .parse()
            .expect("a valid header value");
        headers.insert("prefer", prefer);
    }
    // A custom client gets no default timeout, and one stuck request must not hang the run.
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .access_token("contract-test-token")
        .http_client(http)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

/// Describes an error. For API errors it adds Prism's explanation of a rejected request,
/// which Prism sends in the `sl-violations` header, and the body.
fn describe(err: &Error) -> String {
    match err {
        Error::Api(api) => {
            let violations = api
                .headers
                .get("sl-violations")
                .and_then(|value| value.to_str().ok());
            let violations = violations
                .map(|text| format!("; violations: {text}"))
                .unwrap_or_default();
            format!(
                "{err}{violations}; body: {}",
                String::from_utf8_lossy(&api.body)
            )
        }
        other => format!("{other} ({other:?})"),
    }
}

/// Checks that an error response surfaced as the typed error for `status`.
fn check_error(status: u16, result: Result<(), Error>) -> Result<(), String> {
    let err = match result {
        Ok(()) => return Err(format!("expected status {status}, got a success")),
        Err(err) => err,
    };
    match (&err, status) {
        (Error::Auth(auth), 401) if auth.status.map(|s| s.as_u16()) == Some(401) => Ok(()),
        (Error::Api(api), _) if api.status.as_u16() == status => match api.error_body() {
            Some(_) => Ok(()),
            None => Err(format!(
                "status {status} came without a decodable ErrorBody: {}",
                describe(&err)
            )),
        },
        _ => Err(format!("expected status {status}, got {}", describe(&err))),
    }
}

/// Runs every case and prints one line per failure and a summary; the exit code is the
/// verdict.
pub fn run(cases: &'static [Case]) -> ExitCode {
    let prism = match Prism::start() {
        Ok(prism) => prism,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let failures: Vec<String> = runtime.block_on(async {
        let port = prism.port;
        let checks = cases.iter().flat_map(|case| {
            let success = std::iter::once((case, None));
            success.chain(
                case.error_statuses
                    .iter()
                    .map(move |status| (case, Some(*status))),
            )
        });
        let results = futures::stream::iter(checks)
            .map(|(case, status)| async move {
                let result = (case.call)(client(port, status)).await;
                let verdict = match status {
                    None => result.map_err(|err| describe(&err)),
                    Some(status) => check_error(status, result),
                };
                verdict.map_err(|message| {
                    let requested =
                        status.map_or_else(|| "success".to_owned(), |s| format!("status {s}"));
                    format!("{} ({requested}): {message}", case.operation)
                })
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        results.into_iter().filter_map(Result::err).collect()
    });
    drop(prism);

    let total: usize = cases.iter().map(|case| 1 + case.error_statuses.len()).sum();
    for failure in &failures {
        eprintln!("FAILED {failure}");
    }
    println!("contract: {} operations, {total} checks", cases.len());
    println!(
        "{} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
