//! The HTTP/1.1 server around [`Sandbox::handle`]: hyper's http1 connection with the sandbox's
//! limits (header count, header bytes, header read timeout), the body read with a size limit and
//! a timeout, and one log line per request.
//!
//! [`serve_connection`] is the whole per-connection setup, over any byte stream: the server runs
//! it on TCP connections, the fuzz target on `tokio::io::duplex`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as Body};
use hyper::header::{HeaderValue, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use snapsign_core::response_code::ResponseCode;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use crate::{now_unix_millis, Answer, Incoming, Sandbox};

/// Where each request's log line goes.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// A log that drops every line (tests, fuzzing).
pub fn no_log() -> Log {
    Arc::new(|_| {})
}

/// A log line per request on standard error.
pub fn stderr_log() -> Log {
    Arc::new(|line| {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

/// Serves one connection until the client closes it, a limit closes it, or it fails.
///
/// # Errors
/// hyper's error (malformed HTTP, a timeout, the peer gone): the connection is over, nothing else.
pub async fn serve_connection<IO>(sandbox: Arc<Sandbox>, io: IO, log: Log) -> Result<(), hyper::Error>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = *sandbox.limits();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Some(limits.header_read_timeout))
        .max_buf_size(limits.max_header_bytes.max(8192))
        .max_headers(limits.max_headers)
        .keep_alive(true);
    let service = service_fn(move |req| {
        let sandbox = Arc::clone(&sandbox);
        let log = Arc::clone(&log);
        async move { Ok::<_, std::convert::Infallible>(respond(sandbox, req, &log).await) }
    });
    builder.serve_connection(TokioIo::new(io), service).await
}

async fn respond(sandbox: Arc<Sandbox>, req: Request<Body>, log: &Log) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    // The target exactly as on the request line (an absolute-form target stays absolute: the
    // verifier refuses it).
    let target = if parts.uri.scheme().is_some() {
        parts.uri.to_string()
    } else {
        parts.uri.path_and_query().map_or_else(|| parts.uri.to_string(), |p| p.as_str().to_string())
    };
    let service = sandbox.service_code(&target);
    let limits = *sandbox.limits();
    let too_large = || {
        let code = ResponseCode { http_status: 413, service_code: service, case_code: 0 };
        let why = format!("the body is larger than the sandbox's limit of {} bytes", limits.max_body_bytes);
        Answer::simple(code, "Request Entity Too Large", &why, &[why.as_str()])
    };
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let (answer, close) = if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        (too_large(), true)
    } else {
        let read = tokio::time::timeout(limits.body_read_timeout, Limited::new(body, limits.max_body_bytes).collect());
        match read.await {
            Err(_) => {
                let code = ResponseCode { http_status: 408, service_code: service, case_code: 0 };
                let why = format!("the body was not received within {} s", limits.body_read_timeout.as_secs());
                (Answer::simple(code, "Request Timeout", &why, &[why.as_str()]), true)
            }
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => (too_large(), true),
            Ok(Err(e)) => {
                let code = ResponseCode { http_status: 400, service_code: service, case_code: 0 };
                let why = format!("the body could not be read: {e}");
                (Answer::simple(code, "Bad Request", &why, &[why.as_str()]), true)
            }
            Ok(Ok(collected)) => {
                let body = collected.to_bytes();
                let (method, target, headers) = (method.clone(), target.clone(), parts.headers);
                // Off the connection threads: a wrong signature's diagnosis tries hundreds of
                // variants, and must not hold up the other connections.
                let answer = tokio::task::spawn_blocking(move || {
                    let headers: Vec<(&[u8], &[u8])> =
                        headers.iter().map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes())).collect();
                    let incoming = Incoming { method: &method, target: &target, headers: &headers, body: &body };
                    sandbox.handle(&incoming, now_unix_millis())
                })
                .await;
                match answer {
                    Ok(a) => (a, false),
                    Err(e) => {
                        let code = ResponseCode { http_status: 500, service_code: service, case_code: 0 };
                        let why = format!("the sandbox failed on this request: {e}");
                        (Answer::simple(code, "General Error", &why, &[why.as_str()]), true)
                    }
                }
            }
        }
    };
    log(&log_line(&method, &target, &answer, started.elapsed()));
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in answer.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    if close {
        h.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// `METHOD target status responseCode "reason" latency`, the target and reason made printable.
fn log_line(method: &str, target: &str, answer: &Answer, took: Duration) -> String {
    let printable = |s: &str, max: usize| -> String {
        let mut out: String = s.chars().take(max).flat_map(char::escape_default).collect();
        if s.chars().count() > max {
            out.push_str("...");
        }
        out
    };
    format!(
        "{} {} {} {} \"{}\" {:.3}ms",
        printable(method, 16),
        printable(target, 200),
        answer.status,
        answer.response_code,
        printable(&answer.reason, 300),
        took.as_secs_f64() * 1000.0
    )
}

/// Accepts connections on `listener` forever, at most `max_connections` at once.
pub async fn accept_loop(listener: TcpListener, sandbox: Arc<Sandbox>, log: Log) {
    let slots = Arc::new(tokio::sync::Semaphore::new(sandbox.limits().max_connections.max(1)));
    loop {
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else { return };
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors and the like: wait a little, keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (sandbox, log) = (Arc::clone(&sandbox), Arc::clone(&log));
        tokio::spawn(async move {
            let _ = serve_connection(sandbox, stream, log).await;
            drop(permit);
        });
    }
}

/// Binds `host:port` (port 0: a free one), calls `on_listening` with the address once
/// connections are accepted, and serves until the process ends.
///
/// # Errors
/// The runtime cannot start, or the address cannot be bound.
pub fn run(
    sandbox: Sandbox,
    host: &str,
    port: u16,
    log: Log,
    on_listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    // Few blocking threads: requests are CPU work (a diagnosis can take milliseconds), and every
    // extra thread costs its stack and its own malloc arena.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(4).enable_all().build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind((host, port)).await?;
        on_listening(listener.local_addr()?);
        accept_loop(listener, Arc::new(sandbox), log).await;
        Ok(())
    })
}
