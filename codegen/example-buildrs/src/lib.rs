//! Odoo bindings generated at build time by `codegen::Builder` (see
//! `build.rs`): the pattern for a crate that wants bindings for its own
//! server's schema, or only a few models, without the `generated` crate.
//!
//! ```no_run
//! use codegen_example::odoo::prelude::*;
//! use codegen_example::odoo::{res_partner, sale_order};
//!
//! # async fn demo(client: runtime::OdooClient) -> runtime::Result<()> {
//! let domain = res_partner::fields::name().ilike("acme") & res_partner::fields::is_company().eq(true);
//! let partners: Vec<ResPartner> = client.search_read::<ResPartner>(domain).limit(5).await?;
//! let id = client
//!     .create(&SaleOrderCreate::new(partners[0].id).client_order_ref("PO-17"))
//!     .await?;
//! client
//!     .write(&[id], &SaleOrderUpdate::new().note("<p>rush</p>"))
//!     .await?;
//! let confirmed = client
//!     .search_count::<SaleOrder>(sale_order::fields::state().eq(sale_order::State::Sale))
//!     .await?;
//! # let _ = confirmed;
//! # Ok(()) }
//! ```

/// The example: a few Odoo 18 models from the bundled snapshot.
pub mod odoo {
    include!(concat!(env!("OUT_DIR"), "/odoo.rs"));
}

/// Compile test: a schema built to break code generators.
#[doc(hidden)]
pub mod hostile {
    include!(concat!(env!("OUT_DIR"), "/hostile.rs"));
}

/// Compile test: a seeded sample of the arbitrary hostile schemas that
/// codegen's property tests draw (see `build.rs`).
#[doc(hidden)]
pub mod sampled {
    include!(concat!(env!("OUT_DIR"), "/sampled.rs"));
}

/// Compile test: an aiM18 schema built to break code generators.
#[doc(hidden)]
pub mod hostile_aim18 {
    include!(concat!(env!("OUT_DIR"), "/hostile_aim18.rs"));
}

/// Compile tests: Odoo 16–19 snapshots imported from recorded fields_get
/// (a subset of models, or all with the `full-matrix` feature).
#[doc(hidden)]
pub mod matrix {
    pub mod odoo16 {
        include!(concat!(env!("OUT_DIR"), "/odoo16.rs"));
    }
    pub mod odoo17 {
        include!(concat!(env!("OUT_DIR"), "/odoo17.rs"));
    }
    pub mod odoo18 {
        include!(concat!(env!("OUT_DIR"), "/odoo18.rs"));
    }
    pub mod odoo19 {
        include!(concat!(env!("OUT_DIR"), "/odoo19.rs"));
    }
    /// From the bulk tables alone (`--fields-source tables`), fewer facts.
    pub mod odoo18_tables {
        include!(concat!(env!("OUT_DIR"), "/odoo18_tables.rs"));
    }
}
