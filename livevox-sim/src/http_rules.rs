//! The HTTP details of issue 17 as the simulator plays them, from the same spec as the client:
//! the API's `content_type` rule (under `with_body` a request without a body must not carry
//! `Content-Type`), an operation's declared response headers (a `Location` built from the
//! created resource, rate-limit counters), and the server's own rate-limit signal that a test
//! asks for with [`Faults::rate_limit_signal_next`](crate::Faults::rate_limit_signal_next).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::HeaderMap;
use livevox_codegen::ir::{Api, ContentTypeRule, Operation, ResetUnit, ServerRateLimit, Type};
use livevox_codegen::types::Prim;
use serde_json::Value;

use crate::server::{header, reject, Reject};

/// Under `content_type: with_body`, a request without a body that still names a
/// `Content-Type` is refused, as such an API's server would (some reject `Content-Type` on a
/// GET outright). Under `always` (LiveVox) every request may carry it.
pub(crate) fn check_content_type(api: &Api, headers: &HeaderMap, body: &Bytes) -> Result<(), Reject> {
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    if api.content_type == ContentTypeRule::WithBody && !has_body {
        if let Some(ct) = header(headers, "content-type") {
            return Err(reject(
                400,
                format!("the request has no body but says `Content-Type: {ct}`; the {} API wants `Content-Type` only with a body", api.wire_name),
            ));
        }
    }
    Ok(())
}

/// The seconds since the Unix epoch.
fn epoch(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The headers a success answer of `op` declares, with values the simulator makes up:
/// `Location` is the request path followed by the created resource's `number` (its address
/// within its parent, as issues have), else `id`, else `key`, from the answer body; an integer header named `*reset*` is an hour from now in
/// epoch seconds, `*remaining*` 4999, `*limit*` 5000, any other integer 1; a string header
/// `sim`; a bool `true`.
pub(crate) fn declared_headers(op: &Operation, raw_path: &str, body: Option<&Bytes>, now: SystemTime) -> Vec<(String, String)> {
    if op.response.headers.is_empty() {
        return Vec::new();
    }
    let created: Option<Value> = body.and_then(|b| serde_json::from_slice(b).ok());
    let id = created.as_ref().and_then(|v| ["number", "id", "key"].iter().find_map(|k| v.get(*k).filter(|x| x.is_number() || x.is_string())));
    op.response
        .headers
        .iter()
        .map(|h| {
            let name = h.wire_name.to_ascii_lowercase();
            let value = match &h.ty {
                Type::Prim(Prim::String) if name == "location" => match id {
                    Some(Value::String(s)) => format!("{}/{s}", raw_path.trim_end_matches('/')),
                    Some(v) => format!("{}/{v}", raw_path.trim_end_matches('/')),
                    None => raw_path.to_string(),
                },
                Type::Prim(Prim::Int32 | Prim::Int64) if name.contains("reset") => (epoch(now) + 3600).to_string(),
                Type::Prim(Prim::Int32 | Prim::Int64) if name.contains("remaining") => "4999".into(),
                Type::Prim(Prim::Int32 | Prim::Int64) if name.contains("limit") => "5000".into(),
                Type::Prim(Prim::Int32 | Prim::Int64 | Prim::Float64) => "1".into(),
                Type::Prim(Prim::Bool) => "true".into(),
                _ => "sim".into(),
            };
            (h.wire_name.clone(), value)
        })
        .collect()
}

/// The headers of the API's rate-limit signal asking for `wait`: its `when` header with its
/// value, its reset header (epoch seconds rounded up, or seconds), and `Retry-After` when the
/// API counts it and has no `when`.
pub(crate) fn signal_headers(limit: &ServerRateLimit, wait: Duration, now: SystemTime) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if let Some((name, value)) = &limit.when {
        out.push((name.clone(), value.clone()));
        if let Some((reset, unit)) = &limit.reset {
            let at = match unit {
                ResetUnit::EpochSeconds => {
                    let at = now + wait;
                    // Rounded up, so the client never comes back before the window ends.
                    (epoch(at) + u64::from(at.duration_since(UNIX_EPOCH).is_ok_and(|d| d.subsec_nanos() > 0))).to_string()
                }
                ResetUnit::Seconds => secs.to_string(),
            };
            out.push((reset.clone(), at));
        }
    } else if limit.retry_after {
        out.push(("retry-after".into(), secs.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signal_names_the_reset_the_way_the_api_does() {
        let limit = ServerRateLimit {
            statuses: vec![403],
            when: Some(("x-ratelimit-remaining".into(), "0".into())),
            reset: Some(("x-ratelimit-reset".into(), ResetUnit::EpochSeconds)),
            retry_after: true,
        };
        let now = UNIX_EPOCH + Duration::from_millis(1_000_000_500);
        let h = signal_headers(&limit, Duration::from_secs(1), now);
        assert_eq!(h, [("x-ratelimit-remaining".to_string(), "0".to_string()), ("x-ratelimit-reset".into(), "1000002".into())]);
        let only_retry_after = ServerRateLimit { when: None, reset: None, ..limit };
        assert_eq!(signal_headers(&only_retry_after, Duration::from_millis(1500), now), [("retry-after".to_string(), "2".to_string())]);
    }
}
