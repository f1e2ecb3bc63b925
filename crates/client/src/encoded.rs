//! [`EncodedValues`]: payloads that are decoded only when, and as what, the caller asks.

use std::fmt;

use crate::converter::Payload;

use crate::converter::{ConversionError, DataConverter, FromPayload};

/// Values that arrived as payloads, such as failure details or a memo: decode each with
/// [`get`](EncodedValues::get) as the type you expect.
///
/// The payload codec has already run; only payload conversion remains.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, EncodedValues};
///
/// let converter = DataConverter::default();
/// let payload = converter.to_payload("out of stock")?;
/// let details = EncodedValues::new(vec![payload], converter);
/// assert_eq!(details.get::<String>(0)?, "out of stock");
/// assert!(details.get::<String>(1).is_err(), "there is no second value");
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[derive(Clone, Default)]
pub struct EncodedValues {
    payloads: Vec<Payload>,
    converter: DataConverter,
}

impl EncodedValues {
    /// Payloads to decode with `converter`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, EncodedValues};
    ///
    /// let converter = DataConverter::default();
    /// let payloads = vec![converter.to_payload("sku-1")?, converter.to_payload(&2)?];
    /// let values = EncodedValues::new(payloads, converter);
    /// assert_eq!(values.get::<i32>(1)?, 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn new(payloads: Vec<Payload>, converter: DataConverter) -> Self {
        Self {
            payloads,
            converter,
        }
    }

    /// How many values there are.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, EncodedValues};
    ///
    /// let converter = DataConverter::default();
    /// let values = EncodedValues::new(vec![converter.to_payload("a")?], converter);
    /// assert_eq!(values.len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.payloads.len()
    }

    /// Whether there are none.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::EncodedValues;
    ///
    /// assert!(EncodedValues::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.payloads.is_empty()
    }

    /// Decodes value number `index` as a `T`.
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when the payload is not a `T`, or when there is no such value.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, EncodedValues};
    ///
    /// let converter = DataConverter::default();
    /// let values = EncodedValues::new(vec![converter.to_payload("out of stock")?], converter);
    /// let reason: String = values.get(0)?;
    /// assert_eq!(reason, "out of stock");
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn get<T: FromPayload>(&self, index: usize) -> Result<T, ConversionError> {
        match self.payloads.get(index) {
            Some(payload) => self.converter.from_payload(payload),
            None => Err(ConversionError::missing_value::<T>(
                index,
                self.payloads.len(),
            )),
        }
    }

    /// The payloads themselves.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, EncodedValues};
    ///
    /// let converter = DataConverter::default();
    /// let values = EncodedValues::new(vec![converter.to_payload("a")?], converter);
    /// assert_eq!(values.payloads().len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn payloads(&self) -> &[Payload] {
        &self.payloads
    }
}

impl fmt::Debug for EncodedValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Payload data may be sensitive and large: show only what there is.
        let encodings: Vec<String> = self
            .payloads
            .iter()
            .map(|p| {
                p.metadata("encoding")
                    .map(|e| String::from_utf8_lossy(e).into_owned())
                    .unwrap_or_default()
            })
            .collect();
        f.debug_struct("EncodedValues")
            .field("encodings", &encodings)
            .finish()
    }
}
