//! What the two fake servers share: the fault switches ([`Faults`]) and the HTTP serving under
//! them (a hyper server on its own thread, connections that a fault can hang up, bodies that a
//! fault can cut). Each fake decides what a fault looks like on its wire (the page a proxy
//! answers, the JSON it cuts short); when a fault fires, and how a connection or a body breaks,
//! is decided here once.

mod faults;
mod serve;

pub(crate) use faults::Fault;
pub use faults::{Faults, MoreFaults};
pub(crate) use serve::{Cut, FakeBody, Hangup, HttpServer};
