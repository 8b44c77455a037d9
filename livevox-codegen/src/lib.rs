//! livevox-codegen: turns the YAML spec in `spec/` into the typed client in
//! `livevox-generated`, in fixed stages, one module each:
//!
//! ```text
//! load      spec/*.yaml → spec::Document (+ key positions)     load/
//!           (closed word lists and type expressions typed)     vocab.rs
//! symbols   one table of APIs, categories, models and enums,   symbols.rs
//!           and the type resolver validate and lower share
//! validate  every error at once, as file:line:col: path: msg    validate.rs, validate/
//! lower     spec → ir::Ir (names, defaults, types, decisions)   lower.rs, lower/, naming.rs
//! emit      ir → token streams, one per output file             emit/
//! format    tokens → text (syn + prettyplease), reusing what    format.rs, format_cache.rs
//!           an earlier run formatted when xtask turns that on
//! write     only changed files, all or nothing                  write.rs
//! ```
//!
//! [`lower_dir`] and [`lower_sources`] stop after lowering (what the spec diff compares);
//! [`generate`] runs load to format in memory; [`codegen`] adds the write stage for a
//! workspace (what `cargo xtask codegen` calls).
//!
//! The cargo feature `emit` (on by default) adds the back end: emit, format, write, the library
//! writer and the pipelines that use them, and with them `syn`, `quote` and `prettyplease`. The
//! front end (load, validate, lower, the IR, the OpenAPI export and the spec diff) builds without
//! it, which is all the simulator needs (`default-features = false`).

pub mod diagnostics;
pub mod diff;
#[cfg(feature = "emit")]
pub mod emit;
#[cfg(feature = "emit")]
pub mod emit_e2e;
#[cfg(feature = "emit")]
pub mod emit_secrets;
#[cfg(feature = "emit")]
pub mod emit_fuzz;
#[cfg(feature = "emit")]
pub mod format;
#[cfg(feature = "emit")]
pub mod format_cache;
pub mod ir;
pub mod load;
#[cfg(feature = "emit")]
pub mod library;
pub mod lower;
pub mod naming;
pub mod openapi;
mod pool;
pub mod schema;
pub mod spec;
pub mod symbols;
pub mod types;
pub mod validate;
pub mod vocab;
#[cfg(feature = "emit")]
pub mod write;

use std::path::Path;
#[cfg(feature = "emit")]
use std::path::PathBuf;
use std::time::Duration;
#[cfg(feature = "emit")]
use std::time::Instant;

pub use diagnostics::{Diagnostic, Diagnostics};
#[cfg(feature = "emit")]
pub use emit::Config;

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The spec has errors; nothing was generated.
    Spec(Diagnostics),
    /// The generator itself failed (a bug, reported with what it was doing).
    Internal(String),
    /// Writing or reading the output failed.
    #[cfg(feature = "emit")]
    Write(write::WriteError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(d) => d.fmt(f),
            Error::Internal(m) => f.write_str(m),
            #[cfg(feature = "emit")]
            Error::Write(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Spec(d)
    }
}

/// Time spent in each stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub load: Duration,
    pub validate: Duration,
    pub lower: Duration,
    /// Emission of whole files and of what each category file needs before its pieces.
    pub emit: Duration,
    /// Formatting, with the making of category files' pieces, which are made as they are
    /// formatted (only one piece's tokens are alive per thread).
    pub format: Duration,
    pub write: Duration,
}

/// One generated file, relative to the generated root (`src/generated/` in the client crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The in-memory result of generation.
#[derive(Debug, Clone)]
pub struct Generated {
    pub ir: ir::Ir,
    pub files: Vec<GeneratedFile>,
    /// The cargo `[features]` table for the client crate.
    pub features: String,
    pub timings: Timings,
}

impl Generated {
    /// All files as one text, each under a `// ===== path =====` line: what snapshot tests
    /// compare.
    pub fn concatenated(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            out.push_str(&format!("// ===== {} =====\n", f.path));
            out.push_str(&f.contents);
            out.push('\n');
        }
        out.push_str("# ===== Cargo.toml features =====\n");
        out.push_str(&self.features);
        out
    }
}

#[cfg(feature = "emit")]
/// Runs load, validate, lower, emit and format on the given sources.
pub fn generate(sources: Vec<load::Source>, config: &Config) -> Result<Generated, Error> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let loaded = load::load_sources(sources)?;
    timings.load = t.elapsed();
    generate_loaded(&loaded, config, timings)
}

#[cfg(feature = "emit")]
/// Runs every stage up to format on the `*.yaml` files of a directory.
pub fn generate_dir(dir: &Path, display_prefix: &str, config: &Config) -> Result<Generated, Error> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let loaded = load::load_dir(dir, display_prefix)?;
    timings.load = t.elapsed();
    generate_loaded(&loaded, config, timings)
}

/// Runs load, validate and lower on the given sources: the IR alone, for tools that compare or
/// inspect specs (`cargo xtask spec-diff`).
pub fn lower_sources(sources: Vec<load::Source>) -> Result<ir::Ir, Error> {
    let loaded = load::load_sources(sources)?;
    Ok(front_end(&loaded)?)
}

/// Runs load, validate and lower on the `*.yaml` files of a directory.
pub fn lower_dir(dir: &Path, display_prefix: &str) -> Result<ir::Ir, Error> {
    let loaded = load::load_dir(dir, display_prefix)?;
    Ok(front_end(&loaded)?)
}

/// Validates and lowers a loaded spec through one symbol table: the front end after load, all
/// the simulator needs.
pub fn front_end(loaded: &load::Loaded) -> Result<ir::Ir, Diagnostics> {
    front_end_of(&loaded.docs)
}

/// [`front_end`] on documents from more than one [`load::Loaded`], taken in order as one spec
/// (an API's spec with another that refers to it), without copying them into one.
pub fn front_end_of<'a>(docs: impl IntoIterator<Item = &'a load::LoadedDoc>) -> Result<ir::Ir, Diagnostics> {
    let symbols = symbols::Symbols::build_from(docs);
    validate::check(&symbols)?;
    lower::lower_with(&symbols)
}

#[cfg(feature = "emit")]
fn generate_loaded(loaded: &load::Loaded, config: &Config, mut timings: Timings) -> Result<Generated, Error> {
    let ir = validate_and_lower(loaded, &mut timings)?;
    let t = Instant::now();
    let files = emit_files(&ir, config, &mut timings).map_err(Error::Internal)?;
    Ok(finish(ir, files, timings, t))
}

#[cfg(feature = "emit")]
/// [`generate_loaded`], with `beside` run on the IR on a second thread while the client's files
/// are emitted and formatted on this one: other output made from the same IR (the generated
/// tests). Its result comes back beside the client's, the same as running one after the other.
fn generate_loaded_beside<R: Send>(
    loaded: &load::Loaded,
    config: &Config,
    mut timings: Timings,
    beside: impl FnOnce(&ir::Ir) -> R + Send,
) -> Result<(Generated, R), Error> {
    let ir = validate_and_lower(loaded, &mut timings)?;
    let t = Instant::now();
    let (files, other) = std::thread::scope(|scope| {
        let other = scope.spawn(|| beside(&ir));
        (emit_files(&ir, config, &mut timings), other.join())
    });
    let files = files.map_err(Error::Internal)?;
    let other = other.map_err(|_| Error::Internal("internal error: a generator thread panicked".into()))?;
    Ok((finish(ir, files, timings, t), other))
}

#[cfg(feature = "emit")]
/// Validation and lowering, through one symbol table (building it counts as validation).
fn validate_and_lower(loaded: &load::Loaded, timings: &mut Timings) -> Result<ir::Ir, Error> {
    let t = Instant::now();
    let symbols = symbols::Symbols::build(loaded);
    validate::check(&symbols)?;
    timings.validate = t.elapsed();
    let t = Instant::now();
    let ir = lower::lower_with(&symbols)?;
    timings.lower = t.elapsed();
    Ok(ir)
}

#[cfg(feature = "emit")]
/// The client's files, emitted and formatted.
///
/// A category file is made piece by piece, and a piece's tokens live only until it is
/// formatted (see `emit::Items`). The pieces of every category file are cut into jobs of
/// [`PIECES_PER_JOB`] in file order, and the machine's cores take the next job until none is
/// left; each file is then joined from its jobs in order, so the output is the same as on one
/// thread. (Tokens cannot cross threads: each thread makes the pieces it formats.) One pool for
/// the whole crate rather than threads per big file keeps both cores busy through the smaller
/// files too.
fn emit_files(ir: &ir::Ir, config: &Config, timings: &mut Timings) -> Result<Vec<GeneratedFile>, String> {
    /// A file's tokens (which stay on this thread), or the index of its pieces in `pieced`.
    enum Made {
        Whole { source: String, tokens: proc_macro2::TokenStream },
        Pieces(usize),
    }
    let mut emitted: Vec<(String, Made)> = Vec::new();
    let mut pieced = Vec::new();
    emit::emit_each(ir, config, |f| {
        let made = match f.items {
            emit::Items::Whole(tokens) => Made::Whole { source: f.source, tokens },
            emit::Items::Pieces { count, piece } => {
                pieced.push((f.source, count, piece));
                Made::Pieces(pieced.len() - 1)
            }
        };
        emitted.push((f.path, made));
        Ok(())
    })?;
    // Formatting, as `Timings::format` counts it: from here on (a category file's pieces are made
    // as they are formatted); what came before is emission.
    let started = Instant::now();
    // Jobs: (file of `pieced`, first piece, end), in file order.
    let jobs: Vec<(usize, usize, usize)> = pieced
        .iter()
        .enumerate()
        .flat_map(|(file, (_, count, _))| (0..*count).step_by(PIECES_PER_JOB).map(move |first| (file, first, (first + PIECES_PER_JOB).min(*count))))
        .collect();
    let pieces: usize = pieced.iter().map(|(_, count, _)| count).sum();
    let threads = pool::cores().min(pieces / PIECES_PER_THREAD).max(1);
    let bodies = pool::in_order(jobs.len(), threads, |job| {
        let (file, first, end) = jobs[job];
        let (source, _, piece) = &pieced[file];
        format::format_body(source, (first..end).map(piece))
    })
    .map_err(|_| "internal error: a formatting thread panicked".to_string())?;
    let mut bodies = jobs.iter().zip(bodies).map(|(&(file, ..), body)| (file, body)).peekable();
    let mut files = Vec::with_capacity(emitted.len());
    for (path, made) in emitted {
        let contents = match made {
            Made::Whole { source, tokens } => format::format_file(&source, tokens)?,
            Made::Pieces(file) => {
                let mut body = String::new();
                while let Some((_, text)) = bodies.next_if(|(of, _)| *of == file) {
                    body.push_str(&text?);
                }
                format::finish(&pieced[file].0, body)
            }
        };
        files.push(GeneratedFile { path, contents });
    }
    timings.format += started.elapsed();
    Ok(files)
}

#[cfg(feature = "emit")]
/// The result of generation, its emit time being what of the time since `emit_started` was not
/// formatting.
fn finish(ir: ir::Ir, files: Vec<GeneratedFile>, mut timings: Timings, emit_started: Instant) -> Generated {
    let features = emit::features_table(&ir);
    timings.emit = emit_started.elapsed().saturating_sub(timings.format);
    Generated { ir, files, features, timings }
}

#[cfg(feature = "emit")]
/// Pieces a thread formats at least; a crate with fewer is formatted on the calling thread.
const PIECES_PER_THREAD: usize = 32;

#[cfg(feature = "emit")]
/// Pieces of a category file a thread takes at a time ([`emit_files`]).
const PIECES_PER_JOB: usize = 8;

/// Where `codegen` reads and writes, relative to the workspace root.
pub const SPEC_DIR: &str = "spec";
pub const CLIENT_CRATE: &str = "livevox-generated";
pub const GENERATED_DIR: &str = "src/generated";
/// The directory of LiveVox's generated tests (owned by the generator), relative to the
/// workspace root: the end-to-end, secrets-in-`Debug` and decode fuzz tests
/// ([`emit_e2e::E2E_TEST_PATH`] and its siblings), which `tests/tests/livevox/main.rs`
/// includes as one test binary.
pub const GENERATED_TESTS_DIR: &str = "tests/tests/livevox/generated";
/// Where those tests were written before they moved to [`GENERATED_TESTS_DIR`]: `codegen`
/// removes a copy that is still there (from an old checkout or an unmerged branch) while it
/// carries the `@generated` marker.
pub const RETIRED_TEST_PATHS: [&str; 3] =
    ["tests/tests/every_operation.rs", "tests/tests/no_secret_in_debug.rs", "tests/tests/decode_every_response.rs"];

#[cfg(feature = "emit")]
/// The outcome of [`codegen`].
#[derive(Debug, Clone)]
pub struct Summary {
    pub report: write::WriteReport,
    pub operations: usize,
    pub models: usize,
    pub enums: usize,
    pub timings: Timings,
}

#[cfg(feature = "emit")]
impl Summary {
    /// Runs the write stage (see [`write::write_all`]) and sums up the run.
    pub(crate) fn write(root: &Path, owned: &write::Owned<'_>, outputs: &[write::OutputFile], check: bool, generated: &Generated) -> Result<Summary, Error> {
        let t = Instant::now();
        let report = write::write_owned(root, owned, outputs, check).map_err(Error::Write)?;
        let mut timings = generated.timings;
        timings.write = t.elapsed();
        Ok(Summary {
            report,
            operations: generated.ir.operation_count(),
            models: generated.ir.model_count(),
            enums: generated.ir.enum_count(),
            timings,
        })
    }

    /// The one line `cargo xtask codegen` prints.
    pub fn line(&self, check: bool, elapsed: Duration) -> String {
        use write::Change::*;
        let r = &self.report;
        let changed = r.count(Created) + r.count(Updated) + r.count(Removed);
        let verb = if check { "stale" } else { "written" };
        format!(
            "codegen: {changed} file{} {verb} ({} created, {} updated, {} removed), {} unchanged; {} operations, {} models, {} enums; {:.0?}",
            if changed == 1 { "" } else { "s" },
            r.count(Created),
            r.count(Updated),
            r.count(Removed),
            r.count(Unchanged),
            self.operations,
            self.models,
            self.enums,
            elapsed
        )
    }
}

/// Features of the client crate's hand-written runtime, not of any spec category: appended to
/// the generated `[features]` table of the client crate (cargo allows one such table, and the
/// generator owns it). Off by default.
pub const CLIENT_RUNTIME_FEATURES: &str = "\
# Runtime (not a category): rate-limit windows and sessions shared through Redis.
redis = [\"dep:redis\", \"dep:sha2\"]
";

#[cfg(feature = "emit")]
/// Regenerates the client crate of the workspace at `root` from its `spec/`. With `check`,
/// writes nothing and reports what is stale.
pub fn codegen(root: &Path, check: bool) -> Result<Summary, Error> {
    let t = Instant::now();
    let loaded = load::load_dir(&root.join(SPEC_DIR), SPEC_DIR)?;
    codegen_loaded(root, &loaded, t.elapsed(), check)
}

#[cfg(feature = "emit")]
/// [`codegen`] from `spec/` already loaded (as `load::load_dir(&root.join(SPEC_DIR),
/// SPEC_DIR)` does, which took `load_time`), for a caller that needs the loaded spec too.
pub fn codegen_loaded(root: &Path, loaded: &load::Loaded, load_time: Duration, check: bool) -> Result<Summary, Error> {
    // The generated tests and the schema are made from the IR on a second thread while the
    // client's files are emitted; they are checked (and written) only after both succeed.
    let (generated, tests) = generate_loaded_beside(loaded, &Config::default(), Timings { load: load_time, ..Timings::default() }, |ir| {
        let test = |path: &str, made: Result<String, String>| made.map(|contents| write::OutputFile { path: PathBuf::from(path), contents });
        [
            // The end-to-end test of every operation.
            test(emit_e2e::E2E_TEST_PATH, emit_e2e::every_operation(ir)),
            test(emit_secrets::SECRETS_TEST_PATH, emit_secrets::no_secret_in_debug(ir)),
            test(emit_fuzz::DECODE_FUZZ_TEST_PATH, emit_fuzz::decode_every_response(ir)),
            // The JSON Schema editors check spec files against; it follows the loader's types.
            test(schema::SCHEMA_PATH, schema::spec_schema_text()),
        ]
    })?;
    let manifest_path = root.join(CLIENT_CRATE).join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|error| Error::Write(write::WriteError::Io { path: manifest_path.clone(), error }))?;
    let table = format!("{}{CLIENT_RUNTIME_FEATURES}", generated.features);
    let manifest = write::splice_features(&manifest, &table)
        .ok_or_else(|| Error::Write(write::WriteError::NoFeatureMarkers(PathBuf::from(CLIENT_CRATE).join("Cargo.toml"))))?;

    // Every path is relative to the workspace root, so reports name files as a user sees them.
    let crate_dir = Path::new(CLIENT_CRATE);
    let mut outputs: Vec<write::OutputFile> = generated
        .files
        .iter()
        .map(|f| write::OutputFile { path: crate_dir.join(GENERATED_DIR).join(&f.path), contents: f.contents.clone() })
        .collect();
    outputs.push(write::OutputFile { path: crate_dir.join("Cargo.toml"), contents: manifest });
    // Made before anything is written, so an emitter failure leaves everything as it was.
    for test in tests {
        outputs.push(test.map_err(Error::Internal)?);
    }

    let client_dir = crate_dir.join(GENERATED_DIR);
    let retired = RETIRED_TEST_PATHS.map(Path::new);
    let owned = write::Owned { dirs: &[&client_dir, Path::new(GENERATED_TESTS_DIR)], retired: &retired };
    Summary::write(root, &owned, &outputs, check, &generated)
}
