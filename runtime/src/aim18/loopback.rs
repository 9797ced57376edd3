//! A one-shot HTTP listener on 127.0.0.1 that catches the authorization
//! redirect for command-line tools (RFC 8252 §7.3 style).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::oauth::{AuthorizationCode, code_from_pairs};
use crate::error::{Error, ErrorKind, Result};

/// Path of the redirect URI the listener answers on.
pub const CALLBACK_PATH: &str = "/callback";

/// Bigger request heads are not a browser redirect.
const MAX_HEAD: usize = 16 * 1024;

/// Connections read at once; more are closed at once.
const MAX_PENDING: usize = 32;

/// Listens on 127.0.0.1 only (never on other interfaces) for one authorization
/// redirect, then stops.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    timeout: Duration,
}

impl LoopbackListener {
    /// Bind 127.0.0.1 on `port`, or an ephemeral port for `None`. `timeout`
    /// bounds [`wait_for_code`](Self::wait_for_code).
    pub fn bind(port: Option<u16>, timeout: Duration) -> Result<Self> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port.unwrap_or(0)))
            .map_err(|e| {
                Error::config(format!(
                    "cannot listen on 127.0.0.1:{} for the authorization redirect: {e}",
                    port.unwrap_or(0)
                ))
                .with_source(e)
            })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::config(format!("loopback listener: {e}")).with_source(e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::config(format!("loopback listener: {e}")).with_source(e))?;
        Ok(LoopbackListener {
            listener,
            addr,
            timeout,
        })
    }

    /// `http://127.0.0.1:<port>/callback`: register this in aiM18 as the
    /// application's redirect URI (with a fixed port) and pass it to
    /// [`super::AuthorizationRequest::new`].
    pub fn redirect_uri(&self) -> String {
        format!("http://{}{CALLBACK_PATH}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Wait for the browser to be redirected here, check `state` and return
    /// the code. Requests to other paths (a browser's `/favicon.ico`) get a
    /// 404 and the wait goes on; the first request to the callback path ends
    /// it, whatever it holds.
    pub async fn wait_for_code(self, expected_state: &str) -> Result<AuthorizationCode> {
        self.wait(expected_state, false).await
    }

    /// [`wait_for_code`](Self::wait_for_code) with `request`'s state and its
    /// [`allow_missing_state`](super::AuthorizationRequest::allow_missing_state) setting.
    pub async fn wait_for(
        self,
        request: &super::AuthorizationRequest,
    ) -> Result<AuthorizationCode> {
        self.wait(request.state(), request.allows_missing_state())
            .await
    }

    async fn wait(
        self,
        expected_state: &str,
        allow_missing_state: bool,
    ) -> Result<AuthorizationCode> {
        use futures_util::StreamExt as _;
        let listener = tokio::net::TcpListener::from_std(self.listener)
            .map_err(|e| Error::config(format!("loopback listener: {e}")).with_source(e))?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        // Connections are read side by side: browsers open speculative ones that
        // may never carry a request, and one of those must not hold up the
        // redirect that arrives on the next.
        let mut reading = futures_util::stream::FuturesUnordered::new();
        loop {
            let (mut stream, head) = tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(Error::new(
                        ErrorKind::Authentication,
                        format!(
                            "no authorization redirect arrived within {} s",
                            self.timeout.as_secs()
                        ),
                    )
                    .with_target("oauth", "authorize"));
                }
                accepted = listener.accept() => {
                    if let Ok((mut stream, _)) = accepted
                        && reading.len() < MAX_PENDING
                    {
                        reading.push(async move {
                            let head = read_head(&mut stream).await;
                            (stream, head)
                        });
                    }
                    continue;
                }
                Some(read) = reading.next(), if !reading.is_empty() => read,
            };
            // Half a request, or a stray connection: keep waiting.
            let Some(head) = head else { continue };
            let Some(target) = request_target(&head) else {
                respond(&mut stream, 400, "Bad request").await;
                continue;
            };
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            if path != CALLBACK_PATH {
                respond(&mut stream, 404, "Not found").await;
                continue;
            }
            let pairs = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let outcome = code_from_pairs(pairs, expected_state, allow_missing_state);
            match &outcome {
                Ok(_) => {
                    respond(
                        &mut stream,
                        200,
                        "Authorization received. You can close this window.",
                    )
                    .await
                }
                Err(_) => {
                    respond(
                        &mut stream,
                        400,
                        "Authorization failed. Return to the application for details.",
                    )
                    .await
                }
            }
            // The listener and every other connection close here: one use only.
            return outcome;
        }
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            return Some(String::from_utf8_lossy(&buf).into_owned());
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

/// `GET /callback?code=… HTTP/1.1` → `/callback?code=…`.
fn request_target(head: &str) -> Option<&str> {
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    (method == "GET" && target.starts_with('/')).then_some(target)
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>aiM18</title></head><body><p>{text}</p></body></html>"
    );
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the outcome is decided either way.
    let _ = stream.write_all(msg.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_request_line() {
        assert_eq!(
            request_target("GET /callback?code=1&state=2 HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some("/callback?code=1&state=2")
        );
        assert_eq!(request_target("POST /callback HTTP/1.1\r\n\r\n"), None);
        assert_eq!(request_target(""), None);
        assert_eq!(request_target("GET http://evil/ HTTP/1.1"), None);
    }

    #[tokio::test]
    async fn times_out() {
        let l = LoopbackListener::bind(None, Duration::from_millis(50)).unwrap();
        assert!(l.redirect_uri().starts_with("http://127.0.0.1:"));
        let e = l.wait_for_code("s").await.unwrap_err();
        assert!(e.is_authentication(), "{e}");
    }
}
