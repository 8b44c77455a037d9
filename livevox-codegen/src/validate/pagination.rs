//! Rules for `pagination`: the `style` and the keys each style reads (`offset`/`count`/`end`/
//! `next` for `offset`, `page`/`size`/`first` for `page`, `cursor`/`cursor_field` (and `size`)
//! for `cursor`, `page`/`size`/`first` naming ordinary parameters for `link`), the paging query
//! parameters (required integers; an optional string cursor),
//! the items (a field of the response model that is an array, or the whole body being an array)
//! and the next-page or cursor field of the response model.

use super::*;
use crate::ir::PageStyle;
use crate::spec::PaginationDef;

/// The query parameters a walk sets itself, with their role (`offset`, `count`, `page`, `size`)
/// and the least value each may start from: the generated client gives them defaults.
pub(super) fn paging_params(p: &PaginationDef) -> Vec<(&str, &'static str, i64)> {
    match p.style.as_ref().and_then(Word::known).unwrap_or(PageStyle::Offset) {
        PageStyle::Offset => vec![(p.offset.as_deref().unwrap_or("offset"), "offset", 0), (p.count.as_deref().unwrap_or("count"), "count", 1)],
        PageStyle::Page => vec![(p.page.as_deref().unwrap_or("page"), "page", p.first.unwrap_or(1)), (p.size.as_deref().unwrap_or("per_page"), "size", 1)],
        PageStyle::Cursor | PageStyle::Link => Vec::new(),
    }
}

impl Validator {
    pub(super) fn pagination(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, p: &PaginationDef, response: Option<&Response>, types: &Types<'_>) {
        let path = format!("{base}.pagination");
        let style = match &p.style {
            None => Some(PageStyle::Offset),
            Some(s) => self.word(doc, &format!("{path}.style"), s),
        };
        let Some(style) = style else { return };
        self.keys_of_style(doc, &path, p, style);
        if p.max_count == Some(0) {
            self.err(doc, &format!("{path}.max_count"), "`max_count` must be at least 1");
        }
        let end = match (style, &p.end) {
            (PageStyle::Offset, None) => {
                self.err(doc, &path, "`offset` pagination needs `end`: `next_absent`, `short_page` or `next_absent_or_short_page`");
                None
            }
            (PageStyle::Offset, Some(end)) => self.word(doc, &format!("{path}.end"), end),
            _ => None,
        };
        if style == PageStyle::Page && p.first.is_some_and(|f| f < 0) {
            self.err(doc, &format!("{path}.first"), "the first page number is 0 or more");
        }
        if style == PageStyle::Link && !op.method.is(Method::Get) {
            self.err(doc, &format!("{path}.style"), "`link` pagination follows the next URL with a GET, so the operation must be a GET");
        }
        let names = paging_params(p);
        for (i, &(name, role, _)) in names.iter().enumerate() {
            let key_path = [(&p.offset, "offset"), (&p.count, "count"), (&p.page, "page"), (&p.size, "size")]
                .iter()
                .find(|(given, key)| *key == role && given.is_some())
                .map_or_else(|| path.clone(), |(_, key)| format!("{path}.{key}"));
            if names[..i].iter().any(|(n, _, _)| *n == name) {
                self.err(doc, &key_path, format!("the {} and {role} parameters cannot both be `{name}`", names[0].1));
                continue;
            }
            self.paging_param(doc, base, &key_path, op, p, name, role);
        }
        if style == PageStyle::Cursor {
            self.cursor_param(doc, base, &path, op, p);
        }
        if matches!(style, PageStyle::Cursor | PageStyle::Link) {
            // Ordinary parameters the caller sets; named so the simulator and the export know them.
            for (key, given) in [("page", &p.page), ("size", &p.size)] {
                if let Some(name) = given {
                    self.named_integer_param(doc, &format!("{path}.{key}"), op, name, key);
                }
            }
        }
        if let Some(response) = response {
            self.page_body(doc, &path, p, style, end, response, types);
        }
    }

    /// A key that the style does not read is a mistake (most likely a wrong `style`).
    fn keys_of_style(&mut self, doc: &LoadedDoc, path: &str, p: &PaginationDef, style: PageStyle) {
        let keys: [(&str, bool, &[PageStyle]); 10] = [
            ("offset", p.offset.is_some(), &[PageStyle::Offset]),
            ("count", p.count.is_some(), &[PageStyle::Offset]),
            ("end", p.end.is_some(), &[PageStyle::Offset]),
            ("next", p.next.is_some(), &[PageStyle::Offset]),
            ("page", p.page.is_some(), &[PageStyle::Page, PageStyle::Link]),
            ("size", p.size.is_some(), &[PageStyle::Page, PageStyle::Cursor, PageStyle::Link]),
            ("first", p.first.is_some(), &[PageStyle::Page, PageStyle::Link]),
            ("max_count", p.max_count.is_some(), &[PageStyle::Offset, PageStyle::Page]),
            ("cursor", p.cursor.is_some(), &[PageStyle::Cursor]),
            ("cursor_field", p.cursor_field.is_some(), &[PageStyle::Cursor]),
        ];
        for (key, given, styles) in keys {
            if given && !styles.contains(&style) {
                let with: Vec<&str> = styles.iter().map(|s| s.word()).collect();
                self.err(
                    doc,
                    &format!("{path}.{key}"),
                    format!("`{key}` is read only with `style: {}`, not with `style: {}`", with.join("` or `style: "), style.word()),
                );
            }
        }
    }

    /// An offset, count, page or size parameter: a required integer of the query.
    #[allow(clippy::too_many_arguments)]
    fn paging_param(&mut self, doc: &LoadedDoc, base: &str, key_path: &str, op: &OperationDef, p: &PaginationDef, name: &str, role: &str) {
        let what = match role {
            "offset" => "where the page starts",
            "page" => "the page number",
            _ => "the page size",
        };
        let Some(q) = op.query.get(name) else {
            let message = format!("pagination needs a query parameter `{name}` ({what}), declared in `query` as a required integer");
            self.err(doc, key_path, with_suggestion(message, name, op.query.keys().map(String::as_str)));
            return;
        };
        let qpath = format!("{base}.query.{name}");
        match q.ty.parsed() {
            Ok(&TypeExpr::Prim(prim)) if prim.is_integer() => {
                let sized = matches!(role, "count" | "size");
                if sized && prim == Prim::Int32 && p.max_count.is_some_and(|m| i32::try_from(m).is_err()) {
                    self.err(doc, &format!("{base}.pagination.max_count"), format!("`max_count` does not fit the `int32` {role} parameter"));
                }
            }
            Ok(_) => self.err(
                doc,
                &format!("{qpath}.type"),
                format!("the pagination {role} parameter `{name}` must be an integer (`int32` or `int64`), not `{}`", q.ty.text().trim()),
            ),
            Err(_) => {} // reported with the parameter
        }
        if !q.required {
            self.err(doc, &qpath, format!("the pagination {role} parameter `{name}` must be `required: true`: every page request sends it"));
        }
    }

    /// A page-number or page-size parameter the `cursor` and `link` styles name without setting
    /// it: an integer of the query.
    fn named_integer_param(&mut self, doc: &LoadedDoc, key_path: &str, op: &OperationDef, name: &str, key: &str) {
        match op.query.get(name) {
            None => {
                let message = format!("`{key}` names the query parameter `{name}`, but the operation has no such parameter");
                self.err(doc, key_path, with_suggestion(message, name, op.query.keys().map(String::as_str)));
            }
            Some(q) => {
                if q.ty.parsed().is_ok_and(|t| !matches!(t, TypeExpr::Prim(prim) if prim.is_integer())) {
                    self.err(doc, key_path, format!("the {key} parameter `{name}` must be an integer (`int32` or `int64`), not `{}`", q.ty.text().trim()));
                }
            }
        }
    }

    /// The cursor parameter: an optional string of the query (the first request has no cursor).
    fn cursor_param(&mut self, doc: &LoadedDoc, base: &str, path: &str, op: &OperationDef, p: &PaginationDef) {
        let name = p.cursor.as_deref().unwrap_or("cursor");
        let key_path = if p.cursor.is_some() { format!("{path}.cursor") } else { path.to_string() };
        let Some(q) = op.query.get(name) else {
            let message = format!("cursor pagination sends the cursor back in a query parameter `{name}`, declared in `query` as an optional string");
            self.err(doc, &key_path, with_suggestion(message, name, op.query.keys().map(String::as_str)));
            return;
        };
        let qpath = format!("{base}.query.{name}");
        if q.ty.parsed().is_ok_and(|t| *t != TypeExpr::Prim(Prim::String)) {
            self.err(doc, &format!("{qpath}.type"), format!("the cursor parameter `{name}` must be a `string`, not `{}`", q.ty.text().trim()));
        }
        if q.required {
            self.err(doc, &qpath, format!("the cursor parameter `{name}` cannot be `required`: the first page is asked for without a cursor"));
        }
    }

    /// The response: its items (a field of the model, or the whole body) and the next-page or
    /// cursor field the style reads.
    #[allow(clippy::too_many_arguments)]
    fn page_body(&mut self, doc: &LoadedDoc, path: &str, p: &PaginationDef, style: PageStyle, end: Option<PageEnd>, response: &Response, types: &Types<'_>) {
        let Some(items) = &p.items else {
            // The whole body is the array.
            if !matches!(response.ty, Some(TypeExpr::Array(_))) || response.format != ResponseFormat::Json {
                let found = response.ty.as_ref().map_or_else(|| "no body type".to_string(), |t| format!("`{t}`"));
                self.err(
                    doc,
                    path,
                    format!("without `items`, the whole response body is the page's items, so the response `type` must be an `array<...>`, not {found}; name the items field with `items:` otherwise"),
                );
            } else if style == PageStyle::Cursor {
                self.err(doc, path, "`cursor` pagination reads the cursor from a field of the response, so the body cannot be a bare array; name the items field with `items:`");
            } else if end.is_some_and(|e| e != PageEnd::ShortPage) {
                self.err(doc, &format!("{path}.end"), "a bare array has no next-page field; use `end: short_page`, or `style: link` for a `Link` header");
            }
            return;
        };
        let model = response.ty.as_ref().and_then(|t| types.direct_model(t));
        let Some((model_name, model)) = model else {
            if response.ty.is_some() || response.format != ResponseFormat::Json {
                self.err(doc, path, "pagination needs a response whose `type` is a model holding the page's items");
            }
            return;
        };
        let all = types.all_fields(model_name, model);
        let fields = || all.keys().map(String::as_str);
        match all.get(items) {
            None => self.err(doc, &format!("{path}.items"), with_suggestion(format!("`{model_name}` has no field `{items}`"), items, fields())),
            Some(f) => {
                if !matches!(f.ty.expr(), Some(TypeExpr::Array(_))) {
                    self.err(doc, &format!("{path}.items"), format!("the items field `{items}` of `{model_name}` must be an `array<...>`, not `{}`", f.ty.text().trim()));
                }
            }
        }
        let (next, next_path, rule) = match (style, end) {
            (PageStyle::Cursor, _) => {
                let next = p.cursor_field.as_deref().unwrap_or("next_cursor");
                let key_path = if p.cursor_field.is_some() { format!("{path}.cursor_field") } else { path.to_string() };
                (next, key_path, "`cursor` pagination reads the cursor field".to_string())
            }
            (PageStyle::Offset, Some(end)) if end != PageEnd::ShortPage => {
                let next = p.next.as_deref().unwrap_or("next");
                let key_path = if p.next.is_some() { format!("{path}.next") } else { format!("{path}.end") };
                (next, key_path, format!("`end: {}` reads the next-page field", end.word()))
            }
            (PageStyle::Offset, Some(_)) => {
                if p.next.is_some() {
                    self.err(doc, &format!("{path}.next"), "`next` is read only with `end: next_absent` or `next_absent_or_short_page`, not `short_page`");
                }
                return;
            }
            _ => return,
        };
        match all.get(next) {
            None => {
                let message = format!("{rule} `{next}`, but `{model_name}` has no such field; add it, or name the field");
                self.err(doc, &next_path, with_suggestion(message, next, fields()));
            }
            Some(f) => {
                if f.ty.expr() != Some(&TypeExpr::Prim(Prim::String)) {
                    self.err(doc, &next_path, format!("the next-page field `{next}` must be a `string`, not `{}`", f.ty.text().trim()));
                }
                if f.required {
                    self.err(doc, &next_path, format!("the next-page field `{next}` is absent on the last page, so it cannot be `required`"));
                }
            }
        }
    }
}
