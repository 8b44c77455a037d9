//! The format cache changes how long generation takes, never what it makes: `spec/` generated
//! without a cache, with an empty one (every item formatted and remembered) and with a full one
//! (every item reused) gives the same files byte for byte. (Its own process: the cache is
//! installed once per process.)

use std::path::Path;

use livevox_codegen::{format_cache, generate_dir, Config};

#[test]
fn cached_and_uncached_generation_make_the_same_files() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let uncached = generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");

    let path = std::env::temp_dir().join(format!("codegen-format-cache-e2e-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    assert!(format_cache::install(path.clone(), b"this test"), "the cache is not turned off in tests");
    // Read on a thread of its own; `active` waits for it.
    let cache = format_cache::active().expect("the cache is installed");
    let first = generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");
    let after_first = cache.stats();
    let second = generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");
    let after_second = cache.stats();
    cache.save().expect("the cache file is written");

    assert!(after_first.misses > 100, "the first run formats every item: {after_first:?}");
    assert_eq!(after_second.misses, after_first.misses, "the second run formats nothing");
    assert_eq!(after_second.hits - after_first.hits, after_first.hits + after_first.misses, "the second run reuses every item");
    for (label, run) in [("an empty cache", &first), ("a full cache", &second)] {
        assert_eq!(run.files.len(), uncached.files.len());
        for (a, b) in uncached.files.iter().zip(&run.files) {
            assert_eq!(a.path, b.path);
            assert!(a.contents == b.contents, "{} differs with {label}", a.path);
        }
    }
    let reopened = format_cache::FormatCache::open(path.clone(), b"this test");
    assert_eq!(reopened.stats().rejected, None, "the saved file is read back");
    let _ = std::fs::remove_file(&path);
}
