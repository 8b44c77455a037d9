//! The page fetches of auto-pagination ([`Fetched`], [`fetch_body`], [`fetch_linked`]) and the
//! `Link` response header of the `link` pagination style: RFC 8288 parsing (several links in one
//! value or in several header lines, quoted or bare `rel`, several relation types in one `rel`,
//! parameters in any order, commas inside quoted strings and inside `<...>`), relative targets
//! resolved against the URL of the request that got the page, and a next URL on another origin
//! than the client's base URL refused with [`Error::Paging`] (following it would send the
//! client's credentials to another server).

/// A page's URL, as the `link` style follows it.
pub use url::Url;

use super::pending::Decode;
use super::{Answering, Call, Error};

/// One page as a walk receives it: the decoded body and, for the `link` style, the URL of the
/// next page (already resolved and checked), `None` when the response links no next page, or
/// the error that refuses the link (yielded after the page).
#[derive(Debug)]
pub struct Fetched<P> {
    /// The decoded page.
    pub page: P,
    /// The next page's URL from the `Link` header (`link` style only).
    pub next_url: Result<Option<Url>, Error>,
}

/// Sends a request builder for one page of a style that reads the body only (offset, page
/// number, cursor): the builder's own call, boxed once per page.
pub fn fetch_body<R: Call>(request: R) -> crate::__rt::BoxFuture<Result<Fetched<R::Output>, Error>> {
    Box::pin(async move { request.call().await.map(|page| Fetched { page, next_url: Ok(None) }) })
}

/// Sends one page of a `link`-style walk: `request` as built (the first page), or the same
/// operation at `next_url` exactly as the previous page's `Link` header gave it. The answer's
/// `Link` header gives the next URL.
pub fn fetch_linked<R: Call>(request: R, next_url: Option<Url>) -> crate::__rt::BoxFuture<Result<Fetched<R::Output>, Error>> {
    let (client, mut request) = request.prepare();
    Box::pin(async move {
        let op = request.op;
        let base = client.base();
        let this_url = match next_url {
            Some(url) => url,
            None => request.url(base)?,
        };
        request.follow(this_url.clone());
        let (page, meta) = Answering::new(client.clone(), request, <R::Decode as Decode<R::Output>>::read).await?;
        let values: Vec<&str> = meta.headers().get_all(http::header::LINK).iter().filter_map(|v| v.to_str().ok()).collect();
        let paging = |message: String| Error::Paging { operation: op.name, message };
        let next_url = next_link(&values, &this_url).map_err(paging).and_then(|next| match next {
            Some(next) if next.origin() != base.origin() => Err(paging(format!(
                "the `Link` header's next page is on another server ({}), not the client's base URL ({}); it is not followed",
                next.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            ))),
            next => Ok(next),
        });
        Ok(Fetched { page, next_url })
    })
}

/// The target of the first link with the relation type `next` among the `Link` header values,
/// resolved against `request_url`; `None` when no link has it.
pub(crate) fn next_link(values: &[&str], request_url: &Url) -> Result<Option<Url>, String> {
    for value in values {
        for link in parse_links(value)? {
            if link.rels.iter().any(|r| r.eq_ignore_ascii_case("next")) {
                return request_url.join(&link.target).map(Some).map_err(|e| format!("the `Link` header's next page `{}` is not a URL: {e}", link.target));
            }
        }
    }
    Ok(None)
}

/// One link of a `Link` header value: its target as written and its relation types.
#[derive(Debug, PartialEq)]
struct Link {
    target: String,
    rels: Vec<String>,
}

/// The links of one `Link` header value (RFC 8288 §3): `<target>` followed by `; name=value`
/// parameters, links separated by commas. Only the first `rel` of a link counts (§3.3).
fn parse_links(value: &str) -> Result<Vec<Link>, String> {
    let bad = |what: &str| format!("the `Link` header `{value}` is malformed: {what}");
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return Ok(out);
        }
        let Some(after_open) = rest.strip_prefix('<') else { return Err(bad("a link does not start with `<`")) };
        let Some(close) = after_open.find('>') else { return Err(bad("a `<` is not closed")) };
        let target = after_open[..close].trim().to_string();
        rest = &after_open[close + 1..];
        let mut rels: Option<Vec<String>> = None;
        loop {
            rest = rest.trim_start();
            let Some(param) = rest.strip_prefix(';') else { break };
            let (name, value, left) = parse_param(param).ok_or_else(|| bad("a parameter's quoted value is not closed"))?;
            rest = left;
            if name.eq_ignore_ascii_case("rel") && rels.is_none() {
                rels = Some(value.split_ascii_whitespace().map(str::to_string).collect());
            }
        }
        match rest.chars().next() {
            None | Some(',') => {}
            Some(_) => return Err(bad("unexpected text after a link's parameters")),
        }
        out.push(Link { target, rels: rels.unwrap_or_default() });
    }
}

/// One `name[=value]` parameter (after its `;`): the name, the value (unquoted and unescaped)
/// and the text after it. `None` when a quoted value is not closed.
fn parse_param(text: &str) -> Option<(String, String, &str)> {
    let text = text.trim_start();
    let name_end = text.find(|c: char| c == '=' || c == ';' || c == ',' || c.is_ascii_whitespace()).unwrap_or(text.len());
    let name = text[..name_end].to_string();
    let rest = text[name_end..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else { return Some((name, String::new(), rest)) };
    let rest = rest.trim_start();
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => value.extend(chars.next().map(|(_, c)| c)),
                '"' => return Some((name, value, &quoted[i + 1..])),
                c => value.push(c),
            }
        }
        return None;
    }
    let end = rest.find([';', ',']).unwrap_or(rest.len());
    Some((name, rest[..end].trim().to_string(), &rest[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(values: &[&str], at: &str) -> Result<Option<String>, String> {
        next_link(values, &Url::parse(at).unwrap()).map(|u| u.map(String::from))
    }

    #[test]
    fn finds_next_among_several_links_and_lines() {
        let at = "https://h.example/repos/o/r/issues?page=1";
        let v = r#"<https://h.example/repos/o/r/issues?page=2>; rel="next", <https://h.example/repos/o/r/issues?page=9>; rel="last""#;
        assert_eq!(next(&[v], at).unwrap().as_deref(), Some("https://h.example/repos/o/r/issues?page=2"));
        let first = r#"<https://h.example/x?page=9>; rel="last""#;
        let second = r#"<https://h.example/x?page=2>; rel=next"#;
        assert_eq!(next(&[first, second], at).unwrap().as_deref(), Some("https://h.example/x?page=2"), "bare rel, second line");
        assert_eq!(next(&[first], at).unwrap(), None, "no rel=next: the last page");
        assert_eq!(next(&[], at).unwrap(), None);
    }

    #[test]
    fn several_rels_case_params_in_any_order_and_commas_in_quotes() {
        let at = "https://h.example/a";
        let v = r#"<https://h.example/b?x=1,2>; title="a, b; c"; rel="prev NEXT""#;
        assert_eq!(next(&[v], at).unwrap().as_deref(), Some("https://h.example/b?x=1,2"));
        let only_first_rel = r#"<https://h.example/c>; rel=prev; rel=next"#;
        assert_eq!(next(&[only_first_rel], at).unwrap(), None, "RFC 8288 3.3: only the first rel counts");
        let escaped = r#"<https://h.example/d>; title="say \"hi\""; rel="next""#;
        assert_eq!(next(&[escaped], at).unwrap().as_deref(), Some("https://h.example/d"));
    }

    #[test]
    fn relative_targets_resolve_against_the_request_url() {
        let at = "https://h.example/repos/o/r/issues?page=1";
        assert_eq!(next(&[r#"</repos/o/r/issues?page=2>; rel="next""#], at).unwrap().as_deref(), Some("https://h.example/repos/o/r/issues?page=2"));
        assert_eq!(next(&[r#"<?page=3>; rel="next""#], at).unwrap().as_deref(), Some("https://h.example/repos/o/r/issues?page=3"));
        assert_eq!(next(&[r#"<issues2>; rel="next""#], at).unwrap().as_deref(), Some("https://h.example/repos/o/r/issues2"));
    }

    #[test]
    fn malformed_values_are_errors_not_guesses() {
        let at = "https://h.example/";
        for v in [r#"https://h.example/2; rel="next""#, r#"<https://h.example/2; rel="next""#, r#"<https://h.example/2>; rel="next"#, "<a> junk"] {
            assert!(next(&[v], at).unwrap_err().contains("malformed"), "{v}");
        }
    }
}
