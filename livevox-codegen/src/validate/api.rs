//! Rules for the API document: name, `type`, `service`, `base_url`/`environments` (absolute
//! `https://` URLs, LIVEVOX hosts), `default_environment`, `headers` and their `${placeholders}`,
//! and `errors`.

use super::*;

impl Validator {
    pub(super) fn api(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let (doc, api) = (a.doc, a.api);
        if api.api.trim().is_empty() {
            self.err(doc, "api", "the API name is empty");
        }
        if let Some(Word::Unknown(kind)) = &api.kind {
            self.err(doc, "type", format!("unsupported API type `{kind}`; the only supported type is `api`"));
        }
        if let Some(module) = &api.module {
            self.module_name(doc, "module", module);
        }
        self.api_time_format(doc, api);
        if let Some(service) = api.service {
            if service <= 0 {
                self.err(doc, "service", format!("a LiveVox service id is a positive number, not {service}"));
            }
        }

        // Where the API lives.
        match (&api.base_url, api.environments.is_empty()) {
            (Some(_), false) => self.err(doc, "environments", "an API has either `base_url` (one URL) or `environments` (named URLs), not both"),
            (None, true) => self.err(doc, "", "the API needs `base_url` (one URL) or `environments` (named URLs)"),
            _ => {}
        }
        let auth_kind = a.kind();
        let livevox = auth_kind == Some(AuthKind::LiveVox);
        let mut urls: Vec<(String, &str)> = Vec::new();
        if let Some(url) = &api.base_url {
            urls.push(("base_url".into(), url));
        }
        let mut variants = Namespace::default();
        for (name, url) in &api.environments {
            let path = format!("environments.{name}");
            urls.push((path.clone(), url));
            if !has_word(name) {
                self.err(doc, &path, format!("environment name `{name}` has no letters or digits to make a Rust variant from"));
            } else if let Some(m) = variants.claim(doc, &path, &naming::camel(name), format!("environment `{name}`")) {
                self.err(doc, &path, format!("{m} (variants of `Environment`); rename one of them"));
            }
        }
        for (path, url) in &urls {
            let host = self.url(doc, path, url);
            if livevox {
                if let Some(host) = host {
                    if !host.to_ascii_lowercase().contains("livevox") {
                        self.err(
                            doc,
                            path,
                            format!("authorization `LIVEVOX` sends LiveVox credentials, so LiveVox Functions allows it only for LiveVox hosts; `{host}` is not one (its name does not contain `livevox`)"),
                        );
                    }
                }
            }
        }
        if let Some(default) = &api.default_environment {
            if api.environments.is_empty() {
                self.err(
                    doc,
                    "default_environment",
                    "`default_environment` names one of `environments`; with `base_url` the single environment is already the default",
                );
            } else if !api.environments.contains_key(default) {
                let names: Vec<&str> = api.environments.keys().map(String::as_str).collect();
                self.err(
                    doc,
                    "default_environment",
                    with_suggestion(
                        format!("no environment is called `{default}`; the environments are {}", quoted_list(&names)),
                        default,
                        names.iter().copied(),
                    ),
                );
            }
        }

        self.authorization(a, members, types);
        self.headers(a);
        self.api_http(a, types);

        if let Some(errors) = &api.errors {
            let mut nonempty = |path: &str, value: &str| {
                if value.trim().is_empty() {
                    self.err(doc, path, "must name a field, element or attribute; it is empty");
                }
            };
            if let Some(j) = &errors.json {
                if let Some(code) = &j.code {
                    nonempty("errors.json.code", code);
                }
                nonempty("errors.json.message", &j.message);
            }
            if let Some(x) = &errors.xml {
                nonempty("errors.xml.element", &x.element);
                nonempty("errors.xml.code", &x.code);
                nonempty("errors.xml.message", &x.message);
            }
        }
    }

    /// Checks a base URL; returns its host when it is usable.
    pub(super) fn url(&mut self, doc: &LoadedDoc, path: &str, text: &str) -> Option<String> {
        let parsed = match url::Url::parse(text) {
            Ok(u) => u,
            Err(e) => {
                let hint = if text.contains("://") { "" } else { " (write it with `https://`)" };
                self.err(doc, path, format!("`{text}` is not an absolute URL: {e}{hint}"));
                return None;
            }
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            self.err(doc, path, format!("`{text}` must be an `https://` URL, not `{}:`", parsed.scheme()));
            return None;
        }
        let Some(host) = parsed.host() else {
            self.err(doc, path, format!("`{text}` has no host"));
            return None;
        };
        if let Some(q) = parsed.query() {
            self.err(doc, path, format!("`{text}` must not have a query string (`?{q}`); query parameters belong to operations"));
        }
        if parsed.fragment().is_some() {
            self.err(doc, path, format!("`{text}` must not have a fragment (`#...`)"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            self.err(doc, path, "a base URL must not hold credentials; they belong to `authorization` and are supplied at run time");
        }
        let loopback = match &host {
            url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            url::Host::Ipv4(ip) => ip.is_loopback(),
            url::Host::Ipv6(ip) => ip.is_loopback(),
        };
        if parsed.scheme() == "http" && !loopback {
            self.err(
                doc,
                path,
                format!("`{text}` must use `https://`: requests carry credentials, so plain `http://` is allowed only for a loopback host (localhost, 127.0.0.1, [::1])"),
            );
        }
        Some(host.to_string())
    }


    pub(super) fn headers(&mut self, a: ApiRef<'_>) {
        let (doc, api) = (a.doc, a.api);
        let auth = &api.authorization;
        // Headers the authorization sets itself; setting them here too would send two values.
        let mut auth_headers: Vec<String> = Vec::new();
        match a.kind() {
            Some(AuthKind::LiveVox) => {
                auth_headers.extend(auth.session_header.clone());
                auth_headers.extend(auth.login.as_ref().map(|l| l.access_header.clone()));
            }
            Some(AuthKind::Bearer | AuthKind::OAuth2) => auth_headers.push(auth.header.clone().unwrap_or_else(|| "Authorization".into())),
            Some(AuthKind::Basic | AuthKind::OAuth) => auth_headers.push("Authorization".into()),
            _ => {}
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut params = Namespace::default();
        for (name, value) in &api.headers {
            let path = format!("headers.{name}");
            if !is_header_name(name) {
                self.err(doc, &path, format!("`{name}` is not a valid HTTP header name (letters, digits and `!#$%&'*+-.^_|~`, no spaces)"));
            }
            let lower = name.to_ascii_lowercase();
            if let Some(first) = seen.get(&lower) {
                self.err(doc, &path, format!("header `{name}` is already set as `{first}` (header names ignore case)"));
            } else {
                seen.insert(lower.clone(), name);
            }
            if let Some(h) = auth_headers.iter().find(|h| h.to_ascii_lowercase() == lower) {
                self.err(doc, &path, format!("`{h}` is set by the `{}` authorization; remove it here", auth.kind));
            }
            if value.chars().any(|c| c.is_control() && c != '\t') {
                self.err(doc, &path, "a header value cannot hold a line break or another control character");
            }
            match placeholders(value) {
                Err(m) => self.err(doc, &path, m),
                Ok(names) => {
                    for p in names {
                        let rust = naming::placeholder_arg(&p);
                        if let Some(m) = params.claim(doc, &path, &rust, format!("placeholder `${{{p}}}`")) {
                            // The same placeholder twice is one value; only different spellings clash.
                            if params.taken.get(&rust).is_some_and(|c| c.what != format!("placeholder `${{{p}}}`")) {
                                self.err(doc, &path, format!("{m}; use one spelling"));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The `${name}` placeholders of a header value, in order; a name may be a dotted path.
pub(super) fn placeholders(value: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("`${{` in `{value}` is not closed with `}}`"));
        };
        let name = &after[..end];
        // A plain name, or a dotted path of them as LiveVox Designer writes its dynamic values.
        if !name.split('.').all(is_ident) {
            return Err(format!(
                "`${{{name}}}` in `{value}` is not a placeholder: the name is letters, digits and `_`, not starting with a digit, \
                 or a `.`-separated path of such names (`${{loginData.agentId}}`)"
            ));
        }
        out.push(name.to_string());
        rest = &after[end + 1..];
    }
    Ok(out)
}
