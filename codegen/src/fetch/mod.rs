//! `codegen fetch`: a snapshot straight from a server (cargo feature `fetch`,
//! on by default for the binary; build scripts do without it): [`odoo`] (the
//! model list, then the fields in bulk or per model, and business methods) and
//! [`aim18`] (each named module's empty entity template).

use std::path::{Path, PathBuf};

use crate::emit::OutputFile;
use crate::error::Result;

pub mod aim18;
pub mod odoo;

#[derive(clap::Subcommand, Debug)]
pub enum FetchErp {
    /// From aiM18: each module's empty entity template (the create service).
    ///
    /// Signs in with the password grant (`--username`, password in
    /// M18_PASSWORD) or, with `--browser`, the authorization-code grant
    /// through a listener on 127.0.0.1. The client secret is read from
    /// M18_CLIENT_SECRET in both cases.
    Aim18(aim18::FetchAim18),
    /// From Odoo 16-19: `ir.model`, then the fields of every model in bulk
    /// (`ir.model.fields`, `ir.model.fields.selection`, a narrow fields_get per model), from
    /// the tables alone with `--fields-source tables`, or one fields_get per model with
    /// `--fields-source fields-get` (on Odoo 19 with an API key, the api_doc documents).
    ///
    /// The API key is read from ODOO_API_KEY, or the password from ODOO_PASSWORD, or
    /// asked for on the terminal.
    Odoo(odoo::FetchOdoo),
}

/// `codegen fetch ...`: sign in, fetch, write the snapshot. Returns a
/// one-line summary.
pub fn run(erp: FetchErp) -> Result<String> {
    match erp {
        FetchErp::Aim18(args) => aim18::run(args),
        FetchErp::Odoo(args) => odoo::run(args),
    }
}

/// Write a snapshot file atomically, only when it changed.
pub fn write_snapshot(out: &Path, json: &str) -> Result<()> {
    let file = OutputFile {
        path: out
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| "schema.json".into()),
        contents: json.to_owned(),
    };
    let dir = out.parent().map(PathBuf::from).unwrap_or_default();
    crate::write::write_files(&dir, &[file])?;
    Ok(())
}
