//! Client crates for any spec directory: how a LiveVox customer keeps a Functions library of
//! their own (their CRM, their ticketing) without forking this repository.
//!
//! [`codegen_library`] runs the same stages as the LiveVox client's [`crate::codegen`] on any
//! directory of spec files and writes a crate into any directory:
//! - `src/generated/**`: owned by the generator (rewritten, stale files removed);
//! - `Cargo.toml`: created once from a template that depends on the runtime
//!   (`livevox-generated` with default features off: the hand-written runtime without any
//!   LiveVox category); afterwards only its `# @generated features` block is rewritten, so the
//!   rest (name, version, other dependencies) is the owner's;
//! - `src/lib.rs`: created once (`mod generated; pub use generated::*;`), the owner's after.
//!
//! Generated code reaches the runtime as `::livevox_generated::__rt`, so the crate compiles
//! against the same runtime, with the same sessions, retries, limits and secrets, as LiveVox's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::ir::Ir;
use crate::load::{self, Loaded};
use crate::{generate_loaded, write, Config, Error, Summary, Timings, GENERATED_DIR};

/// Where the generated code finds the runtime in a library crate.
pub const LIBRARY_RUNTIME_PATH: &str = "::livevox_generated::__rt";

/// A crate to write from a spec directory.
#[derive(Debug, Clone)]
pub struct Library {
    /// The spec files (`*.yaml`), as for `spec/`.
    pub spec_dir: PathBuf,
    /// The crate's directory; created if missing.
    pub out_dir: PathBuf,
    /// The dependency line for the runtime in a new `Cargo.toml`, e.g.
    /// `{ path = "../livevox-generated", default-features = false }` or a git dependency.
    pub runtime_dependency: String,
}

/// Generates the crate (with `check`, writes nothing and reports what is stale).
pub fn codegen_library(library: &Library, check: bool) -> Result<Summary, Error> {
    let t = Instant::now();
    let loaded = load_library_spec(library)?;
    Ok(codegen_library_loaded(library, &loaded, t.elapsed(), check)?.0)
}

/// The spec files of `library`, named as its generated files name them (relative to the crate).
pub fn load_library_spec(library: &Library) -> Result<Loaded, Error> {
    Ok(load::load_dir(&library.spec_dir, &spec_display(&library.spec_dir, &library.out_dir))?)
}

/// [`codegen_library`] with the spec already loaded ([`load_library_spec`], which took
/// `load_time`); the IR comes back beside the summary, for other output made from the same spec
/// (`cargo xtask codegen` makes the crate's tests from it).
pub fn codegen_library_loaded(library: &Library, loaded: &Loaded, load_time: Duration, check: bool) -> Result<(Summary, Ir), Error> {
    let config = Config { runtime_path: LIBRARY_RUNTIME_PATH.into(), feature_gates: true };
    let timings = Timings { load: load_time, ..Timings::default() };
    let generated = generate_loaded(loaded, &config, timings)?;

    let manifest_path = library.out_dir.join("Cargo.toml");
    let manifest = match std::fs::read_to_string(&manifest_path) {
        Ok(existing) => write::splice_features(&existing, &generated.features)
            .ok_or_else(|| Error::Write(write::WriteError::NoFeatureMarkers(manifest_path.clone())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new_manifest(library, &generated.ir, &generated.features),
        Err(error) => return Err(Error::Write(write::WriteError::Io { path: manifest_path, error })),
    };
    let mut outputs: Vec<write::OutputFile> = generated
        .files
        .iter()
        .map(|f| write::OutputFile { path: Path::new(GENERATED_DIR).join(&f.path), contents: f.contents.clone() })
        .collect();
    outputs.push(write::OutputFile { path: PathBuf::from("Cargo.toml"), contents: manifest });
    if !library.out_dir.join("src/lib.rs").exists() {
        outputs.push(write::OutputFile { path: PathBuf::from("src/lib.rs"), contents: new_lib(library, &generated.ir) });
    }

    let summary = Summary::write(&library.out_dir, &write::Owned { dirs: &[Path::new(GENERATED_DIR)], retired: &[] }, &outputs, check, &generated)?;
    Ok((summary, generated.ir))
}

/// The spec directory as generated files name it: relative to the crate (`spec`, `../spec`),
/// so the output is the same on every machine and from every working directory (an absolute
/// path would make `--check` fail in any other checkout).
fn spec_display(spec_dir: &Path, out_dir: &Path) -> String {
    use std::path::Component;
    let normal = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        parts
    };
    let (spec, out) = (normal(spec_dir), normal(out_dir));
    let common = spec.iter().zip(&out).take_while(|(a, b)| a == b).count();
    let mut rel: Vec<&str> = out[common..].iter().map(|_| "..").collect();
    rel.extend(spec[common..].iter().map(String::as_str));
    if rel.is_empty() {
        ".".into()
    } else {
        rel.join("/")
    }
}

fn api_names(ir: &crate::ir::Ir) -> String {
    ir.apis.iter().map(|a| a.wire_name.as_str()).collect::<Vec<_>>().join(", ")
}

/// The crate's name: its directory's name, as cargo would suggest it.
fn crate_name(out_dir: &Path) -> String {
    let name = out_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("client-{name}")
    } else {
        name
    }
}

fn new_manifest(library: &Library, ir: &crate::ir::Ir, features: &str) -> String {
    format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"Typed async clients for {}, generated by livevox-codegen from {}.\"\npublish = false\n\n\
         [dependencies]\n# The hand-written runtime (sessions, auth, retries, limits, secrets) without any LiveVox category.\nlivevox-generated = {}\n\n{}: rewritten by livevox-codegen from the spec; do not edit by hand.\n{}{}\n",
        crate_name(&library.out_dir),
        api_names(ir),
        spec_display(&library.spec_dir, &library.out_dir),
        library.runtime_dependency,
        write::FEATURES_BEGIN,
        features,
        write::FEATURES_END,
    )
}

fn new_lib(library: &Library, ir: &crate::ir::Ir) -> String {
    format!(
        "//! Typed async clients for {}.\n//!\n//! `src/generated/` is written by livevox-codegen from `{}`; this file is yours.\n\n#![warn(missing_docs)]\n\nmod generated;\npub use generated::*;\n",
        api_names(ir),
        spec_display(&library.spec_dir, &library.out_dir)
    )
}
