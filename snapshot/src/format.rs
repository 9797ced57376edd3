//! The snapshot header and format numbers.
//!
//! Every snapshot is a JSON object that starts with `format` and `erp`, then `version` and
//! `models`, whose shape depends on the ERP (codegen's `schema::odoo` and `schema::aim18`).

use serde::Deserialize;

/// The newest snapshot format erpbind reads. Format 2 adds the optional `methods` of each
/// Odoo model (and the schema's `methods_source`); a snapshot without methods is still
/// written as format 1, so older readers read it.
pub const FORMAT: u32 = 2;

/// The format written for a snapshot without methods (and for aiM18's).
pub const FORMAT_WITHOUT_METHODS: u32 = 1;

/// The header every snapshot starts with, whatever the ERP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Header {
    pub format: Option<u32>,
    pub erp: Option<String>,
}

impl Header {
    /// The ERP, `"odoo"` when absent (snapshots written before aiM18 existed).
    pub fn erp(&self) -> &str {
        self.erp.as_deref().unwrap_or("odoo")
    }

    /// The format number when it is newer than [`FORMAT`]: such a snapshot should say so,
    /// not fail on some field a reader trips over.
    pub fn too_new(&self) -> Option<u32> {
        self.format.filter(|f| *f > FORMAT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_defaults_and_newer_formats() {
        let h: Header = serde_json::from_str(r#"{"models": {}}"#).unwrap();
        assert_eq!(h.erp(), "odoo");
        assert_eq!(h.too_new(), None);
        let h: Header = serde_json::from_str(r#"{"format": 3, "erp": "aim18"}"#).unwrap();
        assert_eq!((h.erp(), h.too_new()), ("aim18", Some(3)));
        let h: Header = serde_json::from_str(r#"{"format": 2}"#).unwrap();
        assert_eq!(h.too_new(), None);
    }
}
