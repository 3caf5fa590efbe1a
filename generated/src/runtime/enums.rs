//! What string enums share: the error of parsing a value the document does not list.

use std::fmt;

/// A value that is not one of a string enum's documented values, refused by its `FromStr`.
///
/// Decoding never refuses such a value: an enum read from a response, or built with
/// `From<&str>`, keeps it in its catch-all variant, so that a value added after the document was
/// published still decodes. Parsing is for values a caller types in (configuration, command
/// lines), where an undocumented value is more likely a mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndocumentedValue {
    /// The enum's name.
    pub type_name: &'static str,
    /// The value given.
    pub value: String,
    /// The values the document lists, in its order.
    pub documented: &'static [&'static str],
}

impl UndocumentedValue {
    /// The error for `value`, given to the enum named `type_name` whose values are `documented`.
    #[doc(hidden)]
    pub fn new(
        type_name: &'static str,
        value: String,
        documented: &'static [&'static str],
    ) -> UndocumentedValue {
        UndocumentedValue {
            type_name,
            value,
            documented,
        }
    }
}

impl fmt::Display for UndocumentedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a documented value of {}; the documented values are ",
            self.value, self.type_name
        )?;
        for (index, value) in self.documented.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        write!(
            f,
            " (`{}::from` keeps any value, in its catch-all variant)",
            self.type_name
        )
    }
}

impl std::error::Error for UndocumentedValue {}
