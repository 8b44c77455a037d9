//! The format cache: the formatted text of generated items, kept on disk between runs so that a
//! run which changes nothing skips syn and prettyplease (most of generation's time).
//!
//! This is what build systems do: an item's text is reused only when its key matches, and the
//! key is a SHA-256 of the generator's identity and of the item's unformatted tokens (their
//! text: every token, every group's delimiters, every punctuation mark's spacing; see
//! [`FormatCache::key`]). A changed
//! emitter makes different tokens, so a different key; a rebuilt generator (a new syn or
//! prettyplease, a changed `format.rs`) has a different identity, so nothing of the old cache is
//! reused. The file is checked as a whole (a SHA-256 of its contents at its end) before any of
//! it is used: a missing, truncated or corrupt file, or one from another generator, is an empty
//! cache, which means a full run, never different output.
//!
//! Only `cargo xtask codegen` turns the cache on ([`install`]), keeping it under the build's
//! target directory (never in the repository); the library's own callers and tests format every
//! item. `LIVEVOX_CODEGEN_CACHE=off` turns it off for one run.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use proc_macro2::TokenStream;
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Key = [u8; 32];

/// The first bytes of a cache file; a new layout gets a new one.
const MAGIC: &[u8; 8] = b"lvfmtc01";

/// Bumped when formatting changes in a way the generator's identity would not show (it is part
/// of the identity, next to the executable's own).
const FORMAT_VERSION: &str = "format-cache 1; format.rs split_items + prettyplease::unparse";

/// The environment variable that turns the cache off for one run (`off`, `0` or `false`).
pub const DISABLE_VAR: &str = "LIVEVOX_CODEGEN_CACHE";

/// Formatted items by key, loaded from one file and written back with what this run used.
#[derive(Debug)]
pub struct FormatCache {
    path: PathBuf,
    identity: Key,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Entries of the file not (yet) used by this run.
    old: HashMap<Key, Arc<str>>,
    /// Entries this run used or made: what [`FormatCache::save`] writes. A hit shares its text
    /// with the caller (`Arc`), so it is not copied.
    used: HashMap<Key, Arc<str>>,
    hits: usize,
    misses: usize,
    /// Why the file on disk was not used, if it was not.
    rejected: Option<String>,
}

/// What the cache did in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Items whose formatted text came from the cache.
    pub hits: usize,
    /// Items formatted by syn and prettyplease.
    pub misses: usize,
    /// Why the file on disk was ignored (missing, corrupt, another generator's), if it was.
    pub rejected: Option<String>,
}

impl FormatCache {
    /// Opens the cache file at `path` for a generator whose identity is `identity`. Anything
    /// wrong with the file makes an empty cache, and [`Stats::rejected`] says why.
    pub fn open(path: PathBuf, identity: &[u8]) -> FormatCache {
        let identity: Key = Sha256::digest(identity).into();
        let mut state = State::default();
        match fs::read(&path) {
            Ok(bytes) => match decode(&bytes, &identity) {
                Ok(entries) => state.old = entries,
                Err(why) => state.rejected = Some(why),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => state.rejected = Some("no cache file yet".into()),
            Err(e) => state.rejected = Some(format!("unreadable: {e}")),
        }
        FormatCache { path, identity, state: Mutex::new(state) }
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The formatted text of one item: from the cache when its key is there, otherwise made by
    /// `format` and remembered.
    pub fn get_or_format(&self, item: TokenStream, format: impl FnOnce(TokenStream) -> Result<String, String>) -> Result<Arc<str>, String> {
        let key = self.key(&item);
        {
            let mut state = self.lock();
            let found = match state.used.get(&key) {
                Some(text) => Some(Arc::clone(text)),
                None => state.old.remove(&key).inspect(|text| {
                    state.used.insert(key, Arc::clone(text));
                }),
            };
            if let Some(text) = found {
                state.hits += 1;
                return Ok(text);
            }
        }
        let text: Arc<str> = format(item)?.into();
        let mut state = self.lock();
        state.misses += 1;
        state.used.insert(key, Arc::clone(&text));
        Ok(text)
    }

    /// The key of one item: the generator's identity and the item's tokens, as their text.
    ///
    /// The text is what proc-macro2 prints: every token, with a space between two tokens unless
    /// the first is a joint punctuation mark (`+=` is two joint marks, `+ =` two alone), and
    /// every group's delimiters. So two streams with the same text are the same tokens, with one
    /// exception: an invisible group (`Delimiter::None`) prints as its contents alone. Nothing
    /// in this generator makes one (`quote!` and the lexer never do, and the emitters build no
    /// `Group` by hand); `keys_follow_the_tokens_and_the_generator` pins what the text shows.
    ///
    /// Printed, not taken apart: proc-macro2 iterates a stream only by value, and iterating a
    /// shared one copies every token (a `String` per identifier and literal). Walking the tokens
    /// that way took a tenth of a warm run's time (perf), and rebuilding them instead of copying
    /// was no cheaper.
    pub fn key(&self, item: &TokenStream) -> Key {
        thread_local! {
            static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
        }
        TEXT.with_borrow_mut(|text| {
            use std::fmt::Write;
            text.clear();
            // Writing into a `String` cannot fail, and `Display` of tokens does not either.
            let _ = write!(text, "{item}");
            let mut hasher = Sha256::new();
            hasher.update(self.identity);
            hasher.update(text.as_bytes());
            hasher.finalize().into()
        })
    }

    /// What the cache did so far.
    pub fn stats(&self) -> Stats {
        let state = self.lock();
        Stats { hits: state.hits, misses: state.misses, rejected: state.rejected.clone() }
    }

    /// Writes the entries this run used (so the file does not grow with items the generator no
    /// longer makes), unless the file already holds exactly those. The write goes to a
    /// temporary file renamed over the old one, so a crash never leaves half a cache.
    pub fn save(&self) -> io::Result<()> {
        let state = self.lock();
        if state.misses == 0 && state.old.is_empty() && state.rejected.is_none() {
            return Ok(());
        }
        let bytes = encode(&state.used, &self.identity);
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves the maps consistent (each update is one insert
        // or remove), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where the installed cache's file is, and the identity of the generator ([`install`]).
static INSTALLED: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();

/// The installed cache, once its file has been read.
static ACTIVE: OnceLock<FormatCache> = OnceLock::new();

/// Turns the cache on for this process (once; later calls keep the first), unless
/// [`DISABLE_VAR`] says `off`; returns whether it is on. The file is read and checked on a
/// thread of its own while the caller goes on (loading the spec, which does not need it): done
/// first, in line, it kept the other core idle for a twentieth of a warm run. The first
/// [`active`] waits for it.
pub fn install(path: PathBuf, identity: &[u8]) -> bool {
    if std::env::var(DISABLE_VAR).is_ok_and(|v| matches!(v.as_str(), "off" | "0" | "false")) {
        return false;
    }
    if INSTALLED.set((path, identity.to_vec())).is_ok() {
        // A thread that cannot start leaves the reading to the first `active`.
        let _ = std::thread::Builder::new().name("format-cache".into()).spawn(|| {
            active();
        });
    }
    true
}

/// The installed cache, if any: waits until its file has been read.
pub fn active() -> Option<&'static FormatCache> {
    let (path, identity) = INSTALLED.get()?;
    Some(ACTIVE.get_or_init(|| FormatCache::open(path.clone(), identity)))
}

/// The identity of the generator in this process: the cache format, this crate's version and
/// the running executable (its path, size and modification time, as ccache checks a
/// compiler), which a rebuild of the generator or of any of its dependencies changes. `None`
/// when the executable cannot be found, and then no cache should be used.
pub fn executable_identity() -> Option<Vec<u8>> {
    let exe = std::env::current_exe().ok()?;
    let meta = fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{FORMAT_VERSION}\n{}\n{}\n{}\n{}", env!("CARGO_PKG_VERSION"), exe.display(), meta.len(), modified.as_nanos()).into_bytes())
}

/// The file: magic, identity, then each entry as key, length and text, in key order (the same
/// entries make the same bytes), then a SHA-256 of everything before it.
fn encode(entries: &HashMap<Key, Arc<str>>, identity: &Key) -> Vec<u8> {
    let mut sorted: Vec<(&Key, &Arc<str>)> = entries.iter().collect();
    sorted.sort_unstable_by_key(|(k, _)| *k);
    let size: usize = sorted.iter().map(|(_, t)| 40 + t.len()).sum();
    let mut out = Vec::with_capacity(size + 80);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(identity);
    for (key, text) in sorted {
        out.extend_from_slice(key);
        out.extend_from_slice(&(text.len() as u64).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    out
}

/// Reads a file made by [`encode`]; any flaw is an error that says what it was.
fn decode(bytes: &[u8], identity: &Key) -> Result<HashMap<Key, Arc<str>>, String> {
    let header = MAGIC.len() + identity.len();
    if bytes.len() < header + 32 {
        return Err("corrupt (too short)".into());
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err("corrupt (checksum mismatch)".into());
    }
    if &body[..MAGIC.len()] != MAGIC {
        return Err("another cache format".into());
    }
    if &body[MAGIC.len()..header] != identity {
        return Err("made by another build of the generator".into());
    }
    let mut entries = HashMap::new();
    let mut rest = &body[header..];
    while !rest.is_empty() {
        let (key, tail) = rest.split_at_checked(32).ok_or("corrupt (truncated key)")?;
        let (len, tail) = tail.split_at_checked(8).ok_or("corrupt (truncated length)")?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().map_err(|_| "corrupt (length)")?)).map_err(|_| "corrupt (length)")?;
        let (text, tail) = tail.split_at_checked(len).ok_or("corrupt (truncated text)")?;
        let text = std::str::from_utf8(text).map_err(|_| "corrupt (text is not UTF-8)")?;
        entries.insert(key.try_into().map_err(|_| "corrupt (key)")?, Arc::from(text));
        rest = tail;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("codegen-format-cache-{}-{name}", std::process::id()))
    }

    use proc_macro2::{Delimiter, TokenTree};

    fn tokens(text: &str) -> TokenStream {
        text.parse().expect("test tokens parse")
    }

    #[test]
    fn keys_follow_the_tokens_and_the_generator() {
        let cache = FormatCache::open(temp("keys"), b"gen");
        for (one, other) in [("a + b", "a+b"), ("struct  A ;", "struct A;")] {
            assert_eq!(cache.key(&tokens(one)), cache.key(&tokens(other)), "`{one}` and `{other}` are the same tokens");
        }
        for (one, other) in [("a += b", "a + = b"), ("(a)", "[a]"), ("\"x\"", "x"), ("ab", "a b"), ("r#a", "a"), ("1u8", "1"), ("1.0", "1 . 0"), ("'a", "'a'")] {
            assert_ne!(cache.key(&tokens(one)), cache.key(&tokens(other)), "`{one}` and `{other}` differ");
        }
        // The one thing the text does not show (see `FormatCache::key`).
        let invisible: TokenStream = TokenTree::Group(proc_macro2::Group::new(Delimiter::None, tokens("a + b"))).into();
        assert_eq!(invisible.to_string(), "a + b");
        assert_eq!(cache.key(&invisible), cache.key(&tokens("a + b")));
        let other_generator = FormatCache::open(temp("keys2"), b"another gen");
        assert_ne!(cache.key(&tokens("a")), other_generator.key(&tokens("a")));
    }

    #[test]
    fn a_saved_cache_is_reused_and_a_damaged_one_is_not() {
        let path = temp("round");
        let _ = fs::remove_file(&path);
        let format = |t: TokenStream| Ok(format!("formatted {t}"));
        let first = FormatCache::open(path.clone(), b"gen");
        assert_eq!(first.stats().rejected.as_deref(), Some("no cache file yet"));
        assert_eq!(&*first.get_or_format(tokens("struct A;"), format).unwrap(), "formatted struct A ;");
        assert_eq!(&*first.get_or_format(tokens("struct A;"), |_| Err("not called".into())).unwrap(), "formatted struct A ;");
        assert_eq!((first.stats().hits, first.stats().misses), (1, 1));
        first.save().unwrap();

        let second = FormatCache::open(path.clone(), b"gen");
        assert_eq!(second.stats().rejected, None);
        assert_eq!(&*second.get_or_format(tokens("struct A;"), |_| Err("not called".into())).unwrap(), "formatted struct A ;");

        let other = FormatCache::open(path.clone(), b"rebuilt gen");
        assert_eq!(other.stats().rejected.as_deref(), Some("made by another build of the generator"));
        assert_eq!(&*other.get_or_format(tokens("struct A;"), |_| Ok("fresh".into())).unwrap(), "fresh");

        let good = fs::read(&path).unwrap();
        for (damage, why) in [(good[..good.len() - 1].to_vec(), "checksum"), (good[..10].to_vec(), "too short"), (Vec::new(), "too short")] {
            fs::write(&path, damage).unwrap();
            let damaged = FormatCache::open(path.clone(), b"gen");
            assert!(damaged.stats().rejected.is_some_and(|r| r.contains(why)), "{why}: {:?}", damaged.stats());
            assert_eq!(&*damaged.get_or_format(tokens("struct A;"), |_| Ok("fresh".into())).unwrap(), "fresh");
        }
        let mut flipped = good.clone();
        flipped[50] ^= 1;
        fs::write(&path, flipped).unwrap();
        assert!(FormatCache::open(path.clone(), b"gen").stats().rejected.is_some_and(|r| r.contains("checksum")));
        let _ = fs::remove_file(&path);
    }

    #[test]
    fn saving_keeps_only_what_the_run_used() {
        let path = temp("prune");
        let _ = fs::remove_file(&path);
        let first = FormatCache::open(path.clone(), b"gen");
        for item in ["struct A;", "struct B;"] {
            first.get_or_format(tokens(item), |t| Ok(t.to_string())).unwrap();
        }
        first.save().unwrap();
        let second = FormatCache::open(path.clone(), b"gen");
        second.get_or_format(tokens("struct B;"), |_| Err("cached".into())).unwrap();
        second.save().unwrap();
        let third = FormatCache::open(path.clone(), b"gen");
        assert_eq!(third.lock().old.len(), 1, "struct A was not used by the second run");
        let _ = fs::remove_file(&path);
    }
}
