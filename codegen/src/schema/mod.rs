//! Schema snapshots: versioned JSON files describing an ERP's models, which generation reads
//! instead of a server.
//!
//! Every snapshot starts with the same [`Header`] (`format`, `erp`), owned with the format
//! numbers by the `snapshot` crate, which the runtime and the derive read too. Below the
//! header each ERP has its own shape: [`odoo`] (fields_get's fields and business methods;
//! its types are re-exported here, so `codegen::schema::Schema` is the Odoo snapshot) and
//! [`aim18`] (tables of Java-typed columns).

use std::path::Path;

use crate::error::{Error, Result};

pub mod aim18;
pub mod methods;
pub mod odoo;

pub use odoo::*;
pub use snapshot::{FORMAT, FORMAT_WITHOUT_METHODS, Header};

/// Reading a snapshot's [`Header`] with codegen's errors.
pub trait ReadHeader: Sized {
    /// Read the header of a snapshot. The format number is checked first: a newer snapshot
    /// should say so, not fail on some field it trips over.
    fn read(text: &str, origin: &Path) -> Result<Self>;

    /// Fail unless the snapshot describes `erp`.
    fn expect_erp(&self, erp: &str, origin: &Path) -> Result<()>;
}

impl ReadHeader for Header {
    fn read(text: &str, origin: &Path) -> Result<Header> {
        let header: Header = serde_json::from_str(text).map_err(|source| Error::Json {
            path: origin.to_owned(),
            source,
        })?;
        match header.too_new() {
            Some(found) => Err(Error::FormatVersion {
                path: origin.to_owned(),
                found,
                supported: FORMAT,
            }),
            None => Ok(header),
        }
    }

    fn expect_erp(&self, erp: &str, origin: &Path) -> Result<()> {
        if self.erp() == erp {
            Ok(())
        } else {
            Err(Error::Input {
                what: origin.display().to_string(),
                message: format!(
                    "a snapshot of `erp: {:?}`, where one of `erp: {erp:?}` was expected",
                    self.erp()
                ),
            })
        }
    }
}
