//! [`ToPayloads`] and [`FromPayloads`]: argument lists as one payload per argument.

use super::Payload;
use super::payload::{Encoding, new_payload};
use super::{ConversionError, DataConverter, FromPayload, ToPayload};

/// The arguments of a workflow, signal, query, update or activity: one payload per argument.
///
/// Implemented for `()` (no arguments), tuples of up to 12 [`ToPayload`] values (`(a,)` for
/// one argument), and already-encoded `Vec<Payload>` and `[Payload]`, passed through as they
/// are (cloned). Call it through [`DataConverter::to_payloads`].
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, RawBytes};
///
/// let converter = DataConverter::new();
/// assert!(converter.to_payloads(&())?.is_empty());
///
/// let payloads = converter.to_payloads(&("Temporal", 42, RawBytes::from(vec![1])))?;
/// assert_eq!(payloads.len(), 3);
/// assert_eq!(payloads[1].data(), b"42");
///
/// // Already-encoded payloads pass through.
/// assert_eq!(converter.to_payloads(&payloads)?, payloads);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an argument list",
    note = "pass `()` for no arguments, a tuple such as `(a,)` or `(a, b)`, or a `Vec<Payload>`"
)]
pub trait ToPayloads {
    /// Converts each argument with `converter`.
    ///
    /// Prefer [`DataConverter::to_payloads`], which reads better.
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when an argument cannot be converted.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, ToPayloads};
    ///
    /// let payloads = (1, 2).to_payloads(&DataConverter::new())?;
    /// assert_eq!(payloads.len(), 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn to_payloads(&self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError>;
}

/// Typed arguments read from a list of payloads, one per argument: for signal, query and
/// update handlers that take several arguments.
///
/// Implemented for `()` (ignores every payload), tuples of up to 12 [`FromPayload`] values,
/// and `Vec<Payload>` (the payloads themselves). A missing payload reads as `binary/null`,
/// so trailing `Option` arguments may be left out by the sender; extra payloads are ignored,
/// as the other SDKs do.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, FromPayloads};
///
/// let converter = DataConverter::new();
/// let payloads = converter.to_payloads(&("Temporal",))?;
/// let (name, count): (String, Option<u32>) = FromPayloads::from_payloads(&payloads, &converter)?;
/// assert_eq!((name.as_str(), count), ("Temporal", None));
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from an argument list",
    note = "use `()`, a tuple such as `(A,)` or `(A, B)`, or `Vec<Payload>`"
)]
pub trait FromPayloads: Sized {
    /// Reads each argument from `payloads` with `converter`.
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when a payload cannot be read as its argument's type.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, FromPayloads};
    ///
    /// let converter = DataConverter::new();
    /// let payloads = converter.to_payloads(&(1, "a"))?;
    /// assert_eq!(<(u8, String)>::from_payloads(&payloads, &converter)?, (1, "a".to_owned()));
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn from_payloads(
        payloads: &[Payload],
        converter: &DataConverter,
    ) -> Result<Self, ConversionError>;
}

/// Reads `payload`, or a `binary/null` payload if there is none.
pub(crate) fn from_optional_payload<T: FromPayload>(
    payload: Option<&Payload>,
    converter: &DataConverter,
) -> Result<T, ConversionError> {
    match payload {
        Some(payload) => T::from_payload(payload, converter),
        None => T::from_payload(
            &new_payload(Encoding::BinaryNull, bytes::Bytes::new()),
            converter,
        ),
    }
}

impl ToPayloads for () {
    fn to_payloads(&self, _: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(Vec::new())
    }
}

impl ToPayloads for [Payload] {
    fn to_payloads(&self, _: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(self.to_vec())
    }
}

impl ToPayloads for Vec<Payload> {
    fn to_payloads(&self, _: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(self.clone())
    }
}

impl<T: ToPayloads + ?Sized> ToPayloads for &T {
    fn to_payloads(&self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        (**self).to_payloads(converter)
    }
}

impl FromPayloads for () {
    fn from_payloads(_: &[Payload], _: &DataConverter) -> Result<Self, ConversionError> {
        Ok(())
    }
}

impl FromPayloads for Vec<Payload> {
    fn from_payloads(payloads: &[Payload], _: &DataConverter) -> Result<Self, ConversionError> {
        Ok(payloads.to_vec())
    }
}

macro_rules! tuples {
    ($( ($($name:ident $index:tt),+) )+) => {$(
        impl<$($name: ToPayload),+> ToPayloads for ($($name,)+) {
            fn to_payloads(&self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
                Ok(vec![$(self.$index.to_payload(converter)?),+])
            }
        }

        impl<$($name: FromPayload),+> FromPayloads for ($($name,)+) {
            fn from_payloads(payloads: &[Payload], converter: &DataConverter) -> Result<Self, ConversionError> {
                Ok(($(from_optional_payload::<$name>(payloads.get($index), converter)?,)+))
            }
        }
    )+};
}

tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::converter::RawBytes;

    #[test]
    fn twelve_arguments_round_trip() {
        let converter = DataConverter::new();
        let args = (
            1u8,
            2u16,
            3u32,
            4u64,
            "5".to_owned(),
            6i8,
            7i16,
            8i32,
            9i64,
            10.5f64,
            true,
            json!({"k": 12}),
        );
        let payloads = converter.to_payloads(&args).unwrap();
        assert_eq!(payloads.len(), 12);
        let back: (
            u8,
            u16,
            u32,
            u64,
            String,
            i8,
            i16,
            i32,
            i64,
            f64,
            bool,
            Value,
        ) = FromPayloads::from_payloads(&payloads, &converter).unwrap();
        assert_eq!(back, args);
    }

    #[test]
    fn mixed_argument_kinds() {
        let converter = DataConverter::new();
        let payloads = converter
            .to_payloads(&(RawBytes::from(vec![9]), (), "x"))
            .unwrap();
        let encodings: Vec<_> = payloads
            .iter()
            .map(|p| p.encoding().expect("an encoding"))
            .collect();
        assert_eq!(encodings, ["binary/plain", "binary/null", "json/plain"]);
        let (bytes, (), x): (RawBytes, (), String) =
            FromPayloads::from_payloads(&payloads, &converter).unwrap();
        assert_eq!((&bytes[..], x.as_str()), (&[9][..], "x"));
    }

    #[test]
    fn missing_arguments_read_as_null_and_extra_ones_are_ignored() {
        let converter = DataConverter::new();
        let (a, b): (Option<u8>, Value) = FromPayloads::from_payloads(&[], &converter).unwrap();
        assert_eq!((a, b), (None, Value::Null));
        let payloads = converter.to_payloads(&(1, 2, 3)).unwrap();
        let (first,): (u8,) = FromPayloads::from_payloads(&payloads, &converter).unwrap();
        assert_eq!(first, 1);
        assert!(<(u8, u8, u8, u8)>::from_payloads(&payloads, &converter).is_err());
    }

    #[test]
    fn encoded_payloads_pass_through() {
        let converter = DataConverter::new();
        let payloads = converter.to_payloads(&("a", 1)).unwrap();
        assert_eq!(
            converter.to_payloads(payloads.as_slice()).unwrap(),
            payloads
        );
        assert_eq!(converter.to_payloads(&&payloads).unwrap(), payloads);
        assert_eq!(
            Vec::<Payload>::from_payloads(&payloads, &converter).unwrap(),
            payloads
        );
    }
}
