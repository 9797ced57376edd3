//! Fake ERP servers for tests.
//!
//! [`odoo`] is a fake Odoo server that speaks the real wire protocols (JSON-RPC, web session
//! routes, and Odoo 19's JSON-2) on 127.0.0.1, answering with the envelopes, statuses and error
//! texts recorded from real Odoo 16/17/18/19 servers (see `fixtures/README.md`). [`aim18`] is the
//! fake aiM18 server.

pub mod aim18;
pub mod odoo;
