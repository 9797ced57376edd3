//! `codegen`: a thin CLI over the library. With no arguments it regenerates
//! the workspace's `generated/` crate from the bundled snapshot.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use codegen::{Builder, Layout, bundled, diff, import, schema::Schema};

#[derive(Parser)]
#[command(
    name = "codegen",
    about = "Typed Rust bindings from ERP metadata",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from the bundled snapshot (the default command).
    Regenerate {
        /// Workspace root (default: the one this binary was built in).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Exit non-zero when generated/ differs from what the bundled snapshot gives.
    Check {
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Generate bindings from snapshot files into a directory.
    Generate {
        /// Schema snapshot(s); several are merged.
        #[arg(long = "schema", required = true, num_args = 1..)]
        schemas: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// Only these models: comma-separated names or globs (`sale.*`, `*.line`).
        #[arg(long = "models", alias = "model", value_name = "PATTERNS")]
        models: Vec<String>,
        /// Also the models these Odoo apps define or extend (comma-separated modules).
        #[arg(long = "apps", value_name = "APPS")]
        apps: Vec<String>,
        /// Gate each model behind a cargo feature named after its module.
        #[arg(long)]
        features: bool,
        #[arg(long, value_enum, default_value_t = LayoutArg::Tree)]
        layout: LayoutArg,
        /// The runtime crate's name in the including crate.
        #[arg(long, default_value = "runtime")]
        runtime_crate: String,
        /// Override a model's defining module: `MODEL=MODULE`.
        #[arg(long = "module", value_parser = parse_pair)]
        modules: Vec<(String, String)>,
        /// A methods file for models whose snapshot has none (a `.methods.json` file
        /// beside a snapshot is used without this).
        #[arg(long = "methods", value_name = "FILE")]
        methods: Vec<PathBuf>,
        /// Use the bundled business methods (from the Odoo 19 recording) for models that
        /// have none.
        #[arg(long)]
        bundled_methods: bool,
    },
    /// Build a snapshot from saved server answers.
    Import {
        #[command(subcommand)]
        erp: ImportErp,
    },
    /// Compare two snapshots; exit non-zero on a change that breaks code generated from OLD.
    Diff { old: PathBuf, new: PathBuf },
    /// Build a snapshot from a live server.
    #[cfg(feature = "fetch")]
    Fetch {
        #[command(subcommand)]
        erp: codegen::fetch::FetchErp,
    },
}

#[derive(Subcommand)]
enum ImportErp {
    /// From Odoo `fields_get` answers (`<model>.fields_get.json` or `<model>.json`
    /// files, or directories of them).
    Odoo {
        #[arg(long = "fields-get", required = true, num_args = 1..)]
        fields_get: Vec<PathBuf>,
        /// The `ir.model` search_read answer (names, modules, order).
        #[arg(long)]
        ir_model: Option<PathBuf>,
        /// Server series, e.g. 18.0.
        #[arg(long)]
        version: String,
        #[arg(long)]
        out: PathBuf,
        /// Override a model's defining module: `MODEL=MODULE`.
        #[arg(long = "module", value_parser = parse_pair)]
        modules: Vec<(String, String)>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// mod.rs + one file per model.
    Tree,
    /// One odoo.rs for include!.
    Single,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| format!("expected MODEL=MODULE, got {s:?}"))
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> codegen::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Regenerate { root: None }) {
        Command::Regenerate { root } => {
            let root = root.unwrap_or_else(bundled::default_root);
            let changes = bundled::regenerate(&root)?;
            if changes.is_empty() {
                println!("generated/ is up to date");
            } else {
                println!(
                    "updated generated/:\n{}",
                    changes.summary(&root.join(bundled::CRATE))
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { root } => {
            let root = root.unwrap_or_else(bundled::default_root);
            let changes = bundled::check(&root)?;
            if changes.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "generated/ is stale; run `cargo run -p codegen`:\n{}",
                    changes.summary(&root.join(bundled::CRATE))
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Generate {
            schemas,
            out,
            models,
            apps,
            features,
            layout,
            runtime_crate,
            modules,
            methods,
            bundled_methods,
        } => {
            let mut b = Builder::new();
            for s in &schemas {
                b.schema(s);
            }
            for m in &methods {
                b.methods(m);
            }
            b.bundled_methods(bundled_methods);
            let selection = codegen::select::Selection::new(&models, &apps);
            b.odoo_models(selection.patterns)
                .odoo_apps(selection.apps)
                .features(features)
                .runtime_crate(&runtime_crate)
                .layout(match layout {
                    LayoutArg::Tree => Layout::Tree,
                    LayoutArg::Single => Layout::SingleFile("odoo.rs".into()),
                })
                .out_dir(&out);
            for (model, module) in &modules {
                b.module_override(model, module);
            }
            let changes = b.generate()?;
            println!(
                "{}: {} added, {} changed, {} removed",
                out.display(),
                changes.added.len(),
                changes.changed.len(),
                changes.removed.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            erp:
                ImportErp::Odoo {
                    fields_get,
                    ir_model,
                    version,
                    out,
                    modules,
                },
        } => {
            let mut schema = import::import_odoo(&version, &fields_get, ir_model.as_deref())?;
            for (model, module) in &modules {
                schema.set_module(model, module)?;
            }
            let file = codegen::emit::OutputFile {
                path: out
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| "schema.json".into()),
                contents: schema.to_json(),
            };
            let dir = out.parent().map(PathBuf::from).unwrap_or_default();
            codegen::write::write_files(&dir, &[file])?;
            println!("{}: {} models", out.display(), schema.models.len());
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "fetch")]
        Command::Fetch { erp } => {
            println!("{}", codegen::fetch::run(erp)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff { old, new } => {
            let changes = diff::diff(&Schema::load(&old)?, &Schema::load(&new)?);
            for c in &changes {
                println!("{c}");
            }
            let breaking = changes.iter().filter(|c| c.breaking).count();
            println!("{} changes, {breaking} breaking", changes.len());
            Ok(if breaking > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
