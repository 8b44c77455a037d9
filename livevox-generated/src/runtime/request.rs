//! INTERFACE STUB: one request being put together by generated code.

use super::{Operation, ToParam};

/// The parts of one call: path parameters, query parameters and body. Generated code makes one,
/// fills it and passes it to [`super::Client::execute`].
#[derive(Debug)]
pub struct Request {
    pub(crate) op: &'static Operation,
    pub(crate) path_params: Vec<(&'static str, Vec<String>)>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Result<serde_json::Value, String>>,
}

impl Request {
    pub fn new(op: &'static Operation) -> Self {
        Request { op, path_params: Vec::new(), query: Vec::new(), body: None }
    }

    /// Fills the `{name}` placeholder of the path template.
    pub fn path(&mut self, name: &'static str, value: &(impl ToParam + ?Sized)) {
        let mut out = Vec::new();
        value.to_param(&mut out);
        self.path_params.push((name, out));
    }

    /// Adds a query parameter; `None` adds nothing, a list repeats the key.
    pub fn query(&mut self, name: &'static str, value: &(impl ToParam + ?Sized)) {
        let mut out = Vec::new();
        value.to_param(&mut out);
        for v in out {
            self.query.push((name, v));
        }
    }

    /// Sets the JSON body.
    pub fn body(&mut self, value: &impl serde::Serialize) {
        self.body = Some(serde_json::to_value(value).map_err(|e| e.to_string()));
    }
}
