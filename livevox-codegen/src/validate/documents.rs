//! Rules for the documents as a whole: category names (defined twice, module names that
//! collide or that the client already uses), API names and modules, and which API owns which
//! category ("listed twice", "no category document is called", "already belongs to API",
//! "is not listed in the `categories` of any API").

use super::*;
use crate::symbols::Membership;

impl Validator {
    /// Category names are global: they are modules, cargo features and client methods.
    pub(super) fn category_names(&mut self, symbols: &Symbols<'_>) {
        let mut modules: HashMap<String, (&LoadedDoc, &str)> = HashMap::new();
        for &(doc, cat) in &symbols.all_categories {
            let name = cat.category.as_str();
            if let Some(&(first, _)) = symbols.categories.get(name).filter(|_| !symbols.is_first_of_name(doc, name)) {
                self.err(doc, "category", format!("category `{name}` is already defined at {}", place(doc, first, "category")));
                continue;
            }
            if !has_word(name) {
                self.err(doc, "category", format!("category name `{name}` has no letters or digits to make a Rust module name from"));
                continue;
            }
            let module = naming::category_module(name);
            if let Some((other_doc, other)) = modules.get(&module) {
                self.err(
                    doc,
                    "category",
                    format!(
                        "category `{name}` becomes the module `{module}`, as category `{other}` ({}) does; rename one of them",
                        place(doc, other_doc, "category")
                    ),
                );
            } else {
                modules.insert(module.clone(), (doc, name));
            }
            if API_CLIENT_METHODS.contains(&module.as_str()) {
                self.err(
                    doc,
                    "category",
                    format!("category `{name}` would become the method `Client::{module}()`, which the generated client already has; rename the category"),
                );
            }
        }
    }

    /// API names and the modules they get.
    pub(super) fn api_names(&mut self, symbols: &Symbols<'_>) {
        let mut api_names: HashMap<&str, &LoadedDoc> = HashMap::new();
        let mut api_modules: HashMap<String, (&LoadedDoc, &str)> = HashMap::new();
        for a in &symbols.apis {
            let name = a.api.api.as_str();
            if let Some(first) = api_names.get(name) {
                self.err(a.doc, "api", format!("API `{name}` is already defined at {}", place(a.doc, first, "api")));
            } else {
                api_names.insert(name, a.doc);
            }
            let module_path = if a.api.module.is_some() { "module" } else { "api" };
            if a.api.module.is_none() && !has_word(name) {
                self.err(a.doc, "api", format!("API name `{name}` has no letters or digits to make a module name from; set `module`"));
                continue;
            }
            let module = naming::api_module(name, a.api.module.as_deref());
            if let Some((other_doc, other)) = api_modules.get(&module) {
                self.err(
                    a.doc,
                    module_path,
                    format!(
                        "API `{name}` gets the module `{module}`, as API `{other}` ({}) does; set a different `module`",
                        place(a.doc, other_doc, "api")
                    ),
                );
            } else {
                api_modules.insert(module.clone(), (a.doc, name));
            }
            if CRATE_MODULES.contains(&module.as_str()) {
                self.err(
                    a.doc,
                    module_path,
                    format!("the module `{module}` is taken by the client crate itself; set another `module` for API `{name}`"),
                );
            }
        }
    }

    /// The `categories` lists of the APIs, and the category documents no API lists.
    pub(super) fn membership(&mut self, symbols: &Symbols<'_>) {
        let listing = |api: usize, index: usize| {
            let a = &symbols.apis[api];
            (a, a.api.categories[index].as_str(), format!("categories.{index}"))
        };
        for problem in &symbols.membership {
            match *problem {
                Membership::ListedTwice { api, index, first } => {
                    let (a, name, path) = listing(api, index);
                    self.err(a.doc, &path, format!("category `{name}` is listed twice (also as `categories.{first}`)"));
                }
                Membership::NoSuchCategory { api, index } => {
                    let (a, name, path) = listing(api, index);
                    let message = with_suggestion(format!("no category document is called `{name}`"), name, symbols.categories.keys().copied());
                    self.err(a.doc, &path, message);
                }
                Membership::OwnedElsewhere { api, index, owner, owner_index } => {
                    let (a, name, path) = listing(api, index);
                    let o = &symbols.apis[owner];
                    let other_path = format!("categories.{owner_index}");
                    self.err(
                        a.doc,
                        &path,
                        format!("category `{name}` already belongs to API `{}` ({}); a category belongs to one API", o.api.api, place(a.doc, o.doc, &other_path)),
                    );
                }
            }
        }
        for ((doc, cat), _) in &symbols.orphans {
            if !symbols.is_first_of_name(doc, &cat.category) {
                continue;
            }
            let mut message = format!("category `{}` is not listed in the `categories` of any API", cat.category);
            match symbols.apis.as_slice() {
                [] => message.push_str("; there is no `api:` document to list it in"),
                [a] => message.push_str(&format!("; add it to the `categories` of API `{}` ({})", a.api.api, place(doc, a.doc, "categories"))),
                _ => message.push_str("; add it to the `categories` of the API it belongs to"),
            }
            self.err(doc, "category", message);
        }
    }
}
