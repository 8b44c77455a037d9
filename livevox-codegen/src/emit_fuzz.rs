//! The decode fuzz test of every operation: `tests/tests/livevox/generated/decode_every_response.rs`, one call of
//! `livevox_tests::fuzz_decode::<T>` per operation with a JSON response type `T`, seeded with
//! the bodies of the operation's successful examples (or a value made up from the type). The
//! helper mutates the seeds and decodes each copy as the runtime does: every body must become
//! the typed value or a decode error, never a panic.
//!
//! Generated from the IR, so a new operation is fuzzed from the next `cargo xtask codegen`.

use proc_macro2::Literal;
use quote::quote;

use crate::emit::calls::{self, made_up, rust_type, Tables};
pub use crate::emit::calls::TestTarget;
use crate::ir::*;

/// Where the test goes, relative to the workspace root.
pub const DECODE_FUZZ_TEST_PATH: &str = "tests/tests/livevox/generated/decode_every_response.rs";

/// Emits and formats the test file for the IR, for LiveVox's test crate.
pub fn decode_every_response(ir: &Ir) -> Result<String, String> {
    decode_every_response_for(ir, &TestTarget::default())
}

/// Emits and formats the test file for the IR, its types found where `target` says.
pub fn decode_every_response_for(ir: &Ir, target: &TestTarget) -> Result<String, String> {
    let mut calls = Vec::new();
    for api in &ir.apis {
        let tables = Tables::of(api);
        for cat in &api.categories {
            for op in &cat.operations {
                let (ResponseFormat::Json, Some(ty)) = (op.response.format, &op.response.ty) else { continue };
                let t = rust_type(ty, api, target);
                let mut seeds: Vec<String> = op
                    .examples
                    .iter()
                    .filter(|e| (200..300).contains(&e.status))
                    .filter_map(|e| e.response.as_ref())
                    .map(|v| v.to_string())
                    .collect();
                if seeds.is_empty() {
                    seeds.push(made_up(ty, &tables, 0).to_string());
                }
                let seeds = seeds.iter().map(|s| Literal::string(s));
                let id = Literal::string(&format!("{}.{}", api.module, op.id));
                calls.push(quote! { failures.extend(::livevox_tests::fuzz_decode::<#t>(#id, &[#(#seeds),*], cases)); });
            }
        }
    }
    let doc = [
        " Every operation's JSON response type, fed mutated copies of its examples' bodies by",
        " `livevox_tests::fuzz_decode`: each copy must decode or fail with an error, never panic.",
        " `LIVEVOX_FUZZ_CASES` sets the number of copies per operation.",
    ];
    let tokens = quote! {
        #(#![doc = #doc])*
        // One call per operation: generated code is exempt from the hand-written size limits.
        #![allow(clippy::too_many_lines)]

        #[test]
        fn every_response_decodes_or_fails_cleanly() {
            let cases = ::livevox_tests::fuzz_cases(64);
            let mut failures: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#calls)*
            assert!(failures.is_empty(), "{} bodies made decoding panic:\n{}", failures.len(), failures.join("\n"));
        }
    };
    crate::format::format_file(&calls::sources(ir, false), tokens)
}
