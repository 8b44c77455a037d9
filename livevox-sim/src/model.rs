//! The spec as the simulator uses it: the IR that `livevox-codegen` lowers `spec/` into (the
//! same one the client is generated from), turned into a route table, a type table, and the
//! roles the session operations play.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use livevox_codegen::ir::{Auth, AuthNeed, Enum, Ir, Method, Model, Operation, ResponseFormat, Type, Union};
use livevox_codegen::load::{self, Source};

use crate::SimError;

include!(concat!(env!("OUT_DIR"), "/embedded_spec.rs"));

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Param(String),
}

/// Path parameters by name, as a request gave them (percent-decoded).
pub(crate) type PathParams = Vec<(String, String)>;

/// The routes a request matches, by index, each with its path parameters.
pub(crate) type Found = Vec<(usize, PathParams)>;

/// One operation and how to recognise its requests.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub op: Operation,
    /// Index of the operation's API in `ir.apis`.
    pub api: usize,
    segments: Vec<Seg>,
}

/// The login operation and the session operations around it, by the roles they play.
#[derive(Debug, Clone)]
pub(crate) struct SessionRoles {
    /// Route index of the login operation.
    pub login: usize,
    pub access_header: String,
    pub session_header: String,
    pub session_id_field: String,
    /// `GET <category>/<x>/{id}` with no body in the login's category: session validation.
    pub validate: Option<usize>,
    /// `DELETE <category>/<x>/{id}` in the login's category: logout.
    pub logout: Option<usize>,
}

/// Everything the simulator knows about the API.
#[derive(Debug)]
pub(crate) struct SimSpec {
    pub ir: Ir,
    pub routes: Vec<Route>,
    models: HashMap<(String, String), Model>,
    enums: HashMap<(String, String), Enum>,
    unions: HashMap<(String, String), Union>,
    pub session: Option<SessionRoles>,
    /// The paths of the OAUTH2 APIs' token endpoints (from `token_url`) and the API index.
    pub token_paths: Vec<(String, usize)>,
}

/// The embedded spec, loaded once per process: every simulator started from it shares it.
pub(crate) fn embedded() -> Result<Arc<SimSpec>, SimError> {
    static SPEC: OnceLock<Result<Arc<SimSpec>, String>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let sources = EMBEDDED_SPEC.iter().map(|(path, text)| Source { display_path: (*path).to_string(), text: (*text).to_string() }).collect();
        from_loaded(load::load_sources(sources).map_err(|d| d.to_string())).map(Arc::new)
    })
    .clone()
    .map_err(SimError::Spec)
}

/// A spec read from a directory of `*.yaml` files.
pub(crate) fn from_dir(dir: &Path) -> Result<Arc<SimSpec>, SimError> {
    from_loaded(load::load_dir(dir, &dir.display().to_string()).map_err(|d| d.to_string())).map(Arc::new).map_err(SimError::Spec)
}

/// The embedded spec (or `base`) and extra spec directories, loaded as one spec; loaded once
/// per process for each combination, as the embedded spec is.
pub(crate) fn with_extra(base: Option<&PathBuf>, extra: &[PathBuf]) -> Result<Arc<SimSpec>, SimError> {
    type Cache = Mutex<HashMap<(Option<PathBuf>, Vec<PathBuf>), Arc<SimSpec>>>;
    static LOADED: OnceLock<Cache> = OnceLock::new();
    let key = (base.cloned(), extra.to_vec());
    let cache = LOADED.get_or_init(Cache::default);
    if let Some(spec) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(spec.clone());
    }
    let mut loaded = match base {
        None => {
            let sources = EMBEDDED_SPEC.iter().map(|(path, text)| Source { display_path: (*path).to_string(), text: (*text).to_string() }).collect();
            load::load_sources(sources)
        }
        Some(dir) => load::load_dir(dir, &dir.display().to_string()),
    }
    .map_err(|d| SimError::Spec(d.to_string()))?;
    for dir in extra {
        let more = load::load_dir(dir, &dir.display().to_string()).map_err(|d| SimError::Spec(d.to_string()))?;
        loaded.docs.extend(more.docs);
    }
    let spec = Arc::new(from_loaded(Ok(loaded)).map_err(SimError::Spec)?);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, spec.clone());
    Ok(spec)
}

fn from_loaded(loaded: Result<load::Loaded, String>) -> Result<SimSpec, String> {
    let loaded = loaded?;
    let ir = livevox_codegen::front_end(&loaded).map_err(|d| d.to_string())?;
    Ok(SimSpec::new(ir))
}

impl SimSpec {
    pub(crate) fn new(ir: Ir) -> SimSpec {
        let mut routes = Vec::new();
        let mut models = HashMap::new();
        let mut enums = HashMap::new();
        let mut unions = HashMap::new();
        let mut session = None;
        let mut token_paths = Vec::new();
        for (api_index, api) in ir.apis.iter().enumerate() {
            if let Auth::OAuth2 { token_url: Some(url), .. } = &api.auth {
                if let Ok(u) = url::Url::parse(url) {
                    token_paths.push((u.path().to_string(), api_index));
                }
            }
            for cat in &api.categories {
                for m in &cat.models {
                    models.insert((cat.module.clone(), m.rust_name.clone()), m.clone());
                }
                for e in &cat.enums {
                    enums.insert((cat.module.clone(), e.rust_name.clone()), e.clone());
                }
                for u in &cat.unions {
                    unions.insert((cat.module.clone(), u.rust_name.clone()), u.clone());
                }
            }
            let first = routes.len();
            for cat in &api.categories {
                for op in &cat.operations {
                    routes.push(Route { segments: template(&op.path), op: op.clone(), api: api_index });
                }
            }
            if session.is_some() {
                continue;
            }
            if let Auth::LiveVox { session_header, login: Some(login), .. } = &api.auth {
                let Some(index) = routes[first..].iter().position(|r| r.op.path == login.path && r.op.method == Method::Post) else {
                    continue;
                };
                let login_index = first + index;
                let category = routes[login_index].op.id.split('.').next().unwrap_or_default().to_string();
                // The session operations are recognised by shape rather than by name, so a spec
                // that renames them keeps their behaviour: one path parameter, no body, in the
                // login's category, answering without a session.
                let find = |method: Method| {
                    routes[first..]
                        .iter()
                        .position(|r| {
                            r.op.method == method
                                && r.op.auth == AuthNeed::None
                                && r.op.path_params.len() == 1
                                && r.op.body.is_none()
                                && r.op.response.format == ResponseFormat::None
                                && r.op.id.split('.').next() == Some(category.as_str())
                        })
                        .map(|i| first + i)
                };
                session = Some(SessionRoles {
                    login: login_index,
                    access_header: login.access_header.clone(),
                    session_header: session_header.clone(),
                    session_id_field: login.session_id_field.clone(),
                    validate: find(Method::Get),
                    logout: find(Method::Delete),
                });
            }
        }
        SimSpec { ir, routes, models, enums, unions, session, token_paths }
    }

    pub(crate) fn model(&self, module: &str, rust_name: &str) -> Option<&Model> {
        self.models.get(&(module.to_string(), rust_name.to_string()))
    }

    pub(crate) fn union_def(&self, module: &str, rust_name: &str) -> Option<&Union> {
        self.unions.get(&(module.to_string(), rust_name.to_string()))
    }

    pub(crate) fn enum_def(&self, module: &str, rust_name: &str) -> Option<&Enum> {
        self.enums.get(&(module.to_string(), rust_name.to_string()))
    }

    /// The model a type names, if it is a model.
    pub(crate) fn model_of(&self, ty: &Type) -> Option<&Model> {
        match ty {
            Type::Model(r) => self.model(&r.module, &r.rust_name),
            _ => None,
        }
    }

    /// Finds the operations a request may call: `Ok` with each `(route, path params)` that
    /// matches best, in spec order (more than one only where the spec has operations that share
    /// a method and path, which the caller tells apart by the body), or the status to answer
    /// (404 unknown path, 405 known path with another method, with the methods it has).
    pub(crate) fn find(&self, method: &str, segments: &[String]) -> Result<Found, RouteMiss> {
        match self.find_exact(method, segments) {
            Err(RouteMiss::NotFound) if segments.len() > 2 && is_version(&segments[1]) => {
                // `/{category}/v5.0/{resource}`: LiveVox serves the versioned paths too.
                let mut rest = segments.to_vec();
                rest.remove(1);
                self.find_exact(method, &rest)
            }
            other => other,
        }
    }

    fn find_exact(&self, method: &str, segments: &[String]) -> Result<Found, RouteMiss> {
        // The rank of the best match so far, and every route with that rank.
        let mut best: Option<(Vec<u8>, Found)> = None;
        let mut allowed: Vec<&'static str> = Vec::new();
        for (i, route) in self.routes.iter().enumerate() {
            let Some((rank, params)) = route.matches(segments) else { continue };
            if route.op.method.as_str() != method {
                if !allowed.contains(&route.op.method.as_str()) {
                    allowed.push(route.op.method.as_str());
                }
                continue;
            }
            // Literal segments beat placeholders: `/dnc/info` wins over `/dnc/{id}`.
            match &mut best {
                Some((b, found)) if rank == *b => found.push((i, params)),
                Some((b, _)) if rank < *b => {}
                _ => best = Some((rank, vec![(i, params)])),
            }
        }
        match best {
            Some((_, found)) => Ok(found),
            None if allowed.is_empty() => Err(RouteMiss::NotFound),
            None => Err(RouteMiss::WrongMethod(allowed)),
        }
    }
}

/// Why no operation matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RouteMiss {
    NotFound,
    WrongMethod(Vec<&'static str>),
}

impl Route {
    fn matches(&self, segments: &[String]) -> Option<(Vec<u8>, PathParams)> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut rank = Vec::with_capacity(segments.len());
        let mut params = Vec::new();
        for (seg, value) in self.segments.iter().zip(segments) {
            match seg {
                Seg::Lit(l) if l == value => rank.push(1),
                Seg::Lit(_) => return None,
                Seg::Param(name) => {
                    rank.push(0);
                    params.push((name.clone(), value.clone()));
                }
            }
        }
        Some((rank, params))
    }
}

fn template(path: &str) -> Vec<Seg> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Seg::Param(name.to_string()),
            None => Seg::Lit(s.to_string()),
        })
        .collect()
}

/// `v5`, `v5.0`, `v17.0`: a LiveVox API version segment.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else { return false };
    !rest.is_empty() && rest.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) && rest.split('.').count() <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(is_version("v5.0") && is_version("v6") && is_version("v17.0"));
        assert!(!is_version("v") && !is_version("dnc") && !is_version("v5.") && !is_version("v1.2.3"));
    }

    #[test]
    fn embedded_spec_routes_literal_before_placeholder() {
        let spec = embedded().expect("the embedded spec loads");
        let seg = |p: &str| p.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
        let found = spec.find("GET", &seg("/compliance/dnc/info")).expect("info matches");
        let [(i, params)] = found.as_slice() else { panic!("one operation is GET /compliance/dnc/info, not {found:?}") };
        assert_eq!(spec.routes[*i].op.id, "compliance.get_dnc_list_info");
        assert!(params.is_empty());
        let found = spec.find("GET", &seg("/compliance/v5.0/dnc/42")).expect("versioned read matches");
        let [(i, params)] = found.as_slice() else { panic!("one operation is GET /compliance/dnc/{{id}}, not {found:?}") };
        assert_eq!(spec.routes[*i].op.id, "compliance.read_dnc");
        assert_eq!(params, &vec![("id".to_string(), "42".to_string())]);
        let found = spec.find("POST", &seg("/contact/contacts/bulk")).expect("bulk contacts match");
        let ids: Vec<&str> = found.iter().map(|(i, _)| spec.routes[*i].op.id.as_str()).collect();
        assert_eq!(ids, ["contact.create_contacts", "contact.download_contacts"], "both, in spec order");
        assert_eq!(spec.find("GET", &seg("/nowhere")).unwrap_err(), RouteMiss::NotFound);
        assert!(matches!(spec.find("PATCH", &seg("/compliance/dnc/42")), Err(RouteMiss::WrongMethod(_))));
        let roles = spec.session.as_ref().expect("LiveVox has a login");
        assert_eq!(spec.routes[roles.login].op.id, "session.login");
        assert_eq!(roles.validate.map(|i| spec.routes[i].op.id.as_str()), Some("session.validate"));
        assert_eq!(roles.logout.map(|i| spec.routes[i].op.id.as_str()), Some("session.logout"));
    }
}
