//! The former names of renamed operations, in the `operations` module: deprecated type aliases of
//! the builder, its error enum and its output enum, each naming the new one.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use crate::naming::ident;

/// Every alias of the IR's [`Api::aliases`].
pub(super) fn emit(api: &Api) -> TokenStream {
    let items = api.aliases.iter().filter_map(|alias| {
        let op = api.operations.get(alias.operation)?;
        let former = &alias.former.wire;
        let current = &op.name.wire;
        let mut pairs = vec![
            (alias.former.rust.as_str(), op.name.rust.as_str()),
            (alias.error.as_str(), op.error.as_str()),
        ];
        if op.output_is_enum() {
            pairs.push((alias.output.as_str(), op.output.as_str()));
        }
        let items = pairs.into_iter().map(|(old, new)| {
            let doc = format!(
                " The former name of [`{new}`], from the operationId `{former}`, now `{current}`."
            );
            let note = format!("renamed to `{new}` (operationId `{current}`)");
            let old = ident(old);
            let new = ident(new);
            quote! {
                #[doc = #doc]
                #[deprecated(note = #note)]
                pub type #old = #new;
            }
        });
        Some(quote!(#(#items)*))
    });
    quote!(#(#items)*)
}
