//! Serving HTTP/1.1 on a thread of its own (so `start()` works from plain and async tests
//! alike), through hyper directly rather than `axum::serve`: fault injection needs to own each
//! TCP connection, to close it without an answer or cut a response mid-body.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::{Notify, watch};

/// A server thread with its runtime; it stops (open connections closed, thread joined) on drop.
pub(crate) struct HttpServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl HttpServer {
    /// Serve `listener` (bound by the caller, so that a bind error is the caller's to word) on a
    /// thread named `name`-<port>, answering each request with `handle`. Each request carries a
    /// [`Hangup`] for its connection in its extensions.
    pub(crate) fn start<H, F, B>(
        name: &str,
        listener: std::net::TcpListener,
        handle: H,
    ) -> std::io::Result<HttpServer>
    where
        H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = Response<B>> + Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = watch::channel(false);
        let counter = connections.clone();
        let worker_name = format!("{name}-worker");
        let thread = std::thread::Builder::new()
            .name(format!("{name}-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name(worker_name)
                    .enable_all()
                    .build()
                    .expect("fake server: cannot build a tokio runtime");
                rt.block_on(accept_loop(listener, handle, counter, rx));
                rt.shutdown_timeout(Duration::from_millis(500));
            })?;
        Ok(HttpServer {
            addr,
            connections,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// TCP connections accepted so far.
    pub(crate) fn connections_accepted(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop<H, F, B>(
    listener: std::net::TcpListener,
    handle: H,
    connections: Arc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, handle.clone(), stop.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

async fn serve_connection<H, F, B>(
    stream: tokio::net::TcpStream,
    handle: H,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let hangup = Hangup(Arc::new(Notify::new()));
    let svc = {
        let hangup = hangup.clone();
        service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(hangup.clone());
            let answer = handle(req);
            async move { Ok::<_, Infallible>(answer.await) }
        })
    };
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        // dropping the connection closes the socket: the client gets no answer at all
        _ = hangup.0.notified() => {}
        _ = stop.changed() => {}
    }
}

/// Closes the connection a request came in on, without an answer (the drop fault). Found in
/// every request's extensions.
#[derive(Clone)]
pub(crate) struct Hangup(Arc<Notify>);

impl Hangup {
    /// Close the connection; the answer being computed is dropped with it (callers await a
    /// pending future after this).
    pub(crate) fn now(&self) {
        self.0.notify_one();
    }
}

/// How much of an answer's body goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// All of it.
    None,
    /// Half, under a `Content-Length` announcing all of it, then the connection closes.
    MidBody,
    /// Half, under a `Content-Length` of that half: a complete HTTP answer holding cut JSON.
    WellFramed,
}

/// A response body that can also break off mid-way (the truncate fault).
pub(crate) struct FakeBody {
    data: Option<Bytes>,
    /// The body fails after its data (the connection is closed mid-body).
    fail: bool,
    /// It has paused once before failing, so that hyper flushes the data first.
    paused: bool,
}

impl FakeBody {
    pub(crate) fn empty() -> FakeBody {
        FakeBody::full(Bytes::new())
    }

    pub(crate) fn full(data: Bytes) -> FakeBody {
        FakeBody {
            data: Some(data),
            fail: false,
            paused: false,
        }
    }

    /// `full` cut as `cut` says, and the `Content-Length` to announce when it is not the length
    /// of what is sent ([`Cut::MidBody`]).
    pub(crate) fn cut(mut full: Bytes, cut: Cut) -> (FakeBody, Option<usize>) {
        let len = full.len();
        if cut != Cut::None {
            full.truncate(len / 2);
        }
        let body = FakeBody {
            data: Some(full),
            fail: cut == Cut::MidBody,
            paused: false,
        };
        (body, (cut == Cut::MidBody).then_some(len))
    }
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(data) = this.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if this.fail && !this.paused {
            this.paused = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if this.fail {
            this.fail = false;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "fake server: response cut mid-body",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail
    }

    /// Unknown for a body that fails: a known length shorter than its `Content-Length` would
    /// trip hyper's checks.
    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.fail) {
            (Some(d), false) => SizeHint::with_exact(d.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}
