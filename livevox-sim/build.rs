//! Embeds `../spec/*.yaml` into the library, so the simulator knows the API without the
//! repository layout at run time (a downstream crate's tests run from anywhere).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let spec_dir = manifest_dir.join("..").join("spec");
    println!("cargo:rerun-if-changed={}", spec_dir.display());

    // Sorted, as livevox_codegen::load::load_dir reads a directory, so diagnostics and the
    // order of operations match `cargo xtask codegen`.
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&spec_dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect(),
        Err(e) => {
            // A build script reports by exiting; say what is missing and why it is needed.
            eprintln!("livevox-sim/build.rs: cannot read {} (the spec the simulator embeds): {e}", spec_dir.display());
            std::process::exit(1);
        }
    };
    files.sort();

    let mut out = String::from("/// The spec files embedded at build time: (display path, text).\npub(crate) const EMBEDDED_SPEC: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(out, "    ({:?}, include_str!({:?})),", format!("spec/{name}"), abs.display().to_string());
    }
    out.push_str("];\n");
    if let Err(e) = std::fs::write(out_dir.join("embedded_spec.rs"), out) {
        eprintln!("livevox-sim/build.rs: cannot write the embedded spec: {e}");
        std::process::exit(1);
    }
}
