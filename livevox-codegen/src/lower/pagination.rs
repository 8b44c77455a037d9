//! Lowering of an operation's `pagination`: the style and everything the walk needs (the
//! paging parameters and their starting values, where the items are, how the last page is
//! recognised) decided here once, so the emitter and the simulator only read the decisions.

use super::Ctx;
use crate::ir::*;
use crate::naming;
use crate::spec;

/// The pagination of an operation; marks the paging controls among `query` with their role and
/// starting value (the offset or page number, and the page size).
pub(super) fn lower_pagination(ctx: &mut Ctx<'_>, base: &str, p: &spec::PaginationDef, response: &Response, query: &mut [Param]) -> Option<Pagination> {
    let style = p.style.as_ref().and_then(|s| s.known()).unwrap_or(PageStyle::Offset);
    let (offset_param, count_param) = match style {
        PageStyle::Offset => (p.offset.clone().unwrap_or_else(|| "offset".into()), p.count.clone().unwrap_or_else(|| "count".into())),
        PageStyle::Page => (p.page.clone().unwrap_or_else(|| "page".into()), p.size.clone().unwrap_or_else(|| "per_page".into())),
        // Ordinary parameters the caller sets, named for the simulator and the export.
        PageStyle::Cursor => (String::new(), p.size.clone().unwrap_or_default()),
        PageStyle::Link => (p.page.clone().unwrap_or_default(), p.size.clone().unwrap_or_default()),
    };
    let first_page = match style {
        PageStyle::Page => p.first.unwrap_or(1),
        PageStyle::Link if p.page.is_some() => p.first.unwrap_or(1),
        _ => 0,
    };
    let default_of = |q: &Param| q.default.as_ref().and_then(|d| d.as_i64());
    for q in query.iter_mut().filter(|_| matches!(style, PageStyle::Offset | PageStyle::Page)) {
        if q.wire_name == offset_param {
            q.role = ParamRole::PageOffset;
            q.page_start = Some(default_of(q).unwrap_or(first_page));
        } else if q.wire_name == count_param {
            q.role = ParamRole::PageCount;
            // The page size a walk starts with: the spec's cap, else the documented default.
            q.page_start = Some(p.max_count.map(i64::from).or_else(|| default_of(q)).unwrap_or(100));
        }
    }
    let cursor_param = (style == PageStyle::Cursor).then(|| {
        let wire = p.cursor.clone().unwrap_or_else(|| "cursor".into());
        let rust = query.iter().find(|q| q.wire_name == wire).map(|q| q.rust_name.clone()).unwrap_or_else(|| naming::field(&wire, None));
        (wire, rust)
    });
    let next_field = match style {
        PageStyle::Cursor => p.cursor_field.clone().unwrap_or_else(|| "next_cursor".into()),
        PageStyle::Page | PageStyle::Link => String::new(),
        PageStyle::Offset => p.next.clone().unwrap_or_else(|| "next".into()),
    };
    let end = match style {
        PageStyle::Offset => p.end.as_ref().and_then(|e| e.known()).unwrap_or(PageEnd::NextAbsent),
        PageStyle::Page => PageEnd::ShortPage,
        PageStyle::Cursor | PageStyle::Link => PageEnd::NextAbsent,
    };
    let mut out = Pagination {
        offset_param,
        count_param,
        items_field: String::new(),
        items_rust_name: String::new(),
        item_ty: Type::Prim(crate::types::Prim::Json),
        items_required: true,
        next_field,
        next: None,
        max_count: p.max_count,
        end,
        style,
        first_page,
        bare_array: p.items.is_none(),
        cursor_param,
    };
    let Some(items) = &p.items else {
        // The whole body is the array of items.
        return match &response.ty {
            Some(Type::Array(t)) => Some(Pagination { item_ty: (**t).clone(), ..out }),
            _ => {
                ctx.error(&format!("{base}.pagination"), "pagination without `items` needs a response whose type is an array".into());
                None
            }
        };
    };
    let model_name = match &response.ty {
        Some(Type::Model(r)) => r.wire_name.clone(),
        _ => {
            ctx.error(&format!("{base}.pagination"), "pagination needs a response model".into());
            return None;
        }
    };
    let model_def = ctx.types.model(&model_name);
    let items_def = model_def.and_then(|m| m.fields.get(items)).cloned();
    // Offset style reads the next link (when the end rule says so), cursor style the cursor.
    out.next = match style {
        PageStyle::Page | PageStyle::Link => None,
        _ => model_def
            .and_then(|m| m.fields.get(&out.next_field))
            .map(|f| (naming::field(&out.next_field, f.rust_name.as_deref()), f.required)),
    };
    let Some(items_def) = items_def else {
        ctx.error(&format!("{base}.pagination.items"), format!("`{model_name}` has no field `{items}`"));
        return None;
    };
    out.item_ty = match ctx.resolve(&format!("{base}.pagination.items"), &items_def.ty, false) {
        Type::Array(t) => *t,
        _ => {
            ctx.error(&format!("{base}.pagination.items"), format!("`{items}` is not an array"));
            return None;
        }
    };
    out.items_rust_name = naming::field(items, items_def.rust_name.as_deref());
    out.items_field = items.clone();
    out.items_required = items_def.required;
    Some(out)
}
