//! One error type for every stage, so a build.rs failure names the model and
//! field at fault in a single line.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: not a schema snapshot: {source}")]
    Snapshot {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{path}: snapshot format {found} is newer than this codegen understands (format {supported})"
    )]
    FormatVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{what}: {message}")]
    Input { what: String, message: String },
    #[error("model {model}, field {field}: unknown Odoo field type `{ttype}`")]
    UnknownFieldType {
        model: String,
        field: String,
        ttype: String,
    },
    #[error("model {model}: {kind} names collide after conversion to Rust: {names}")]
    NameCollision {
        model: String,
        kind: &'static str,
        names: String,
    },
    #[error("model {model}: emitted code does not parse (a codegen bug): {message}")]
    Emit { model: String, message: String },
    /// A server refused or failed a call while fetching metadata.
    #[error("{what}: {source}")]
    Fetch {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("schemas disagree: {0}")]
    Merge(String),
    #[error("no output directory: set Builder::out_dir or run from build.rs (OUT_DIR)")]
    NoOutDir,
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
