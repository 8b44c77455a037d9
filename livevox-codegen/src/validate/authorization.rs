//! Rules for `authorization`: the kind, keys that belong to another kind, header names,
//! `expired_status`, OAUTH2's `token_url` and scopes, OAUTH's signature method, and LIVEVOX's
//! `login` (its operation, `auth: access_token`, a body of credentials, the session id field).

use super::*;

impl Validator {
    pub(super) fn authorization(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let (doc, auth) = (a.doc, &a.api.authorization);
        let Some(kind) = self.word(doc, "authorization.kind", &auth.kind) else {
            return;
        };
        use AuthKind::{Bearer, LiveVox, OAuth, OAuth2};

        // Keys that only some kinds use: a key for another kind is a mistake, not a no-op.
        let present: [(&str, bool, &[AuthKind]); 8] = [
            ("login", auth.login.is_some(), &[LiveVox]),
            ("session_header", auth.session_header.is_some(), &[LiveVox]),
            ("expired_status", auth.expired_status.is_some(), &[LiveVox]),
            ("header", auth.header.is_some(), &[Bearer, OAuth2]),
            ("prefix", auth.prefix.is_some(), &[Bearer, OAuth2]),
            ("token_url", auth.token_url.is_some(), &[OAuth2]),
            ("scopes", !auth.scopes.is_empty(), &[OAuth2]),
            ("signature_method", auth.signature_method.is_some(), &[OAuth]),
        ];
        for (key, is_present, kinds) in present {
            if is_present && !kinds.contains(&kind) {
                let list = kinds.iter().map(|k| format!("`{}`", k.word())).collect::<Vec<_>>().join(" and ");
                self.err(doc, &format!("authorization.{key}"), format!("`{key}` applies to authorization {list} only, not `{}`", kind.word()));
            }
        }

        let header = |v: &mut Self, path: &str, name: &str| {
            if !is_header_name(name) {
                v.err(doc, path, format!("`{name}` is not a valid HTTP header name (letters, digits and `!#$%&'*+-.^_|~`, no spaces)"));
            }
        };
        match kind {
            LiveVox => {
                match &auth.session_header {
                    Some(h) => header(self, "authorization.session_header", h),
                    None => self.err(
                        doc,
                        "authorization",
                        "authorization `LIVEVOX` needs `session_header`, the header that carries the session id (`LV-Session` for LiveVox)",
                    ),
                }
                if let Some(status) = auth.expired_status {
                    if !(400..=599).contains(&status) {
                        self.err(doc, "authorization.expired_status", format!("`expired_status` is an error status (400 to 599), not {status}"));
                    }
                }
                if let Some(login) = &auth.login {
                    header(self, "authorization.login.access_header", &login.access_header);
                    self.login(a, members, types);
                }
            }
            Bearer | OAuth2 => {
                if let Some(h) = &auth.header {
                    header(self, "authorization.header", h);
                }
                if let Some(p) = &auth.prefix {
                    if p.chars().any(|c| c.is_control()) {
                        self.err(doc, "authorization.prefix", "the prefix holds a control character");
                    }
                }
                if kind == OAuth2 {
                    match &auth.token_url {
                        Some(url) => {
                            self.url(doc, "authorization.token_url", url);
                        }
                        // A token the caller obtains elsewhere is what BEARER is for; OAUTH2
                        // means this client runs the client-credentials grant itself.
                        None => self.err(
                            doc,
                            "authorization",
                            "authorization `OAUTH2` needs `token_url`, the token endpoint of the client-credentials grant; for a token the caller supplies, use `BEARER`",
                        ),
                    }
                    for (i, scope) in auth.scopes.iter().enumerate() {
                        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
                            self.err(doc, &format!("authorization.scopes.{i}"), format!("`{scope}` is not a scope: scopes are non-empty and have no spaces"));
                        }
                    }
                }
            }
            OAuth => {
                if let Some(m) = &auth.signature_method {
                    // RSA-SHA1 and PLAINTEXT are OAuth 1.0 methods (RFC 5849 §3.4) that the
                    // client does not implement: "unsupported", not "unknown" with a suggestion.
                    if matches!(m, Word::Unknown(w) if ["RSA-SHA1", "PLAINTEXT"].contains(&w.as_str())) {
                        self.err(
                            doc,
                            "authorization.signature_method",
                            format!("signature method `{m}` is not supported; the client signs with {} only", quoted_list(&SignatureMethod::words())),
                        );
                    } else {
                        self.word(doc, "authorization.signature_method", m);
                    }
                }
            }
            _ => {}
        }
    }

    /// LIVEVOX `login`: the operation exists in this API, sends the access token, and answers
    /// with a model holding the session id.
    pub(super) fn login(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let doc = a.doc;
        let Some(login) = &a.api.authorization.login else { return };
        let path = "authorization.login.operation";
        let Some((cat_name, op_name)) = login.operation.split_once('.') else {
            self.err(doc, path, format!("`{}` is not `category.operation` (e.g. `session.login`)", login.operation));
            return;
        };
        let Some(&(cat_doc, cat)) = members.iter().find(|(_, c)| c.category == cat_name) else {
            let names = members.iter().map(|(_, c)| c.category.as_str());
            self.err(doc, path, with_suggestion(format!("API `{}` has no category `{cat_name}`", a.api.api), cat_name, names));
            return;
        };
        let Some(op) = cat.operations.get(op_name) else {
            self.err(
                doc,
                path,
                with_suggestion(format!("category `{cat_name}` has no operation `{op_name}`"), op_name, cat.operations.keys().map(String::as_str)),
            );
            return;
        };
        if !op.auth.as_ref().is_some_and(|a| a.is(AuthNeed::AccessToken)) {
            self.err(
                doc,
                path,
                format!("the login operation `{}` must have `auth: access_token`: it sends the access token, since there is no session yet", login.operation),
            );
        }
        self.login_body(doc, &login.operation, (cat_doc, &format!("operations.{op_name}")), op, types);
        let field_path = "authorization.login.session_id_field";
        let model = op
            .response
            .as_ref()
            .and_then(|r| r.ty.as_ref())
            .and_then(TypeText::expr)
            .and_then(|t| types.direct_model(t));
        match model {
            None => self.err(
                doc,
                field_path,
                format!("the login operation `{}` must answer with a model that holds `{}`", login.operation, login.session_id_field),
            ),
            Some((model_name, m)) => match m.fields.get(&login.session_id_field) {
                None => self.err(
                    doc,
                    field_path,
                    with_suggestion(
                        format!("`{model_name}`, the login response, has no field `{}`", login.session_id_field),
                        &login.session_id_field,
                        m.fields.keys().map(String::as_str),
                    ),
                ),
                Some(f) => {
                    if f.ty.expr() != Some(&TypeExpr::Prim(Prim::String)) {
                        self.err(doc, field_path, format!("the session id field `{}` must be a `string`, not `{}`", login.session_id_field, f.ty));
                    }
                }
            },
        }
    }

    /// The login body holds the credentials, each field found by its type (lowering assigns the
    /// roles, `ir::LoginFields`): one secret string (the password), one or two other strings
    /// (the client code, then the user name), at most one bool (the agent flag), nothing else.
    /// A body `type` that is not a model is left to the operation's own rules.
    fn login_body(&mut self, doc: &LoadedDoc, operation: &str, (op_doc, op_path): (&LoadedDoc, &str), op: &OperationDef, types: &Types<'_>) {
        let body = op.body.as_ref();
        let fields = match body.map(|b| (&b.ty, &b.fields)) {
            Some((Some(t), _)) => match t.expr().and_then(|t| types.direct_model(t)) {
                Some((name, model)) => types.all_fields(name, model),
                None => return,
            },
            Some((None, Some(fields))) => std::borrow::Cow::Borrowed(fields),
            _ => std::borrow::Cow::Owned(IndexMap::new()),
        };
        let (mut secrets, mut strings, mut bools, mut others) = (0, 0, 0, Vec::new());
        for (wire, f) in fields.iter() {
            match f.ty.expr() {
                Some(TypeExpr::Prim(Prim::String)) if f.secret => secrets += 1,
                Some(TypeExpr::Prim(Prim::String)) => strings += 1,
                Some(TypeExpr::Prim(Prim::Bool)) => bools += 1,
                _ => others.push(format!("`{wire}` of type `{}`", f.ty.text().trim())),
            }
        }
        let count = |n: usize, what: &str| match n {
            0 => format!("no {what}"),
            n => format!("{n} {what}s"),
        };
        let mut wrong = others;
        if secrets != 1 {
            wrong.push(count(secrets, "secret string"));
        }
        if !(1..=2).contains(&strings) {
            wrong.push(count(strings, "other string"));
        }
        if bools > 1 {
            wrong.push(count(bools, "bool"));
        }
        if wrong.is_empty() {
            return;
        }
        let at = if body.is_some() { format!("{op_path}.body") } else { op_path.to_string() };
        self.err(
            doc,
            "authorization.login.operation",
            format!(
                "the body of `{operation}` ({}) must hold the credentials a login sends: one secret string (the password), \
                 one or two other strings (the client code, then the user name), at most one bool (the agent flag) \
                 and nothing else; it has {}",
                place(doc, op_doc, &at),
                wrong.join(", ")
            ),
        );
    }
}
