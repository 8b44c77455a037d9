//! The sample "Functions" APIs as a crate of their own (`tests/sample-apis`, crate
//! `livevox-sample-apis`): written by the customer's command (`cargo xtask codegen --spec DIR
//! --out DIR`, [`codegen_library`]), and the three generated tests that cover their operations
//! (`tests/tests/sample_apis/generated/`), which the library path does not write.
//!
//! The tests are the emitters of `livevox-codegen` run on the sample APIs with a
//! [`TestTarget`] of their own: a sample API's module is `::livevox_sample_apis::<module>` (not
//! `::livevox_generated::<module>`), and the simulator serves this crate's spec next to
//! LiveVox's (`Simulator::builder().extra_spec_dir(::livevox_sample_apis::SPEC_DIR)`).

use std::path::{Component, Path, PathBuf};

use livevox_codegen::ir::{Api, Auth, Ir};
use livevox_codegen::library::Library;
use livevox_codegen::write::{OutputFile, WriteReport};
use livevox_codegen::emit_e2e::TestTarget;
use livevox_codegen::load::{self, Loaded};
use livevox_codegen::{emit_e2e, emit_fuzz, emit_secrets, Error, Summary};

/// The sample crate, relative to the workspace root.
pub const SAMPLE_CRATE: &str = "tests/sample-apis";
/// Its spec directory, relative to the workspace root.
pub const SAMPLE_SPEC: &str = "tests/sample-apis/spec";
/// The directory of the sample APIs' generated tests (owned by the generator), relative to the
/// workspace root; `tests/tests/sample_apis/main.rs` includes them.
pub const SAMPLE_TESTS: &str = "tests/tests/sample_apis/generated";

/// The crate a spec directory's client goes to, as `cargo xtask codegen --spec DIR --out DIR`
/// makes it: the runtime is `livevox-generated` without default features, by a relative path
/// for a crate inside this checkout, by an absolute one elsewhere (its owner replaces that with
/// a git or registry dependency).
pub fn library(root: &Path, spec_dir: PathBuf, out_dir: PathBuf) -> Library {
    let runtime_path = match lexical(&out_dir).strip_prefix(lexical(root)) {
        Ok(inside) => {
            let up = inside.components().map(|_| "..").collect::<Vec<_>>().join("/");
            format!("{up}/{}", livevox_codegen::CLIENT_CRATE)
        }
        Err(_) => root.join(livevox_codegen::CLIENT_CRATE).display().to_string(),
    };
    Library { spec_dir, out_dir, runtime_dependency: format!("{{ path = {runtime_path:?}, default-features = false }}") }
}

/// An absolute path without `.` and `..` components (without touching the file system: the
/// output directory may not exist yet).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Regenerates (or, with `check`, checks) the sample crate through the customer's library path,
/// then the sample APIs' generated tests.
pub fn codegen(root: &Path, check: bool) -> Result<(Summary, WriteReport), Error> {
    codegen_with(root, &load_spec(root)?, check)
}

/// LiveVox's `spec/`, loaded as [`livevox_codegen::codegen`] loads it.
pub fn load_spec(root: &Path) -> Result<Loaded, Error> {
    Ok(load::load_dir(&root.join(livevox_codegen::SPEC_DIR), livevox_codegen::SPEC_DIR)?)
}

/// [`codegen`] with LiveVox's `spec/` already loaded ([`load_spec`]): `cargo xtask codegen`
/// loads it once for both crates. The sample spec is loaded once, for the crate and its tests.
pub fn codegen_with(root: &Path, spec: &Loaded, check: bool) -> Result<(Summary, WriteReport), Error> {
    let lib = library(root, root.join(SAMPLE_SPEC), root.join(SAMPLE_CRATE));
    let start = std::time::Instant::now();
    let sample_docs = livevox_codegen::library::load_library_spec(&lib)?;
    let (summary, samples) = livevox_codegen::library::codegen_library_loaded(&lib, &sample_docs, start.elapsed(), check)?;
    let modules = samples.apis.into_iter().map(|a| a.module).collect();
    let tests = test_files(spec, &sample_docs, modules)?;
    let report = livevox_codegen::write::write_all(root, Path::new(SAMPLE_TESTS), &tests, check).map_err(Error::Write)?;
    Ok((summary, report))
}

/// The three generated tests of the sample APIs, from LiveVox's `spec/` ([`load_spec`]) and the
/// sample spec as the crate loads it (`load_library_spec`), whose APIs are `modules`.
///
/// The decode fuzz and `Debug` tests cover exactly the sample operations. The end-to-end test
/// also has LiveVox's login category: Screen Pop relays a logged-in LiveVox client's session,
/// so the test needs that client, and its login tests show the simulator still serves LiveVox
/// with the extra spec loaded.
///
/// Both specs are lowered together once, as one spec (an API's IR does not depend on the other
/// APIs beside it); the sample APIs' part of that is the IR of the first two tests.
fn test_files(spec: &Loaded, sample_docs: &Loaded, modules: Vec<String>) -> Result<Vec<OutputFile>, Error> {
    let sample_docs = from_root(sample_docs);
    let mut with_login = livevox_codegen::front_end_of(spec.docs.iter().chain(&sample_docs.docs))?;
    let samples = Ir { apis: with_login.apis.iter().filter(|api| modules.contains(&api.module)).cloned().collect() };
    with_login.apis.retain_mut(|api| modules.contains(&api.module) || keep_login_category(api));

    let target = target(modules)?;
    let files = [
        ("every_operation.rs", emit_e2e::every_operation_for(&with_login, &target)),
        ("no_secret_in_debug.rs", emit_secrets::no_secret_in_debug_for(&samples, &target)),
        ("decode_every_response.rs", emit_fuzz::decode_every_response_for(&samples, &target)),
    ];
    files
        .into_iter()
        .map(|(name, text)| Ok(OutputFile { path: Path::new(SAMPLE_TESTS).join(name), contents: text.map_err(Error::Internal)? }))
        .collect()
}

/// The sample spec's documents with their files named from the workspace root, as the tests
/// name them (the crate names them from its own directory). The spec directory is flat.
fn from_root(sample_docs: &Loaded) -> Loaded {
    let mut docs = sample_docs.clone();
    for doc in &mut docs.docs {
        let name = doc.file.rsplit('/').next().unwrap_or(&doc.file);
        doc.file = format!("{SAMPLE_SPEC}/{name}");
    }
    docs
}

/// Keeps, of an API that logs in (LiveVox), only the category of its login operation; `false`
/// for any other API.
fn keep_login_category(api: &mut Api) -> bool {
    let Auth::LiveVox { login: Some(login), .. } = &api.auth else { return false };
    let path = login.path.clone();
    api.categories.retain(|c| c.operations.iter().any(|op| op.path == path));
    !api.categories.is_empty()
}

/// Where the sample APIs' tests find their clients (the sample crate, for the sample `modules`;
/// LiveVox's login category stays in `livevox-generated`) and a simulator that serves their spec.
fn target(modules: Vec<String>) -> Result<TestTarget, Error> {
    let tokens = |rust: &str| {
        rust.parse::<proc_macro2::TokenStream>()
            .map_err(|e| Error::Internal(format!("internal error: the sample APIs' test target `{rust}` does not parse: {e}")))
    };
    Ok(TestTarget {
        client_crate: tokens("::livevox_sample_apis")?,
        modules: Some(modules),
        simulator: tokens("::livevox_sim::Simulator::builder().extra_spec_dir(::livevox_sample_apis::SPEC_DIR)")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_inside_the_checkout_names_the_runtime_by_a_relative_path() {
        let root = Path::new("/w/repo");
        let lib = library(root, root.join("tests/sample-apis/spec"), root.join("tests/./x/../sample-apis"));
        assert_eq!(lib.runtime_dependency, r#"{ path = "../../livevox-generated", default-features = false }"#);
        let outside = library(root, PathBuf::from("/elsewhere/spec"), PathBuf::from("/elsewhere/crate"));
        assert_eq!(outside.runtime_dependency, r#"{ path = "/w/repo/livevox-generated", default-features = false }"#);
    }
}
