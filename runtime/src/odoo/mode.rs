//! How a client's calls run: [`Async`] (awaited) or [`Blocking`] (on a runtime the client owns,
//! as `reqwest::blocking` does). The client, its request builders and the generated
//! business methods are written once, generic over the mode; only the last step differs:
//! a builder is awaited (`IntoFuture`) or run with `.call()`, and a method without options
//! ([`Client::verify`](super::Client::verify), [`Client::api_doc`](super::Client::api_doc))
//! answers a future or the result ([`Exec::Output`]).

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, StreamExt};

use crate::error::{Error, Result};

mod sealed {
    pub trait Sealed {}
}

/// The mode of a client: [`Async`] or [`Blocking`] (sealed).
pub trait Exec: sealed::Sealed + Clone + Send + Sync + 'static {
    /// What a method without options answers: a future to await ([`Async`]) or the result
    /// itself ([`Blocking`]).
    type Output<'a, T: 'a>;

    /// The client's name in Debug output.
    #[doc(hidden)]
    const CLIENT: &'static str;

    /// Turn the one future behind such a method into the mode's answer.
    #[doc(hidden)]
    fn finish<'a, T: Send + 'a>(&self, fut: BoxFuture<'a, Result<T>>) -> Self::Output<'a, T>;
}

/// The async client's mode: `.await` its builders.
#[derive(Debug, Clone, Copy, Default)]
pub struct Async;
impl sealed::Sealed for Async {}
impl Exec for Async {
    type Output<'a, T: 'a> = BoxFuture<'a, Result<T>>;
    const CLIENT: &'static str = "OdooClient";

    fn finish<'a, T: Send + 'a>(&self, fut: BoxFuture<'a, Result<T>>) -> Self::Output<'a, T> {
        fut
    }
}

/// The blocking client's mode: it owns a tokio runtime with one worker thread, shared by its clones;
/// its builders run with `.call()` (or `.send()`).
#[derive(Clone)]
pub struct Blocking {
    rt: Arc<RuntimeHolder>,
}
impl sealed::Sealed for Blocking {}
impl Exec for Blocking {
    type Output<'a, T: 'a> = Result<T>;
    const CLIENT: &'static str = "blocking::OdooClient";

    fn finish<'a, T: Send + 'a>(&self, fut: BoxFuture<'a, Result<T>>) -> Self::Output<'a, T> {
        self.block_on(fut)?
    }
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Blocking")
    }
}

/// Shuts the runtime down without blocking when dropped, so that dropping the
/// client inside an async context cannot panic.
struct RuntimeHolder(Option<tokio::runtime::Runtime>);

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Blocking {
    /// A new runtime; refused inside an async runtime, where blocking would stall it.
    pub(crate) fn start() -> Result<Self> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::config(
                "the blocking Odoo client cannot be created inside an async runtime; use runtime::odoo::OdooClient",
            ));
        }
        // One worker thread of its own, as `reqwest::blocking` has: the pooled connections'
        // tasks keep running between calls, so the same connections also serve the async
        // side (`to_async`) from another runtime; a current-thread runtime would leave them
        // stalled whenever no blocking call is in progress.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("erpbind-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config(format!(
                    "could not start the blocking client's runtime: {e}"
                ))
                .with_source(e)
            })?;
        Ok(Blocking {
            rt: Arc::new(RuntimeHolder(Some(rt))),
        })
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        // The holder is only emptied in Drop, so it is always set here.
        self.rt.0.as_ref().expect("runtime present until drop")
    }

    /// Run a future on the client's runtime; refuses (instead of panicking) when called
    /// from inside another async runtime.
    pub(crate) fn block_on<F: Future>(&self, fut: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::config(
                "the blocking Odoo client was used inside an async runtime, where blocking would stall \
                 it; use runtime::odoo::OdooClient and .await there",
            ));
        }
        Ok(self.runtime().block_on(fut))
    }

    /// An iterator over `stream`, each item fetched on the client's runtime.
    pub(crate) fn iter<'a, T>(&'a self, stream: BoxStream<'a, Result<T>>) -> BlockingIter<'a, T> {
        BlockingIter {
            mode: self,
            stream: Some(stream),
        }
    }
}

/// An iterator over a stream, driven by the blocking client's runtime.
#[must_use = "iterators do nothing unless advanced"]
pub struct BlockingIter<'a, T> {
    mode: &'a Blocking,
    stream: Option<BoxStream<'a, Result<T>>>,
}

impl<T> std::fmt::Debug for BlockingIter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingIter")
            .field("done", &self.stream.is_none())
            .finish()
    }
}

impl<T> Iterator for BlockingIter<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let stream = self.stream.as_mut()?;
        match self.mode.block_on(stream.next()) {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.stream = None;
                None
            }
            Err(e) => {
                self.stream = None;
                Some(Err(e))
            }
        }
    }
}
