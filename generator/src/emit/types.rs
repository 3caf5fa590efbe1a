//! The `types` module: one Rust item per named type of the IR, with its serde impls.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, with_paragraph};
use crate::ir::{
    Api, Field, StringEnum, Struct, TaggedUnion, TypeDef, TypeId, TypeKind, TypeRef, UntaggedUnion,
};
use crate::naming::ident;

/// The whole `types` module.
pub(crate) fn emit(api: &Api) -> TokenStream {
    let title = format!(" Data types of {}.", api.title.trim().trim_end_matches('.'));
    let items = api.types.iter().enumerate().map(|(index, def)| {
        let id = TypeId(index);
        let item = match api.analysis.enum_alias_of.get(&id) {
            Some(first) => emit_enum_alias(def, api.name(*first)),
            None => emit_type(def, api),
        };
        let secrets = super::secrets::emit_impl(id, api);
        let validate = super::validate::emit_impl(id, api);
        quote! { #item #secrets #validate }
    });
    quote! {
        #![doc = #title]
        #![allow(deprecated, clippy::large_enum_variant, clippy::too_many_arguments, clippy::single_match)]
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
        quote! { #field_doc #field_dep pub #field_name: #ty, }
    });
    let extra = s.additional.as_ref().map(|a| {
        let field_name = ident(&a.rust);
        let ty = rust_type(&a.ty, api);
        quote! {
            /// The keys the schema does not declare, with their values, kept as received.
            pub #field_name: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let constructor = emit_constructor(name, s, api);
    let serialize = emit_struct_serialize(name, s);
    let deserialize = emit_struct_deserialize(name, s);
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
        pub struct #name { #(#fields)* #extra }
        #constructor
        #serialize
        #deserialize
    }
}

/// `Serialize` as an object in field order. An absent optional value is left out; a required
/// nullable one is written as `null`.
///
/// Written out rather than derived: serde's derive also emits sequence forms and field visitors
/// that JSON never uses, and on a document of hundreds of schemas that doubles the compiler's
/// work on the crate.
fn emit_struct_serialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let type_name = name.to_string();
    // The number of fields written, as serde's derive counts them for formats that need it.
    let always = s.fields.iter().filter(|f| f.required).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if always > 0 {
        terms.push(quote!(#always));
    }
    terms.extend(s.fields.iter().filter(|f| !f.required).map(|f| {
        let n = ident(&f.name.rust);
        quote!(usize::from(self.#n.is_some()))
    }));
    let len = if terms.is_empty() {
        quote!(0)
    } else {
        quote!(#(#terms)+*)
    };
    let writes = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        let wire = &f.name.wire;
        if f.required {
            quote!(object.field(#wire, &self.#n);)
        } else {
            quote!(object.optional(#wire, &self.#n);)
        }
    });
    if let Some(extra) = &s.additional {
        // Keys known only at run time: written as a map, declared fields first.
        let n = ident(&extra.rust);
        let declared = s.fields.iter().map(|f| f.name.wire.as_str());
        return quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    let mut object = crate::runtime::MapWriter::new(serializer.serialize_map(::std::option::Option::None)?);
                    #(#writes)*
                    object.extras(&self.#n, &[#(#declared),*]);
                    object.end()
                }
            }
        };
    }
    let object = if s.fields.is_empty() {
        quote!(object)
    } else {
        quote!(mut object)
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let len = #len;
                let #object = crate::runtime::ObjectWriter::new(serializer.serialize_struct(#type_name, len)?);
                #(#writes)*
                object.end()
            }
        }
    }
}

/// `Deserialize` from an object: unknown keys are skipped, a repeated key is an error, an absent
/// required field is an error, an absent or `null` optional one is `None`. Required nullable
/// fields may be absent too, as with serde's derive. Types are named by `self::` paths, so a schema
/// called `Fields` or `A` cannot be confused with the visitor or its parameters.
fn emit_struct_deserialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let expecting = format!("struct {name}");
    let slots = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        quote!(let mut #n = ::std::option::Option::None;)
    });
    let arms = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        let wire = &f.name.wire;
        quote!(#wire => __map.read_field(&mut #n, #wire),)
    });
    // Undeclared keys are kept when the schema allows them, skipped otherwise.
    let (extra_slot, other_key, extra_init) = match &s.additional {
        Some(extra) => {
            let n = ident(&extra.rust);
            (
                quote!(let mut __extra = ::std::collections::BTreeMap::new();),
                quote!(__other => __map.read_extra(&mut __extra, __other),),
                quote!(#n: __extra,),
            )
        }
        None => (
            TokenStream::new(),
            quote!(_ => __map.skip_field(),),
            TokenStream::new(),
        ),
    };
    // The locals are the fields' own names; the map and the key take names no field can have.
    let read_keys = if s.fields.is_empty() && s.additional.is_none() {
        quote! {
            while __map.next_key::<crate::runtime::FieldKey<'de>>()?.is_some() {
                __map.skip_field()?;
            }
        }
    } else {
        quote! {
            while let ::std::option::Option::Some(__key) = __map.next_key::<crate::runtime::FieldKey<'de>>()? {
                match __key.as_str() {
                    #(#arms)*
                    #other_key
                }?;
            }
        }
    };
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        let wire = &f.name.wire;
        if f.optional() {
            quote!(#n: ::std::option::Option::flatten(#n),)
        } else {
            quote!(#n: crate::runtime::required_field(#n, #wire)?,)
        }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = self::#name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut __map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        use crate::runtime::ReadFields as _;
                        #(#slots)*
                        #extra_slot
                        #read_keys
                        ::std::result::Result::Ok(self::#name { #(#inits)* #extra_init })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}

/// `new` takes the required fields; optional ones start as `None`.
fn emit_constructor(name: &proc_macro2::Ident, s: &Struct, api: &Api) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        let n = ident(&f.name.rust);
        let ty = field_type(f, api);
        quote!(#n: impl ::std::convert::Into<#ty>)
    });
    let extra = s.additional.as_ref().map(|a| {
        let n = ident(&a.rust);
        quote!(#n: ::std::collections::BTreeMap::new())
    });
    let inits = s
        .fields
        .iter()
        .map(|f| {
            let n = ident(&f.name.rust);
            if f.required {
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
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
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
    let mirror = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let ty = ident(api.name(v.ty));
        let wire = &v.name.wire;
        quote! { #[serde(rename = #wire)] #variant(&'a self::#ty), }
    });
    let to_mirror = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        quote! { Self::#variant(value) => ::serde::Serialize::serialize(&Tagged::#variant(value), serializer), }
    });
    let decode = t.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let wire = &v.name.wire;
        quote! { #wire => crate::runtime::decode_variant(object).map(Self::#variant), }
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
    let mirror = (!t.variants.is_empty()).then(|| {
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
                let (tag, object) = crate::runtime::take_tagged(deserializer, #tag)?;
                let decoded = match tag.as_str() {
                    #(#decode)*
                    _ => {
                        crate::runtime::lenient();
                        ::std::result::Result::Ok(Self::#fallback(crate::runtime::UnknownVariant::read(#tag, tag, object)))
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
        let text = format!(" A value of the `{}` shape.", v.name);
        quote! { #[doc = #text] #variant(#ty), }
    });
    let attempts = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(trial.attempt(Self::#variant))
    });
    let type_name = name.to_string();
    // Each variant is tried on the buffered value, the first that accounts for every key and
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
