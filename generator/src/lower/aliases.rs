//! Former names of renamed operations (the settings' `renamed_operations`): an operation whose
//! operationId changed on the same method and path keeps the builder, error enum and output enum
//! names of its former operationId as deprecated aliases.

use std::collections::BTreeSet;

use super::Lowerer;
use crate::diagnostics::{Code, pointer};
use crate::ir::{Method, Name, Operation, OperationAlias};
use crate::naming::{self, Kind};

/// The JSON pointer of an operation: `/paths/~1things/get`.
pub(crate) fn operation_pointer(op: &Operation) -> String {
    pointer(&pointer("/paths", &op.path), method_key(op.method))
}

/// The key an operation has under its path item.
pub(crate) fn method_key(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Put => "put",
        Method::Post => "post",
        Method::Delete => "delete",
        Method::Patch => "patch",
        Method::Head => "head",
        Method::Options => "options",
        Method::Trace => "trace",
    }
}

/// The operation of a path item under a method key (`get`).
pub(crate) fn operation_item<'a>(
    item: &'a openapiv3::PathItem,
    method: &str,
) -> Option<&'a openapiv3::Operation> {
    super::operation::operations(item)
        .find(|(_, _, key)| *key == method)
        .map(|(_, op, _)| op)
}

/// The aliases the settings ask for, for the operations generated; each setting that names no
/// operation of the document, or whose names are taken, is reported.
pub(super) fn aliases(cx: &mut Lowerer<'_>, operations: &[Operation]) -> Vec<OperationAlias> {
    let renamed = cx.settings.renamed;
    // Every name the operations module already gives out.
    let mut taken: BTreeSet<String> = operations
        .iter()
        .flat_map(|op| [op.name.rust.clone(), op.error.clone(), op.output.clone()])
        .collect();
    let mut aliases = Vec::new();
    for (at, former_ids) in renamed {
        let setting = pointer("/renamed_operations", at);
        let Some(index) = operations
            .iter()
            .position(|op| operation_pointer(op) == *at)
        else {
            if !names_operation(cx, at) {
                let message = format!("`{at}` names no operation of the document");
                cx.config_report.error(Code::Config, &setting, message);
            }
            // An operation left out of the selection needs no alias.
            continue;
        };
        for (n, former) in former_ids.iter().enumerate() {
            let rust = naming::rust_name(former, Kind::Type);
            let error = format!("{rust}Error");
            let output = format!("{rust}Response");
            let at = pointer(&setting, &n.to_string());
            if rust == operations[index].name.rust {
                let message =
                    format!("`{former}` gives the builder name `{rust}` the operation already has");
                cx.config_report.error(Code::Config, &at, message);
                continue;
            }
            if let Some(clash) = [&rust, &error, &output]
                .into_iter()
                .find(|n| taken.contains(*n))
            {
                let message = format!(
                    "the former operationId `{former}` would be named `{clash}`, which the \
                     operations already use"
                );
                cx.config_report.error(Code::Config, &at, message);
                continue;
            }
            taken.extend([rust.clone(), error.clone(), output.clone()]);
            aliases.push(OperationAlias {
                former: Name {
                    rust,
                    wire: former.clone(),
                },
                error,
                output,
                operation: index,
            });
        }
    }
    aliases.sort_by_key(|a| a.operation);
    aliases
}

/// Whether `at` is the pointer of an operation of the whole document, selected or not.
fn names_operation(cx: &Lowerer<'_>, at: &str) -> bool {
    cx.api.paths.paths.iter().any(|(path, item)| {
        let openapiv3::ReferenceOr::Item(item) = item else {
            return false;
        };
        let path_at = pointer("/paths", path);
        super::operation::operations(item).any(|(_, _, method)| pointer(&path_at, method) == at)
    })
}
