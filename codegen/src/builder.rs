//! The build.rs entry point, in the manner of prost-build's `Config`: settings
//! by chainable `&mut self` setters, generation separate from writing, and
//! `OUT_DIR` as the default destination.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     codegen::Builder::new()
//!         .schema("schema/odoo-18.json")
//!         .odoo_models(["res.partner", "sale.order", "sale.order.line"])
//!         .generate()?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod odoo {
//!     include!(concat!(env!("OUT_DIR"), "/odoo.rs"));
//! }
//! ```

use std::path::{Path, PathBuf};

use crate::emit::{self, Layout, OutputFile, Settings};
use crate::error::{Error, Result};
use crate::schema::aim18::{self, Aim18Schema};
use crate::schema::{Header, ReadHeader as _, Schema};
use crate::write::{self, Changes};

#[derive(Debug, Clone, Default)]
pub struct Builder {
    schemas: Vec<PathBuf>,
    settings: Settings,
    out_dir: Option<PathBuf>,
    module_overrides: Vec<(String, String)>,
    methods: Vec<PathBuf>,
    bundled_methods: bool,
}

impl Builder {
    pub fn new() -> Self {
        Builder::default()
    }

    /// A schema snapshot to generate from (`codegen import` and `codegen
    /// fetch` write them). Several files are merged; a model may appear in
    /// only one. aiM18 snapshots (`codegen fetch aim18`) generate aiM18
    /// bindings: use `Layout::SingleFile("aim18.rs".into())` for `include!`.
    ///
    /// ```no_run
    /// codegen::Builder::new().schema("schema/odoo-18.json");
    /// ```
    pub fn schema(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.schemas.push(path.as_ref().to_owned());
        self
    }

    /// Generate only these models: Odoo names or globs (`*` any run, `?` one
    /// character: `"sale.*"`, `"sale.order*"`, `"*.line"`; see [`crate::select`]).
    /// Relations to models left out become untyped references. By default every
    /// model in the schema is generated; a pattern that matches no model is an error.
    ///
    /// ```no_run
    /// codegen::Builder::new().odoo_models(["res.partner", "sale.*"]);
    /// ```
    pub fn odoo_models<I, S>(&mut self, models: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings
            .models
            .extend(models.into_iter().map(Into::into));
        self
    }

    /// Also generate the models of these Odoo apps: every model the module defines
    /// or extends (the snapshot's `modules`, from `ir.model`), as `codegen fetch
    /// odoo --apps` selects them.
    ///
    /// ```no_run
    /// codegen::Builder::new().odoo_apps(["purchase"]).odoo_models(["res.partner"]);
    /// ```
    pub fn odoo_apps<I, S>(&mut self, apps: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings.apps.extend(apps.into_iter().map(Into::into));
        self
    }

    /// Required fields the create constructor should not demand because the
    /// server fills them (fields_get cannot show defaults). Paths are
    /// `"sale.order.name"`, a bare field name for every model (`"company_id"`),
    /// or `"sale.order.*"`.
    ///
    /// ```no_run
    /// codegen::Builder::new().create_optional(["sale.order.name", "company_id"]);
    /// ```
    pub fn create_optional<I, S>(&mut self, paths: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings
            .create_optional
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Override the module that defines a model (it decides the model's cargo
    /// feature when [`Builder::features`] is on).
    ///
    /// ```no_run
    /// codegen::Builder::new().module_override("crm.team", "sales_team");
    /// ```
    pub fn module_override(&mut self, model: &str, module: &str) -> &mut Self {
        self.module_overrides
            .push((model.to_owned(), module.to_owned()));
        self
    }

    /// Put each model module behind `#[cfg(feature = "<module>")]` (the
    /// including crate then declares those features). Off by default: a
    /// build.rs usually selects models with [`Builder::odoo_models`] instead.
    ///
    /// ```no_run
    /// codegen::Builder::new().features(true);
    /// ```
    pub fn features(&mut self, on: bool) -> &mut Self {
        self.settings.features = on;
        self
    }

    /// The name under which the including crate depends on erpbind's runtime
    /// (default `runtime`).
    ///
    /// ```no_run
    /// codegen::Builder::new().runtime_crate("erpbind_runtime");
    /// ```
    pub fn runtime_crate(&mut self, name: &str) -> &mut Self {
        self.settings.runtime_crate = name.to_owned();
        self
    }

    /// Write one file (default `odoo.rs`, for `include!`) or a module tree.
    ///
    /// ```no_run
    /// codegen::Builder::new().layout(codegen::Layout::Tree);
    /// ```
    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.settings.layout = layout;
        self
    }

    /// Selections with more values than this map to `String` instead of an enum.
    ///
    /// ```no_run
    /// codegen::Builder::new().max_selection_variants(200);
    /// ```
    pub fn max_selection_variants(&mut self, n: usize) -> &mut Self {
        self.settings.max_selection_variants = n;
        self
    }

    /// Where to write; defaults to `$OUT_DIR` in a build script.
    ///
    /// ```no_run
    /// codegen::Builder::new().out_dir("src/odoo");
    /// ```
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// A methods file (see [`crate::schema::methods`]) for models whose snapshot has no
    /// methods (Odoo 16–18 cannot list them). A file named like the snapshot
    /// with `.methods.json` (`schema/odoo-18.methods.json`) is picked up
    /// without this call.
    ///
    /// ```no_run
    /// codegen::Builder::new()
    ///     .schema("schema/odoo-17.json")
    ///     .methods("schema/my-methods.json");
    /// ```
    pub fn methods(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.methods.push(path.as_ref().to_owned());
        self
    }

    /// Use the bundled methods file (business methods of 31 common models,
    /// from the Odoo 19.0 `api_doc` recording) for models that have none from
    /// the snapshot or a methods file. Off by default: the lists describe Odoo
    /// 19, and a method an older server lacks fails when called. `codegen fetch
    /// odoo` checks them against the server instead.
    pub fn bundled_methods(&mut self, on: bool) -> &mut Self {
        self.bundled_methods = on;
        self
    }

    /// Load the schema files, merged, with the module overrides applied and
    /// methods files attached.
    pub fn load_schema(&self) -> Result<Schema> {
        let schemas = self
            .schemas
            .iter()
            .map(|p| Schema::load(p))
            .collect::<Result<Vec<_>>>()?;
        let mut schema = Schema::merge(schemas)?;
        for (model, module) in &self.module_overrides {
            schema.set_module(model, module)?;
        }
        let beside = self
            .schemas
            .iter()
            .map(|p| crate::schema::methods::beside(p))
            .filter(|p| p.is_file());
        for path in self.methods.iter().cloned().chain(beside) {
            schema.attach_methods(&crate::schema::methods::MethodsFile::load(&path)?);
        }
        if self.bundled_methods {
            schema.attach_methods(&crate::schema::methods::bundled().only_installed(&schema));
        }
        Ok(schema)
    }

    /// The generated files, without writing anything.
    pub fn render(&self) -> Result<Vec<OutputFile>> {
        if let Some(files) = self.render_aim18()? {
            return Ok(files);
        }
        let schema = self.load_schema()?;
        let mut settings = self.settings.clone();
        if settings.source == Settings::default().source {
            settings.source = self.source_description(&schema);
        }
        emit::generate(&schema, &settings)
    }

    /// aiM18 snapshots (`"erp": "aim18"`, see [`crate::schema::aim18`]) go
    /// through the aiM18 emitter; the model matchers then select modules and
    /// [`Builder::features`] names features `aim18-<module>`. `None` for Odoo.
    fn render_aim18(&self) -> Result<Option<Vec<OutputFile>>> {
        let Some(first) = self.schemas.first() else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(first).map_err(|e| Error::io(first, e))?;
        if Header::read(&text, first)?.erp() != aim18::ERP {
            return Ok(None);
        }
        let schemas = self
            .schemas
            .iter()
            .map(|p| Aim18Schema::load(p))
            .collect::<Result<Vec<_>>>()?;
        let schema = Aim18Schema::merge(schemas)?;
        let mut settings = self.settings.clone();
        if settings.source == Settings::default().source {
            settings.source = format!("the aiM18 schema snapshot {}", self.file_names());
        }
        emit::aim18::generate(&schema, &settings).map(Some)
    }

    fn file_names(&self) -> String {
        let files: Vec<String> = self
            .schemas
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        files.join(", ")
    }

    fn source_description(&self, schema: &Schema) -> String {
        let files: Vec<String> = self
            .schemas
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        format!(
            "the Odoo {} schema snapshot {}",
            schema.version,
            files.join(", ")
        )
    }

    /// Generate and write. Only changed files are written; in a build script
    /// cargo is told to rerun when a schema file changes.
    pub fn generate(&self) -> Result<Changes> {
        let files = self.render()?;
        let in_build_script = std::env::var_os("OUT_DIR").is_some();
        let out = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        if in_build_script {
            for s in &self.schemas {
                println!("cargo:rerun-if-changed={}", s.display());
                // (A path that does not exist would rerun the script on every build.)
                let beside = crate::schema::methods::beside(s);
                if beside.is_file() {
                    println!("cargo:rerun-if-changed={}", beside.display());
                }
            }
            for m in &self.methods {
                println!("cargo:rerun-if-changed={}", m.display());
            }
        }
        match self.settings.layout {
            Layout::SingleFile(_) => write::write_files(&out, &files),
            Layout::Tree => write::write_dir(&out, &files),
        }
    }
}
