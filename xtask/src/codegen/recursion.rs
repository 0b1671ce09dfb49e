//! Finds the struct fields that must be boxed so that recursive models have a finite size.
//!
//! A field holds its model inline unless it is a `Vec` or a map, which already allocate. The
//! inline fields form a graph between models; each strongly connected component of that
//! graph is a cycle, and every inline field from a model to a model in its own component is
//! boxed. That boxes a few more fields than the theoretical minimum in components with
//! several cycles, but the result depends only on the spec, not on visiting order.

use std::collections::{BTreeMap, BTreeSet};

use super::ir::{Model, ModelKind, RustType};

/// Returns `(model name, field name)` for every field that needs a `Box`.
pub fn boxed_fields(models: &[Model]) -> BTreeSet<(String, String)> {
    let edges = inline_edges(models);
    let component = strongly_connected_components(&edges);
    let mut boxed = BTreeSet::new();
    for (model, targets) in &edges {
        for (field, target) in targets {
            if component.get(model) == component.get(target) {
                boxed.insert((model.clone(), field.clone()));
            }
        }
    }
    boxed
}

/// For each model, the fields that hold another model inline, with that model's name.
fn inline_edges(models: &[Model]) -> BTreeMap<String, Vec<(String, String)>> {
    let aliases: BTreeMap<&str, &RustType> = models
        .iter()
        .filter_map(|model| match &model.kind {
            ModelKind::Alias(ty) => Some((model.name.as_str(), ty)),
            _ => None,
        })
        .collect();
    let mut edges = BTreeMap::new();
    for model in models {
        let targets = match &model.kind {
            ModelKind::Struct(fields) => fields
                .iter()
                .filter_map(|field| {
                    let target = resolve_alias(field.ty.named()?, &aliases)?;
                    Some((field.name.clone(), target.to_owned()))
                })
                .collect(),
            // An alias of a model behaves like that model, so a cycle through it is found
            // when the alias is resolved on the struct side.
            ModelKind::Alias(_) | ModelKind::Enum(_) => Vec::new(),
        };
        edges.insert(model.name.clone(), targets);
    }
    edges
}

/// Follows aliases to the model they name; `None` when an alias ends in a container, which
/// allocates and so breaks the cycle.
fn resolve_alias<'a>(mut name: &'a str, aliases: &BTreeMap<&str, &'a RustType>) -> Option<&'a str> {
    let mut seen = BTreeSet::new();
    while let Some(ty) = aliases.get(name) {
        if !seen.insert(name) {
            return None;
        }
        name = ty.named()?;
    }
    Some(name)
}

/// Tarjan's algorithm: maps each node to the index of its strongly connected component.
fn strongly_connected_components(
    edges: &BTreeMap<String, Vec<(String, String)>>,
) -> BTreeMap<String, usize> {
    struct State<'a> {
        edges: &'a BTreeMap<String, Vec<(String, String)>>,
        next_index: usize,
        index: BTreeMap<&'a str, usize>,
        low_link: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        component: BTreeMap<String, usize>,
        components: usize,
    }

    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        state.index.insert(node, state.next_index);
        state.low_link.insert(node, state.next_index);
        state.next_index += 1;
        state.stack.push(node);
        state.on_stack.insert(node);

        let edges = state.edges;
        for (_, target) in edges.get(node).into_iter().flatten() {
            let target = target.as_str();
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low_link[node].min(state.low_link[target]);
                state.low_link.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low_link[node].min(state.index[target]);
                state.low_link.insert(node, low);
            }
        }

        if state.low_link[node] == state.index[node] {
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                state.component.insert(member.to_owned(), state.components);
                if member == node {
                    break;
                }
            }
            state.components += 1;
        }
    }

    let mut state = State {
        edges,
        next_index: 0,
        index: BTreeMap::new(),
        low_link: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        component: BTreeMap::new(),
        components: 0,
    };
    for node in edges.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::ir::Field;

    fn model(name: &str, fields: &[(&str, RustType)]) -> Model {
        let fields = fields
            .iter()
            .map(|(field, ty)| Field {
                name: (*field).to_owned(),
                wire_name: (*field).to_owned(),
                ty: ty.clone(),
                boxed: false,
                required: false,
                read_only: false,
                docs: Vec::new(),
            })
            .collect();
        Model {
            name: name.to_owned(),
            module: name.to_lowercase(),
            docs: Vec::new(),
            kind: ModelKind::Struct(fields),
            inline_enums: Vec::new(),
        }
    }

    fn named(name: &str) -> RustType {
        RustType::Named(name.to_owned())
    }

    #[test]
    fn self_reference_is_boxed() {
        let models = [model(
            "User",
            &[("manager", named("User")), ("name", RustType::String)],
        )];
        let boxed = boxed_fields(&models);
        assert_eq!(
            boxed,
            BTreeSet::from([("User".to_owned(), "manager".to_owned())])
        );
    }

    #[test]
    fn vec_breaks_cycle() {
        let models = [model(
            "ErrorBody",
            &[("errors", RustType::Vec(Box::new(named("ErrorBody"))))],
        )];
        assert!(boxed_fields(&models).is_empty());
    }

    #[test]
    fn two_model_cycle_boxes_both_edges() {
        let models = [
            model("Group", &[("owner", named("User"))]),
            model(
                "User",
                &[("group", named("Group")), ("site", named("Site"))],
            ),
            model("Site", &[]),
        ];
        let boxed = boxed_fields(&models);
        let expected = BTreeSet::from([
            ("Group".to_owned(), "owner".to_owned()),
            ("User".to_owned(), "group".to_owned()),
        ]);
        assert_eq!(boxed, expected);
    }
}
