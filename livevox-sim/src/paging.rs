//! The simulator's pagination, one style at a time, read from the spec's pagination and
//! written without the client's code, so that a client walking the wrong way fails its test:
//!
//! - **offset**: items `offset..offset + count` (a count above `max_count` is clamped, as
//!   LiveVox's hard cap of 1000 is), and a `next` link when the response has that field;
//! - **page**: page `n` (from the spec's first page) of `size` items;
//! - **cursor**: pages of the `size` parameter's value (else `max_count`, else 30) behind
//!   opaque cursors the simulator mints and checks: a cursor it did not give out is a 400;
//! - **link**: a `Link` header with absolute URLs to the simulator itself (`first`, `prev`,
//!   `next`), whose query puts the size parameter before the page number, the reverse of the
//!   order a client writes them in: a client that rebuilds the next request instead of
//!   following the URL as given sends a different query string.
//!
//! An empty page, a short page, an absent cursor or no `rel="next"` ends each walk, as the
//! format documents.

use livevox_codegen::ir::{Operation, PageStyle, ParamRole, Pagination};
use serde_json::{Map, Value};

use crate::model::SimSpec;
use crate::server::{reject, Reject};
use crate::synth;

/// Page size of a `cursor` or `link` page when neither the request nor the spec gives one.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 30;

/// The items a request asks for: `start..start + count` of the (filtered) collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: usize,
    pub(crate) count: usize,
}

/// The value of the query parameter `name`, as an integer (`None` when absent or not one).
fn int_param(pairs: &[(String, String)], name: &str) -> Option<i64> {
    pairs.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.parse::<i64>().ok())
}

/// The page window a request asks for; `None` for an operation without paging.
pub(crate) fn window(op: &Operation, pairs: &[(String, String)]) -> Result<Option<Window>, Reject> {
    let Some(pg) = &op.pagination else { return Ok(None) };
    let by_role = |role: ParamRole| op.query.iter().find(|p| p.role == role).and_then(|p| int_param(pairs, &p.wire_name));
    let size = |given: Option<i64>| -> Result<usize, Reject> {
        if given.is_some_and(|c| c < 1) {
            return Err(reject(400, format!("query parameter `{}` must be at least 1", pg.count_param)));
        }
        // Above the cap, the page is clamped to it, as LiveVox's hard cap of 1000 does.
        let cap = pg.max_count.map(i64::from);
        let n = match (given, cap) {
            (Some(c), Some(cap)) => c.min(cap),
            (Some(c), None) => c,
            (None, Some(cap)) => cap,
            (None, None) if pg.style == PageStyle::Offset => 100,
            (None, None) => DEFAULT_PAGE_SIZE as i64,
        };
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    };
    let window = match pg.style {
        PageStyle::Offset => {
            let offset = by_role(ParamRole::PageOffset).unwrap_or(0);
            if offset < 0 {
                return Err(reject(400, format!("query parameter `{}` is {offset}; it counts from 0", pg.offset_param)));
            }
            Window { start: usize::try_from(offset).unwrap_or(usize::MAX), count: size(by_role(ParamRole::PageCount))? }
        }
        PageStyle::Page | PageStyle::Link => {
            let page = if pg.offset_param.is_empty() { None } else { int_param(pairs, &pg.offset_param) };
            let page = page.unwrap_or(pg.first_page);
            if page < pg.first_page {
                return Err(reject(400, format!("query parameter `{}` is {page}; pages are numbered from {}", pg.offset_param, pg.first_page)));
            }
            let count = size(if pg.count_param.is_empty() { None } else { int_param(pairs, &pg.count_param) })?;
            let index = usize::try_from(page - pg.first_page).unwrap_or(usize::MAX);
            Window { start: index.saturating_mul(count), count }
        }
        PageStyle::Cursor => {
            let count = size(if pg.count_param.is_empty() { None } else { int_param(pairs, &pg.count_param) })?;
            let sent = pg.cursor_param.as_ref().and_then(|(wire, _)| pairs.iter().find(|(n, _)| n == wire)).map(|(_, v)| v.as_str());
            let start = match sent {
                None => 0,
                Some(cursor) => read_cursor(&op.id, cursor)
                    .ok_or_else(|| reject(400, format!("the cursor `{cursor}` is not one this server gave out for {}", op.id)))?,
            };
            Window { start, count }
        }
    };
    Ok(Some(window))
}

/// FNV-1a of the operation and the position: the check part of a cursor.
fn cursor_check(operation: &str, start: usize) -> u32 {
    let h = format!("{operation}#{start}").bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    h ^ 0x5eed_c0de
}

/// An opaque cursor for the page starting at `start`: its position and a check, so that only
/// cursors the simulator gave out are accepted.
fn mint_cursor(operation: &str, start: usize) -> String {
    format!("cur_{:x}_{:08x}", start ^ 0x2b, cursor_check(operation, start))
}

fn read_cursor(operation: &str, cursor: &str) -> Option<usize> {
    let rest = cursor.strip_prefix("cur_")?;
    let (start, check) = rest.split_once('_')?;
    let start = usize::from_str_radix(start, 16).ok()? ^ 0x2b;
    (u32::from_str_radix(check, 16).ok()? == cursor_check(operation, start)).then_some(start)
}

/// One answered page: its body and the headers to send with it.
pub(crate) struct Page {
    pub(crate) body: Value,
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// Where the request came in, for the links a page makes.
pub(crate) struct At<'a> {
    /// The simulator's own base URL (`http://127.0.0.1:<port>`).
    pub(crate) base_url: &'a str,
    /// The path as sent.
    pub(crate) raw_path: &'a str,
    pub(crate) pairs: &'a [(String, String)],
}

/// The page `window` of `items` (the collection, filtered) in the operation's response shape,
/// with the style's way of naming the next page.
pub(crate) fn page(spec: &SimSpec, op: &Operation, pg: &Pagination, items: &[&Value], window: Window, at: &At<'_>) -> Page {
    let end = window.start.saturating_add(window.count).min(items.len());
    let slice: Vec<Value> = items.get(window.start.min(items.len())..end).unwrap_or(&[]).iter().map(|v| (*v).clone()).collect();
    let more = end < items.len();
    let mut headers = Vec::new();
    let body = if pg.bare_array {
        Value::Array(slice)
    } else {
        let mut out = match op.response.ty.as_ref().and_then(|t| spec.model_of(t)) {
            // Required fields only (depth 2 leaves optional ones out); items and next are set below.
            Some(model) => synth::model_value(spec, model, 0, 2),
            None => Value::Object(Map::new()),
        };
        if let Value::Object(m) = &mut out {
            m.insert(pg.items_field.clone(), Value::Array(slice));
            m.remove(&pg.next_field);
            if more && pg.next.is_some() {
                let next = match pg.style {
                    PageStyle::Cursor => mint_cursor(&op.id, end),
                    _ => offset_link(pg, at, end, window.count),
                };
                m.insert(pg.next_field.clone(), Value::String(next));
            }
        }
        out
    };
    if pg.style == PageStyle::Link {
        headers.extend(link_header(pg, at, window, more).map(|v| ("link", v)));
    }
    Page { body, headers }
}

/// The `next` link of an offset page: the request's query with the offset moved on.
fn offset_link(pg: &Pagination, at: &At<'_>, end: usize, count: usize) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (n, v) in at.pairs {
        if *n == pg.offset_param {
            ser.append_pair(n, &end.to_string());
        } else if *n == pg.count_param {
            ser.append_pair(n, &count.to_string());
        } else {
            ser.append_pair(n, v);
        }
    }
    if !at.pairs.iter().any(|(n, _)| *n == pg.offset_param) {
        ser.append_pair(&pg.offset_param, &end.to_string());
    }
    format!("{}{}?{}", at.base_url, at.raw_path, ser.finish())
}

/// The `Link` header of a `link` page: `first`, `prev` (past the first page) and `next` (when
/// there are more items), absolute URLs to the simulator. Without a page-number parameter in
/// the spec, pages are linked by an opaque `after` cursor the simulator mints.
fn link_header(pg: &Pagination, at: &At<'_>, window: Window, more: bool) -> Option<String> {
    let numbered = !pg.offset_param.is_empty();
    let url = |start: usize| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        // The request's other parameters first, then size, then page: not the client's order.
        for (n, v) in at.pairs.iter().filter(|(n, _)| *n != pg.offset_param && *n != pg.count_param) {
            ser.append_pair(n, v);
        }
        if !pg.count_param.is_empty() {
            ser.append_pair(&pg.count_param, &window.count.to_string());
        }
        if numbered {
            let page = i64::try_from(start / window.count.max(1)).unwrap_or(i64::MAX).saturating_add(pg.first_page);
            ser.append_pair(&pg.offset_param, &page.to_string());
        }
        format!("{}{}?{}", at.base_url, at.raw_path, ser.finish())
    };
    if !numbered {
        // Nothing to number pages by: the simulator cannot serve a later page, so it links none.
        return None;
    }
    let mut links = vec![format!("<{}>; rel=\"first\"", url(0))];
    if window.start > 0 {
        links.push(format!("<{}>; rel=\"prev\"", url(window.start.saturating_sub(window.count))));
    }
    if more {
        links.push(format!("<{}>; rel=\"next\"", url(window.start + window.count)));
    }
    Some(links.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        for start in [0, 3, 30, 12_345] {
            assert_eq!(read_cursor("a.list", &mint_cursor("a.list", start)), Some(start));
            assert_eq!(read_cursor("b.list", &mint_cursor("a.list", start)), None, "another operation's cursor");
        }
        for junk in ["", "cur_", "cur_3", "cur_zz_00000000", "3", "cur_28_00000000"] {
            assert_eq!(read_cursor("a.list", junk), None, "{junk}");
        }
    }
}
