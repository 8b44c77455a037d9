//! A client crate for any spec directory (`cargo xtask codegen --spec DIR --out DIR`,
//! `livevox_codegen::library`): written as a customer would keep their own Functions library,
//! regenerated without touching what the owner changed, checked for staleness, and compiled
//! against the runtime of `livevox-generated` (default features off).

use std::path::{Path, PathBuf};

use livevox_codegen::library::{codegen_library, Library};
use livevox_codegen::write::Change;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A spec directory with two of the sample APIs, and an empty place for the crate.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    // Outside the workspace, as a customer's crate is (cargo refuses a package inside a
    // workspace that does not list it).
    let base = std::env::temp_dir().join(format!("livevox-own-library-{}", std::process::id())).join(name);
    let _ = std::fs::remove_dir_all(&base);
    let spec = base.join("spec");
    std::fs::create_dir_all(&spec).expect("scratch spec dir");
    for file in ["crm.yaml", "helpdesk.yaml"] {
        std::fs::copy(workspace().join("tests/sample-apis/spec").join(file), spec.join(file)).expect("copy a sample API");
    }
    (spec, base.join("acme-functions"))
}

fn library(spec: &Path, out: &Path) -> Library {
    let runtime = workspace().join("livevox-generated");
    Library {
        spec_dir: spec.to_path_buf(),
        out_dir: out.to_path_buf(),
        runtime_dependency: format!("{{ path = {:?}, default-features = false }}", runtime.display().to_string()),
    }
}

fn changed(summary: &livevox_codegen::Summary) -> Vec<String> {
    summary.report.stale().map(|(p, c)| format!("{} {c:?}", p.display())).collect()
}

#[test]
fn writes_a_crate_and_keeps_what_its_owner_changed() {
    let (spec, out) = scratch("regenerate");
    let lib = library(&spec, &out);
    let first = codegen_library(&lib, false).expect("the crate is written");
    assert_eq!(first.operations, 6, "Acme CRM and Helpdesk");
    assert!(first.report.count(Change::Created) >= 5, "{:?}", changed(&first));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("name = \"acme-functions\""), "{manifest}");
    assert!(manifest.contains("default-features = false"), "{manifest}");
    assert!(manifest.contains("crm_contacts = []") && manifest.contains("helpdesk_tickets = []"), "{manifest}");
    assert!(out.join("src/generated/acme_crm/crm_contacts.rs").is_file());
    assert!(std::fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs").contains("pub use generated::*;"));

    // The owner renames the crate and adds to lib.rs: regeneration keeps both.
    std::fs::write(out.join("Cargo.toml"), manifest.replace("name = \"acme-functions\"", "name = \"acme-integrations\"")).expect("edit");
    std::fs::write(out.join("src/lib.rs"), "//! Ours.\nmod generated;\npub use generated::*;\n/// Ours too.\npub const OURS: u8 = 1;\n").expect("edit");
    let again = codegen_library(&lib, false).expect("regenerates");
    assert!(changed(&again).is_empty(), "nothing to rewrite: {:?}", changed(&again));
    assert!(std::fs::read_to_string(out.join("Cargo.toml")).expect("read").contains("acme-integrations"));
    assert!(std::fs::read_to_string(out.join("src/lib.rs")).expect("read").contains("OURS"));

    // A spec change: --check names the stale file and writes nothing; a run writes it.
    let crm = spec.join("crm.yaml");
    let text = std::fs::read_to_string(&crm).expect("read");
    std::fs::write(&crm, text.replacen("summary: ", "summary: Changed, ", 1)).expect("edit the spec");
    let check = codegen_library(&lib, true).expect("checks");
    assert_eq!(changed(&check), vec!["src/generated/acme_crm/crm_contacts.rs Updated".to_string()]);
    assert_eq!(changed(&codegen_library(&lib, true).expect("checks again")).len(), 1, "--check wrote nothing");
    codegen_library(&lib, false).expect("writes");
    assert!(changed(&codegen_library(&lib, true).expect("fresh")).is_empty());
    let _ = std::fs::remove_dir_all(spec.parent().expect("scratch"));
}

#[test]
fn a_spec_error_names_the_file_and_writes_nothing() {
    let (spec, out) = scratch("spec-error");
    let lib = library(&spec, &out);
    codegen_library(&lib, false).expect("the crate is written");
    let before = std::fs::read_to_string(out.join("src/generated/acme_crm/crm_contacts.rs")).expect("read");
    let crm = spec.join("crm.yaml");
    let text = std::fs::read_to_string(&crm).expect("read");
    std::fs::write(&crm, text.replacen("method: GET", "method: FETCH", 1)).expect("break the spec");
    let err = codegen_library(&lib, false).expect_err("a bad method is refused").to_string();
    assert!(err.contains("crm.yaml:") && err.contains("method"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("src/generated/acme_crm/crm_contacts.rs")).expect("read"), before);
    let _ = std::fs::remove_dir_all(spec.parent().expect("scratch"));
}

/// The written crate builds against the runtime, as a customer's crate would: `cargo check`
/// in a target directory of its own, offline (the workspace's build fetched every crate).
#[test]
fn the_written_crate_compiles_against_the_runtime() {
    let (spec, out) = scratch("compile");
    codegen_library(&library(&spec, &out), false).expect("the crate is written");
    // The workspace's lock file pins the same versions the runtime is tested with.
    std::fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("own-library-target");
    let output = std::process::Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "the generated crate does not compile:\n{}", String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(spec.parent().expect("scratch"));
}
