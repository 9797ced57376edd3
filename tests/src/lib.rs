//! Fake ERP servers for tests.
//!
//! [`odoo`] is a fake Odoo server that speaks the real wire protocols (JSON-RPC, web session
//! routes, and Odoo 19's JSON-2) on 127.0.0.1, answering with the envelopes, statuses and error
//! texts recorded from real Odoo 16/17/18/19 servers (see `fixtures/README.md`). [`aim18`] is the
//! fake aiM18 server. Both serve HTTP and inject faults through [`fake`].
//!
//! Both are meant for the tests of apps built on the generated bindings too: start one on a
//! free port, seed it with the generated create types, inspect what the app wrote, switch faults
//! on and off (see [`odoo`]'s "Testing an app against it"). The `fake-erp` binary serves them
//! to apps in any language: `cargo run -p tests --bin fake-erp -- odoo --port 8069`.

pub mod aim18;
pub mod fake;
pub mod odoo;
pub mod support;
