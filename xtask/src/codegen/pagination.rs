//! Recognises paged listings from their parameters and response schemas.
//!
//! Three shapes are known, each with an `entities` array in the response:
//! - page number: `pageNumber` and `pageSize` parameters and a `pageCount` property;
//! - cursor: a `cursor` parameter and a `cursors` property whose `after` is the next cursor;
//! - after: an `after` parameter and a `nextUri` property that carries the next `after`.
//!
//! An operation that matches more than one shape, or none, gets no stream.

use std::collections::BTreeMap;

use super::ir::{
    Field, Model, ModelKind, Operation, Pagination, PaginationKind, ParamLocation, RustType,
};

/// Sets `pagination` on every operation with a recognised shape, and returns notes on the
/// operations that look paged but match no single shape.
pub fn detect_pagination(models: &[Model], operations: &mut [Operation]) -> Vec<String> {
    let structs: BTreeMap<&str, &[Field]> = models
        .iter()
        .filter_map(|model| match &model.kind {
            ModelKind::Struct(fields) => Some((model.name.as_str(), fields.as_slice())),
            _ => None,
        })
        .collect();
    let mut notes = Vec::new();
    for op in operations.iter_mut() {
        let Some(RustType::Named(page)) = op.response.typed() else {
            continue;
        };
        let page = page.clone();
        let Some(fields) = structs.get(page.as_str()) else {
            continue;
        };
        let Some((entities_field, item)) = entities_item(fields) else {
            continue;
        };
        let mut shapes = Vec::new();
        let page_number = integer_param(op, "pageNumber");
        let page_size = integer_param(op, "pageSize");
        if let (Some(page_number), Some(page_size), Some(page_count)) =
            (page_number, page_size, field(fields, "pageCount"))
        {
            shapes.push(PaginationKind::PageNumber {
                page_number_param: page_number.name.clone(),
                page_size_param: page_size.name.clone(),
                page_count_field: page_count.name.clone(),
                // Streams send the page size explicitly, so that the record-limit arithmetic
                // matches what the server does; without a spec default they ask for 25.
                default_page_size: page_size
                    .default
                    .as_ref()
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(25),
                scan: None,
            });
        }
        if let (Some(cursor), Some((cursors, after))) =
            (string_param(op, "cursor"), cursors_after(fields, &structs))
        {
            shapes.push(PaginationKind::Cursor {
                cursor_param: cursor.name.clone(),
                cursors_field: cursors.name.clone(),
                after_field: after.name.clone(),
            });
        }
        let next_uri = field(fields, "nextUri").filter(|field| field.ty == RustType::String);
        if let (Some(after), Some(next_uri)) = (string_param(op, "after"), next_uri) {
            shapes.push(PaginationKind::After {
                after_param: after.name.clone(),
                next_uri_field: next_uri.name.clone(),
            });
        }
        match shapes.len() {
            0 => notes.push(format!(
                "{}: no stream, because its `{page}` response has `entities` but its parameters match no known paging shape",
                op.operation_id
            )),
            1 => {
                let kind = shapes.remove(0);
                op.pagination = Some(Pagination {
                    kind,
                    page: page.clone(),
                    entities_field: entities_field.name.clone(),
                    item: item.clone(),
                });
            }
            _ => notes.push(format!(
                "{}: no stream, because its parameters match more than one paging shape",
                op.operation_id
            )),
        }
    }
    link_scan_alternatives(operations);
    notes
}

/// Points each page-number listing at a cursor listing of the same items, which has no
/// record limit.
fn link_scan_alternatives(operations: &mut [Operation]) {
    let scans: Vec<(RustType, String, String)> = operations
        .iter()
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            matches!(pagination.kind, PaginationKind::Cursor { .. }).then(|| {
                let endpoint = format!("{} {}", op.http_method, op.path);
                (pagination.item.clone(), op.method_name.clone(), endpoint)
            })
        })
        .collect();
    for op in operations {
        // A listing under a parent (the notes of one contact) has no scan of its own: the
        // scans list every record of the organization.
        let has_parent = op
            .params
            .iter()
            .any(|param| param.location == ParamLocation::Path);
        let Some(pagination) = op.pagination.as_mut().filter(|_| !has_parent) else {
            continue;
        };
        let item = pagination.item.clone();
        if let PaginationKind::PageNumber { scan, .. } = &mut pagination.kind {
            *scan = scans
                .iter()
                .find(|(scan_item, _, _)| *scan_item == item)
                .map(|(_, method, endpoint)| (method.clone(), endpoint.clone()));
        }
    }
}

/// Finds the page's `entities` field and the type of its entries.
fn entities_item(fields: &[Field]) -> Option<(&Field, &RustType)> {
    let entities = field(fields, "entities")?;
    match &entities.ty {
        RustType::Vec(item) if !entities.boxed => Some((entities, item)),
        _ => None,
    }
}

fn field<'a>(fields: &'a [Field], wire_name: &str) -> Option<&'a Field> {
    fields.iter().find(|field| field.wire_name == wire_name)
}

/// Finds the page's `cursors` field and, inside it, the string `after` field.
fn cursors_after<'a>(
    fields: &'a [Field],
    structs: &BTreeMap<&str, &'a [Field]>,
) -> Option<(&'a Field, &'a Field)> {
    let cursors = field(fields, "cursors").filter(|field| !field.boxed)?;
    let cursor_fields = structs.get(cursors.ty.named()?)?;
    let after = field(cursor_fields, "after").filter(|field| field.ty == RustType::String)?;
    Some((cursors, after))
}

fn query_param<'a>(op: &'a Operation, wire_name: &str) -> Option<&'a super::ir::Param> {
    op.params.iter().find(|param| {
        param.location == ParamLocation::Query && param.wire_name == wire_name && !param.required
    })
}

fn integer_param<'a>(op: &'a Operation, wire_name: &str) -> Option<&'a super::ir::Param> {
    query_param(op, wire_name).filter(|param| param.ty == RustType::I32)
}

fn string_param<'a>(op: &'a Operation, wire_name: &str) -> Option<&'a super::ir::Param> {
    query_param(op, wire_name).filter(|param| param.ty == RustType::String)
}
