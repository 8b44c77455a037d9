//! The end-to-end test of every operation: `tests/tests/livevox/generated/every_operation.rs`, one
//! `#[tokio::test]` per operation of the IR. Each test starts the simulator (`livevox-sim`),
//! calls the operation through the generated client with the values of the operation's first
//! successful example, and checks the typed answer against that example's response.
//!
//! Because the file is generated from the IR, an operation added to `spec/` gets its test on
//! the next `cargo xtask codegen`, and the staleness check fails until it has one.
//!
//! What each test does:
//! - arguments come from the chosen example, decoded with serde into the parameter's Rust type:
//!   path parameters, required query parameters, the body (a model, or required inline fields),
//!   then setters for the optional query parameters, paging parameters and optional inline body
//!   fields the example gives; values the example leaves out are made up from the type;
//! - with a successful example that has a body, the answer must equal that body decoded into
//!   the output type (a text answer, the example's text); without one it must decode; an
//!   operation whose examples are all errors must fail with the example's status;
//! - a binary answer (`format: binary`, which no example can hold) must be non-empty and equal,
//!   byte for byte, to what the simulator serves for those path parameters
//!   (`livevox_sim::binary_body`);
//! - an operation without examples is called with made-up values and its (synthesized) answer
//!   must decode;
//! - an operation with an `agent_action` first has the simulator bring its agent to a state the
//!   operation accepts (`prepare_agent`: join, ready, a call offered, ...); an agent-side one is
//!   then called from the agent's session, every other one from the user's.
//!
//! The client of each API is built as a user of that API would build it: LiveVox logs in with a
//! simulator user; an API relaying LiveVox sessions relays a logged-in LiveVox client's; BASIC,
//! BEARER, OAUTH and OAUTH2 APIs get the simulator's credentials for their scheme (OAUTH2 with
//! the simulator's token endpoint); header placeholders get made-up values.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::calls::{self, decoded, made_up, rust_type, Input, Source, Tables};
pub use crate::emit::calls::TestTarget;
use crate::ir::*;

/// Where the test goes, relative to the workspace root.
pub const E2E_TEST_PATH: &str = "tests/tests/livevox/generated/every_operation.rs";

/// Emits and formats the test file for the IR, for LiveVox's test crate.
pub fn every_operation(ir: &Ir) -> Result<String, String> {
    every_operation_for(ir, &TestTarget::default())
}

/// Emits and formats the test file for the IR, its clients, types and simulator found where
/// `target` says.
pub fn every_operation_for(ir: &Ir, target: &TestTarget) -> Result<String, String> {
    let many_apis = ir.apis.len() > 1;
    let login_api = ir.apis.iter().find(|a| logs_in(a));
    let mut items = Vec::new();
    for api in &ir.apis {
        let tables = Tables::of(api);
        items.push(api_helpers(api, login_api, target));
        for cat in &api.categories {
            for op in &cat.operations {
                items.push(operation_test(api, cat, op, &tables, target, many_apis)?);
            }
        }
    }
    let doc = [
        " One test per operation of `spec/`: each starts the simulator (`livevox-sim`), calls the",
        " operation through the generated client with the values of its first successful example,",
        " and checks the typed answer against that example's response (or, without one, that it",
        " decodes). Generated from the spec, so a new operation gets its test on the next",
        " `cargo xtask codegen`; `every_operation_coverage.rs` checks that none is missing.",
    ];
    let decode = calls::decode_fn(&[
        " Decodes a value of the spec (an example's, or one made up from the type) into the",
        " Rust type the client takes or returns.",
    ]);
    let tokens = quote! {
        #(#![doc = #doc])*
        #![allow(non_snake_case)]

        #decode

        /// The answer of a call that must succeed, or a panic that says why it did not.
        fn ok<T>(operation: &str, result: ::std::result::Result<T, ::livevox_generated::Error>) -> T {
            match result {
                ::std::result::Result::Ok(v) => v,
                ::std::result::Result::Err(e) => panic!("{operation} failed against the simulator: {e}"),
            }
        }

        #(#items)*
    };
    crate::format::format_file(&calls::sources(ir, true), tokens)
}

fn start_fn(api: &Api) -> proc_macro2::Ident {
    format_ident!("start_{}", api.module)
}

fn client_path(api: &Api, target: &TestTarget) -> TokenStream {
    let m = target.api_module(api);
    quote! { #m::Client }
}

fn logs_in(api: &Api) -> bool {
    matches!(api.auth, Auth::LiveVox { login: Some(_), .. })
}

/// The builder calls that give a client of `api` the simulator's credentials for its scheme.
fn credentials(api: &Api, login_api: Option<&Api>) -> TokenStream {
    match &api.auth {
        Auth::None | Auth::LiveVox { login: Some(_), .. } => TokenStream::new(),
        Auth::LiveVox { login: None, .. } => match login_api {
            Some(lv) => {
                let client_for = format_ident!("client_{}", lv.module);
                quote! { .relay_livevox_session(#client_for(&sim, &sim.user()).runtime()) }
            }
            // No LiveVox API logs in, so there is no session to relay; a made-up one is refused.
            None => quote! { .session_id("e2e-no-livevox-login") },
        },
        Auth::Basic => quote! { .basic_auth(creds.basic_user.as_str(), creds.basic_password.as_str()) },
        Auth::Bearer { .. } => quote! { .bearer_token(creds.bearer_token.as_str()) },
        Auth::OAuth1 => quote! {
            .oauth1(
                creds.oauth1_consumer_key.as_str(),
                creds.oauth1_consumer_secret.as_str(),
                creds.oauth1_token.as_str(),
                creds.oauth1_token_secret.as_str(),
            )
        },
        Auth::OAuth2 { .. } => {
            let module = Literal::string(&api.module);
            quote! {
                .oauth2_client_credentials(creds.oauth2_client_id.as_str(), creds.oauth2_client_secret.as_str())
                .oauth2_token_url(sim.oauth2_token_url(#module).expect("the simulator serves the token endpoint"))
            }
        }
    }
}

/// `start_<api>()`: a simulator and a client of the API. For an API that logs in, the client
/// is logged in as its first user, after every configured user has logged in once (so the
/// session ids the spec's examples name, which the simulator gives the example users, are
/// live); other APIs get their scheme's credentials (see [`credentials`]).
fn api_helpers(api: &Api, login_api: Option<&Api>, target: &TestTarget) -> TokenStream {
    let start = start_fn(api);
    let client = client_path(api, target);
    let simulator = &target.simulator;
    let client_for = format_ident!("client_{}", api.module);
    let args = calls::builder_values(api, "e2e-");
    if !logs_in(api) {
        let creds = credentials(api, login_api);
        let uses_creds = matches!(api.auth, Auth::Basic | Auth::Bearer { .. } | Auth::OAuth1 | Auth::OAuth2 { .. });
        let creds_binding = if uses_creds { quote! { let creds = sim.api_credentials(); } } else { TokenStream::new() };
        return quote! {
            async fn #start() -> (::livevox_sim::RunningSimulator, #client) {
                let sim = #simulator.start().await.expect("the simulator starts");
                #creds_binding
                let client = #client::builder(#(#args),*)
                    .base_url(sim.base_url())
                    .allow_plain_http_for_loopback_tests()
                    #creds
                    .build()
                    .expect("a client of the simulator builds");
                (sim, client)
            }
        };
    }
    quote! {
        fn #client_for(sim: &::livevox_sim::RunningSimulator, user: &::livevox_sim::SimUser) -> #client {
            let credentials = if user.agent {
                ::livevox_generated::runtime::Credentials::agent(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str())
            } else {
                ::livevox_generated::runtime::Credentials::user(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str())
            };
            #client::builder(#(#args),*)
                .base_url(sim.base_url())
                .allow_plain_http_for_loopback_tests()
                .access_token(sim.access_token())
                .credentials(credentials)
                .build()
                .expect("a client of the simulator builds")
        }

        async fn #start() -> (::livevox_sim::RunningSimulator, #client) {
            let sim = #simulator.start().await.expect("the simulator starts");
            for user in sim.users() {
                if let ::std::result::Result::Err(e) = #client_for(&sim, &user).runtime().login().await {
                    panic!("{} cannot log in to the simulator: {e}", user.user_name);
                }
            }
            let client = #client_for(&sim, &sim.user());
            (sim, client)
        }
    }
}

/// A query example value for a list parameter may be a single value (validate allows it).
fn shaped(ty: &Type, v: &Value) -> Value {
    match (ty, v) {
        (Type::Array(_), Value::Array(_)) => v.clone(),
        (Type::Array(_), other) => Value::Array(vec![other.clone()]),
        _ => v.clone(),
    }
}

fn operation_test(api: &Api, cat: &Category, op: &Operation, tables: &Tables<'_>, target: &TestTarget, many_apis: bool) -> Result<TokenStream, String> {
    let name = if many_apis {
        format_ident!("{}__{}__{}", api.module, cat.module, op.fn_name)
    } else {
        format_ident!("{}__{}", cat.module, op.fn_name)
    };
    let example = op.examples.iter().find(|e| (200..300).contains(&e.status)).or_else(|| op.examples.first());
    let inputs = calls::inputs(op, tables);
    let values: Vec<(&Input<'_>, Option<Value>)> = inputs.iter().map(|i| (i, example_value(i, example, tables))).collect();
    // A deprecated query parameter set from the example needs `allow(deprecated)`.
    let deprecated = op.deprecated.is_some()
        || values.iter().any(|(i, v)| i.source == Source::Query && !i.positional && i.deprecated && v.is_some());
    // The path parameters as the simulator sees them (decoded text), for binary answers.
    let path_text: Vec<(Literal, Literal)> = values
        .iter()
        .filter(|(i, _)| i.source == Source::Path)
        .map(|(i, v)| {
            let text = match v {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            (Literal::string(i.wire_name), Literal::string(&text))
        })
        .collect();
    let args = values
        .iter()
        .map(|(i, v)| Ok((*i, v.as_ref().map(|v| calls::built(&i.ty, v, TimeFormat::EpochMillis, &i.what, api, tables, target)).transpose()?)))
        .collect::<Result<Vec<_>, String>>()?;
    let call = calls::call(cat, op, args)?;

    let start = start_fn(api);
    let call = quote! { #call.await };
    let check = answer_check(api, target, op, example, &call, &path_text);
    let allow = if deprecated { quote! { #[allow(deprecated)] } } else { TokenStream::new() };
    let doc = Literal::string(&format!(
        " `{} {}`{}",
        op.method.as_str(),
        op.path,
        match example {
            Some(e) => format!(", example `{}`.", e.name),
            None => ", no example: made-up arguments.".to_string(),
        }
    ));
    let prepare = agent_preparation(api, op);
    let sim_binding = if prepare.is_empty() { format_ident!("_sim") } else { format_ident!("sim") };
    // An agent-side operation replaces the user's client with the agent's.
    let agent_side = op.agent_action.is_some_and(|a| a.agent_side()) && logs_in(api);
    let client_binding = if agent_side { format_ident!("_user_client") } else { format_ident!("client") };
    Ok(quote! {
        #[doc = #doc]
        #[tokio::test]
        #allow
        async fn #name() {
            let (#sim_binding, #client_binding) = #start().await;
            #prepare
            #check
        }
    })
}

/// The value the test passes for an input: the chosen example's (a single query value made a
/// list where the type is one), else, for an argument, one made up from the type; `None` for a
/// setter the example does not use.
fn example_value(input: &Input<'_>, example: Option<&Example>, tables: &Tables<'_>) -> Option<Value> {
    let lookup = |list: Option<&Vec<(String, Value)>>| -> Option<Value> {
        list.and_then(|l| l.iter().find(|(n, _)| n == input.wire_name).map(|(_, v)| v.clone())).filter(|v| !v.is_null())
    };
    let body = example.and_then(|e| e.body.as_ref()).filter(|b| !b.is_null());
    let given = match input.source {
        Source::Path => lookup(example.map(|e| &e.path)),
        Source::Query => lookup(example.map(|e| &e.query)).map(|v| shaped(&input.ty, &v)),
        Source::BodyField => body.and_then(|b| b.get(input.wire_name)).filter(|v| !v.is_null()).cloned(),
        Source::Body => body.cloned(),
    };
    match given {
        Some(v) => Some(v),
        None if input.positional => Some(made_up(&input.ty, tables, 0)),
        None => None,
    }
}

/// For an operation with an `agent_action`: the simulator's agent is first brought to a state
/// the operation accepts, by the same moves requests make (`prepare_agent`); an agent-side
/// operation is then called from the agent's own session instead of the user's, so that both
/// sides of `agent_allowed` are exercised.
fn agent_preparation(api: &Api, op: &Operation) -> TokenStream {
    let Some(action) = op.agent_action.filter(|_| logs_in(api)) else { return TokenStream::new() };
    let id = Literal::string(&op.id);
    let prepare = quote! {
        let agent = sim.agent();
        if let ::std::result::Result::Err(e) = sim.prepare_agent(&agent.user_name, #id) {
            panic!("{e}");
        }
    };
    if !action.agent_side() {
        return prepare;
    }
    let client_for = format_ident!("client_{}", api.module);
    quote! {
        #prepare
        let client = #client_for(&sim, &agent);
    }
}

/// What the test checks of the answer: the example's response (or status, when its examples are
/// all errors), the simulator's bytes for a binary answer, else that it decodes.
fn answer_check(api: &Api, target: &TestTarget, op: &Operation, example: Option<&Example>, call: &TokenStream, path_text: &[(Literal, Literal)]) -> TokenStream {
    let id = &op.id;
    let id_lit = Literal::string(id);
    // A binary answer (no example can hold one) must be the simulator's bytes, unchanged.
    let binary_check = || {
        let (names, values): (Vec<&Literal>, Vec<&Literal>) = path_text.iter().map(|(n, v)| (n, v)).unzip();
        quote! {
            let actual = ok(#id_lit, #call);
            let expected = ::livevox_sim::binary_body(#id_lit, &[#((#names, #values)),*]).expect("the simulator answers binary data");
            assert!(!actual.is_empty(), "{} answered no bytes", #id_lit);
            assert_eq!(&actual[..], &expected[..], "{} answered other bytes than the simulator sent", #id_lit);
        }
    };
    let check = match example {
        Some(e) if !(200..300).contains(&e.status) => {
            let status = e.status;
            quote! {
                let result = #call;
                match result {
                    ::std::result::Result::Ok(_) => panic!("{} succeeded, but its only examples are errors ({})", #id_lit, #status),
                    ::std::result::Result::Err(e) => assert_eq!(e.status().map(|s| s.as_u16()), ::std::option::Option::Some(#status), "{e}"),
                }
            }
        }
        Some(e) => match (op.response.format, &op.response.ty, &e.response) {
            (ResponseFormat::Json, ty, Some(body)) => {
                let t = ty.as_ref().map(|t| rust_type(t, api, target)).unwrap_or_else(|| quote! { ::serde_json::Value });
                let expected = decoded(&t, &format!("{id}: the example's response"), body);
                quote! {
                    let actual: #t = ok(#id_lit, #call);
                    let expected: #t = #expected;
                    assert_eq!(actual, expected, "{} answered other than its example", #id_lit);
                }
            }
            (ResponseFormat::Text, _, Some(Value::String(s))) => {
                let s = Literal::string(s);
                quote! {
                    let actual: ::std::string::String = ok(#id_lit, #call);
                    assert_eq!(actual, #s, "{} answered other than its example", #id_lit);
                }
            }
            (ResponseFormat::Binary, _, _) => binary_check(),
            _ => quote! { ok(#id_lit, #call); },
        },
        None if op.response.format == ResponseFormat::Binary => binary_check(),
        None => quote! { ok(#id_lit, #call); },
    };
    check
}
