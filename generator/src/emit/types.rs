//! The `types` module: one Rust item per named type of the IR, with its serde impls.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, with_paragraph};
use crate::ir::{
    Api, Field, StringEnum, Struct, TaggedUnion, TypeDef, TypeId, TypeKind, TypeRef, UntaggedUnion,
};
use crate::naming::ident;

/// The whole `types` module.
pub(crate) fn emit(api: &Api, part: super::Part) -> TokenStream {
    let title = format!(" Data types of {}.", api.title.trim().trim_end_matches('.'));
    let range = part.range(api.types.len());
    let items = api.types[range.clone()]
        .iter()
        .zip(range)
        .map(|(def, index)| {
            let id = TypeId(index);
            let item = match api.analysis.enum_alias_of.get(&id) {
                Some(first) => emit_enum_alias(def, api.name(*first)),
                None => emit_type(def, api),
            };
            let secrets = super::secrets::emit_impl(id, api);
            let validate = super::validate::emit_impl(id, api);
            quote! { #item #secrets #validate }
        });
    let head = part.is_first().then(|| {
        quote! {
            #![doc = #title]
            #![allow(deprecated, clippy::large_enum_variant, clippy::too_many_arguments, clippy::single_match)]
        }
    });
    quote! {
        #head
        #(#items)*
    }
}

/// An enum whose values an earlier enum already has: an alias of it, with its own docs.
fn emit_enum_alias(def: &TypeDef, first: &str) -> TokenStream {
    let name = ident(&def.name);
    let target = ident(first);
    let doc = doc_attrs(def.doc.as_deref(), || format!("The `{}` schema.", def.name));
    let same = format!(" The same values as [`{first}`].");
    let deprecated = deprecated(def.deprecated);
    quote! {
        #doc
        #[doc = ""]
        #[doc = #same]
        #deprecated
        pub type #name = self::#target;
    }
}

fn emit_type(def: &TypeDef, api: &Api) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref(), || format!("The `{}` schema.", def.name));
    let deprecated = deprecated(def.deprecated);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, &doc, &deprecated, s, api),
        TypeKind::Tagged(t) => emit_tagged(&name, &doc, &deprecated, t, api),
        TypeKind::Untagged(u) => emit_untagged(&name, &doc, &deprecated, u, api),
        TypeKind::Enum(e) => emit_enum(&name, &doc, &deprecated, e),
        TypeKind::Alias(target) => {
            let target = rust_type(target, api);
            quote! { #doc #deprecated pub type #name = #target; }
        }
    }
}

/// A type as written inside the `types` module.
fn rust_type(ty: &TypeRef, api: &Api) -> TokenStream {
    super::rust_type(ty, &quote!(self), api)
}

fn deprecated(flag: bool) -> TokenStream {
    if flag {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

/// The Rust type of a field, with the `Option` its presence rules call for.
fn field_type(field: &Field, api: &Api) -> TokenStream {
    let ty = rust_type(&field.ty, api);
    if field.optional() {
        quote!(::std::option::Option<#ty>)
    } else {
        ty
    }
}

/// Allows clippy's `type_complexity` on a field whose type, nested as the document nests it
/// (maps of maps of maps), is past the lint's limit: the type mirrors the document, and naming
/// its levels would invent names the document does not give.
fn allow_complex(complexity: usize) -> TokenStream {
    if complexity > super::TYPE_COMPLEXITY_LIMIT {
        quote!(#[allow(clippy::type_complexity)])
    } else {
        TokenStream::new()
    }
}

fn emit_struct(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    dep: &TokenStream,
    s: &Struct,
    api: &Api,
) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let field_name = ident(&field.name.rust);
        let ty = field_type(field, api);
        let field_doc = doc_attrs(field.doc.as_deref(), || {
            format!("The `{}` property.", field.name.wire)
        });
        let field_dep = deprecated(field.deprecated);
        let complexity = if field.optional() {
            // The `Option` around it.
            10 + super::type_complexity(&field.ty, 2)
        } else {
            super::type_complexity(&field.ty, 1)
        };
        let allow = allow_complex(complexity);
        quote! { #field_doc #field_dep #allow pub #field_name: #ty, }
    });
    let extra = s.additional.as_ref().map(|a| {
        let field_name = ident(&a.rust);
        let ty = rust_type(&a.ty, api);
        let allow = allow_complex(10 + 20 + super::type_complexity(&a.ty, 2));
        quote! {
            /// The keys the schema does not declare, with their values, kept as received.
            #allow
            pub #field_name: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let unknown = s.unknown.as_ref().map(|rust| {
        let field_name = ident(rust);
        quote! {
            /// The keys the document does not describe, kept as received and sent back; values
            /// kept from a response are not sent again until cleared or confirmed (see
            /// `runtime::UnknownFields`).
            pub #field_name: crate::runtime::UnknownFields,
        }
    });
    let constructor = emit_constructor(name, s, api);
    let object = emit_object(name, s);
    // Callers build values with `new` and assignment, never with a struct literal (the struct is
    // `non_exhaustive`), so that a new optional field is a minor change for them.
    // With nothing required, an empty value is a sensible default.
    let default = s
        .fields
        .iter()
        .all(|f| !f.required)
        .then(|| quote!(::std::default::Default,));
    quote! {
        #doc
        #dep
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* #extra #unknown }
        #constructor
        #object
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                crate::runtime::write_object(self, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::read_object(deserializer)
            }
        }
    }
}

/// The struct's table for `runtime::Object`, which reads and writes it: each field once in the
/// table (wire name and presence), and one line per field where its value is read into its slot,
/// where the struct is built from the slots, and where it is written. Absent or `null` optional
/// fields are `None`, and an absent optional field is left out when writing; a required nullable
/// one is written as `null`. The slots are a tuple whose types are inferred from the struct, the
/// way serde's derive leaves its locals. Types are named by `self::` paths, so that a schema
/// called `Field` or `A` cannot be confused with the runtime's items or the methods' parameters.
fn emit_object(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let table = s.fields.iter().map(|f| {
        let wire = &f.name.wire;
        match (f.required, f.nullable) {
            (true, false) => quote!(crate::runtime::Field::required(#wire)),
            (true, true) => quote!(crate::runtime::Field::required_nullable(#wire)),
            (false, _) => quote!(crate::runtime::Field::optional(#wire)),
        }
    });
    let undeclared = match (&s.additional, &s.unknown) {
        (Some(_), _) => quote!(Read),
        (None, Some(_)) => quote!(Keep),
        (None, None) => quote!(Skip),
    };
    let index = |i: usize| syn::Index::from(i);
    // One slot per field, then the map of additional properties.
    let mut starts: Vec<TokenStream> = vec![quote!(::std::option::Option::None); s.fields.len()];
    let mut reads: Vec<TokenStream> = (0..s.fields.len())
        .map(|i| {
            let slot = index(i);
            quote!(field.read(&mut slots.#slot))
        })
        .collect();
    if s.additional.is_some() {
        let slot = index(s.fields.len());
        starts.push(quote!(::std::collections::BTreeMap::new()));
        reads.push(quote!(field.read_extra(&mut slots.#slot)));
    }
    let read_loop = match reads.as_slice() {
        [] => quote! {
            while object.next_field()?.is_some() {}
        },
        [only] => quote! {
            while let ::std::option::Option::Some(field) = object.next_field()? {
                #only?;
            }
        },
        [arms @ .., last] => {
            let arms = arms.iter().enumerate().map(|(i, read)| {
                let position = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(#position => #read,)
            });
            quote! {
                while let ::std::option::Option::Some(field) = object.next_field()? {
                    match field.index() {
                        #(#arms)*
                        _ => #last,
                    }?;
                }
            }
        }
    };
    let slots = (!starts.is_empty()).then(|| quote!(let mut slots = (#(#starts,)*);));
    let mut inits: Vec<TokenStream> = s
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let n = ident(&f.name.rust);
            let slot = index(i);
            let wire = &f.name.wire;
            if f.optional() {
                quote!(#n: ::std::option::Option::flatten(slots.#slot),)
            } else {
                quote!(#n: crate::runtime::required(slots.#slot, #wire)?,)
            }
        })
        .collect();
    if let Some(a) = &s.additional {
        let n = ident(&a.rust);
        let slot = index(s.fields.len());
        inits.push(quote!(#n: slots.#slot,));
    }
    if let Some(rust) = &s.unknown {
        let n = ident(rust);
        inits.push(quote!(#n: object.unknown_fields(),));
    }
    let mut writes: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let n = ident(&f.name.rust);
            if f.required {
                quote!(out.field(&self.#n);)
            } else {
                quote!(out.optional(&self.#n);)
            }
        })
        .collect();
    if let Some(a) = &s.additional {
        let n = ident(&a.rust);
        writes.push(quote!(out.extras(&self.#n);));
    }
    if let Some(rust) = &s.unknown {
        let n = ident(rust);
        writes.push(quote!(out.unknown(&self.#n);));
    }
    let out = if writes.is_empty() {
        quote!(_)
    } else {
        quote!(out)
    };
    quote! {
        impl crate::runtime::Object for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [crate::runtime::Field] = &[#(#table),*];
            const UNDECLARED: crate::runtime::Undeclared = crate::runtime::Undeclared::#undeclared;
            fn read<'de, A: ::serde::de::MapAccess<'de>>(mut object: crate::runtime::ObjectRead<'de, A>) -> ::std::result::Result<Self, A::Error> {
                #slots
                #read_loop
                ::std::result::Result::Ok(Self { #(#inits)* })
            }
            fn write<S: ::serde::ser::SerializeMap>(&self, #out: &mut crate::runtime::ObjectWriter<S>) {
                #(#writes)*
            }
        }
    }
}

/// The one value a required field can hold, where its type is a string enum of a single value
/// (the kind's own tag, `typeName: [DATADOG]`): `new` fills it in rather than asking for it.
fn single_value(f: &Field, api: &Api) -> Option<TokenStream> {
    if !f.required || f.nullable {
        return None;
    }
    let id = f.ty.named()?;
    let TypeKind::Enum(e) = &api.types.get(id.0)?.kind else {
        return None;
    };
    let [only] = e.values.as_slice() else {
        return None;
    };
    let ty = field_type(f, api);
    let variant = ident(&only.rust);
    Some(quote!(#ty::#variant))
}

/// `new` takes the required fields, but for those of a single possible value; optional ones start
/// as `None`.
fn emit_constructor(name: &proc_macro2::Ident, s: &Struct, api: &Api) -> TokenStream {
    // Arguments in the order of their names, so that reordering the schema's properties does
    // not reorder them.
    let mut required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && single_value(f, api).is_none())
        .collect();
    required.sort_by(|a, b| a.name.rust.cmp(&b.name.rust));
    let params = required.iter().map(|f| {
        let n = ident(&f.name.rust);
        let ty = field_type(f, api);
        quote!(#n: impl ::std::convert::Into<#ty>)
    });
    let extra = s
        .additional
        .as_ref()
        .map(|a| {
            let n = ident(&a.rust);
            quote!(#n: ::std::collections::BTreeMap::new())
        })
        .into_iter()
        .chain(s.unknown.as_ref().map(|rust| {
            let n = ident(rust);
            quote!(#n: crate::runtime::UnknownFields::new())
        }));
    let inits = s
        .fields
        .iter()
        .map(|f| {
            let n = ident(&f.name.rust);
            if let Some(value) = single_value(f, api) {
                quote!(#n: #value)
            } else if f.required {
                quote!(#n: #n.into())
            } else {
                quote!(#n: ::std::option::Option::None)
            }
        })
        .chain(extra);
    let list: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.name.rust))
        .collect();
    let doc = if list.is_empty() {
        " A value with every optional field unset.".to_owned()
    } else {
        format!(
            " A value from its required fields ({}); optional fields are unset.",
            list.join(", ")
        )
    };
    // Required fields that `new` fills in itself leave it without arguments, like `Default`.
    let default = (required.is_empty() && s.fields.iter().any(|f| f.required)).then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
        #default
    }
}

fn emit_tagged(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    dep: &TokenStream,
    t: &TaggedUnion,
    api: &Api,
) -> TokenStream {
    let tag = &t.tag;
    // A variant that is itself a union tagged by the same property reads and writes the tag
    // itself: the object is passed on whole, and written as the variant writes it.
    let retagged = |v: &crate::ir::TaggedVariant| matches!(&api.def(v.ty).kind, TypeKind::Tagged(inner) if inner.tag == t.tag);
    let fallback = ident(&t.fallback);
    let fallback_doc = format!(
        " A `{tag}` this version does not know (or one without a schema), kept whole so that it \
         serialises back unchanged."
    );
    let variants = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let ty = ident(api.name(v.ty));
        let text = with_paragraph(v.doc.as_deref(), &format!("`{tag}` is `{}`.", v.name.wire));
        let doc = doc_attrs(Some(&text), String::new);
        quote! { #doc #variant(self::#ty), }
    });
    let mirrored: Vec<&crate::ir::TaggedVariant> =
        t.variants.iter().filter(|v| !retagged(v)).collect();
    let mirror = mirrored.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let ty = ident(api.name(v.ty));
        let wire = &v.name.wire;
        quote! { #[serde(rename = #wire)] #variant(&'a self::#ty), }
    });
    let to_mirror = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        if retagged(v) {
            quote! { Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
        } else {
            quote! { Self::#variant(value) => ::serde::Serialize::serialize(&Tagged::#variant(value), serializer), }
        }
    });
    let decode = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let wire = &v.name.wire;
        if retagged(v) {
            quote! { #wire => object.decode_retagged().map(Self::#variant), }
        } else {
            quote! { #wire => object.decode().map(Self::#variant), }
        }
    });
    let discriminators = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let wire = &v.name.wire;
        quote! { Self::#variant(_) => #wire, }
    });
    let froms = t
        .variants
        .iter()
        // A conversion only from a struct wrapped by exactly one variant: an alias may name the
        // same type as another variant's, and two impls for one type would conflict.
        .filter(|v| {
            matches!(api.def(v.ty).kind, TypeKind::Struct(_))
                && t.variants.iter().filter(|o| o.ty == v.ty).count() == 1
        })
        .map(|v| {
            let variant = ident(&v.name.rust);
            let ty = ident(api.name(v.ty));
            quote! {
                impl ::std::convert::From<self::#ty> for #name {
                    fn from(value: self::#ty) -> Self { Self::#variant(value) }
                }
            }
        });
    let discriminator_doc = format!(" The value of `{tag}`, which selects the variant.");
    // The derive cannot take an enum without variants, whose lifetime would be unused.
    let mirror = (!mirrored.is_empty()).then(|| {
        quote! {
            #[derive(::serde::Serialize)]
            #[serde(tag = #tag)]
            enum Tagged<'a> { #(#mirror)* }
        }
    });
    quote! {
        #doc
        #dep
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(crate::runtime::UnknownVariant),
        }

        impl #name {
            #[doc = #discriminator_doc]
            pub fn discriminator(&self) -> &str {
                match self {
                    #(#discriminators)*
                    Self::#fallback(value) => value.discriminator(),
                }
            }
        }

        #(#froms)*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #mirror
                match self {
                    #(#to_mirror)*
                    Self::#fallback(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let object = crate::runtime::TaggedObject::read(deserializer, #tag)?;
                let decoded = match object.tag() {
                    #(#decode)*
                    _ => {
                        crate::runtime::lenient();
                        object.into_unknown().map(Self::#fallback)
                    }
                };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

fn emit_untagged(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    dep: &TokenStream,
    u: &UntaggedUnion,
    api: &Api,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty, api);
        let shape = match v.ty.strip_nullable() {
            TypeRef::Named(id) | TypeRef::Boxed(id) => format!("[`{}`]", api.name(*id)),
            _ => format!("`{}`", v.name),
        };
        let text = format!(" A value of the {shape} shape.");
        quote! { #[doc = #text] #variant(#ty), }
    });
    let attempts = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let name = &v.name;
        quote!(trial.attempt(#name, Self::#variant))
    });
    let type_name = name.to_string();
    // Each variant is tried on the value's JSON text, the first that accounts for every key and
    // value winning; see `runtime::decode_untagged`.
    let deserialize = (!u.variants.is_empty()).then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    crate::runtime::decode_untagged(deserializer, #type_name, |trial| {
                        let _ = #(#attempts)||*;
                    })
                }
            }
        }
    });
    quote! {
        #doc
        #dep
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name { #(#variants)* }
        #deserialize
    }
}

fn emit_enum(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    dep: &TokenStream,
    e: &StringEnum,
) -> TokenStream {
    let fallback = ident(&e.fallback);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let text = format!(" `{}`", v.wire);
        quote! { #[doc = #text] #variant, }
    });
    let as_str = e.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let wire = &v.wire;
        quote! { Self::#variant => #wire, }
    });
    let from_str = e.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let wire = &v.wire;
        quote! { #wire => Self::#variant, }
    });
    let type_name = name.to_string();
    let documented = e.values.iter().map(|v| &v.wire);
    quote! {
        #doc
        #dep
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version does not know, kept as received.
            #fallback(::std::string::String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#fallback(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#fallback(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        /// Parses a documented value; any other is an error naming the documented ones (where
        /// `From<&str>` and decoding keep it in the catch-all variant).
        impl ::std::str::FromStr for #name {
            type Err = crate::runtime::UndocumentedValue;
            fn from_str(value: &str) -> ::std::result::Result<Self, crate::runtime::UndocumentedValue> {
                match Self::from(value) {
                    Self::#fallback(value) => ::std::result::Result::Err(
                        crate::runtime::UndocumentedValue::new(#type_name, value, &[#(#documented),*]),
                    ),
                    known => ::std::result::Result::Ok(known),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                let decoded = Self::from(value.as_str());
                if let Self::#fallback(_) = decoded {
                    crate::runtime::lenient();
                }
                ::std::result::Result::Ok(decoded)
            }
        }
    }
}
