//! Typed search attributes: keys that know their type, so a value of the wrong type does not
//! compile.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::SystemTime;

use temporal_proto::api::common::v1::{Payload, SearchAttributes as ProtoSearchAttributes};
use temporal_proto::google::protobuf::Timestamp;

/// The name and type of a search attribute, such as `SearchAttributeKey::keyword("CustomerId")`.
///
/// # Examples
///
/// ```
/// use temporal_client::{SearchAttributeKey, SearchAttributes};
///
/// let customer = SearchAttributeKey::keyword("CustomerId");
/// let total = SearchAttributeKey::double("OrderTotal");
/// let attributes = SearchAttributes::new()
///     .with(&customer, "c-42")
///     .with(&total, 99.5);
/// assert_eq!(attributes.get(&customer), Some("c-42".to_owned()));
/// assert_eq!(attributes.get(&total), Some(99.5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchAttributeKey<T> {
    name: String,
    kind: SearchAttributeKind,
    value_type: PhantomData<fn() -> T>,
}

impl<T> SearchAttributeKey<T> {
    fn new(name: impl Into<String>, kind: SearchAttributeKind) -> Self {
        Self {
            name: name.into(),
            kind,
            value_type: PhantomData,
        }
    }

    /// The attribute's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributeKey;
    ///
    /// assert_eq!(SearchAttributeKey::keyword("CustomerId").name(), "CustomerId");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The attribute's type.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributeKind};
    ///
    /// assert_eq!(SearchAttributeKey::int("ItemCount").kind(), SearchAttributeKind::Int);
    /// ```
    pub fn kind(&self) -> SearchAttributeKind {
        self.kind
    }
}

impl SearchAttributeKey<String> {
    /// A full-text attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let notes = SearchAttributeKey::text("Notes");
    /// let attributes = SearchAttributes::new().with(&notes, "leave at the door");
    /// # let _ = attributes;
    /// ```
    pub fn text(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Text)
    }

    /// An exact-match attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let customer = SearchAttributeKey::keyword("CustomerId");
    /// let attributes = SearchAttributes::new().with(&customer, "c-42");
    /// # let _ = attributes;
    /// ```
    pub fn keyword(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Keyword)
    }
}

impl SearchAttributeKey<i64> {
    /// An integer attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let items = SearchAttributeKey::int("ItemCount");
    /// let attributes = SearchAttributes::new().with(&items, 3);
    /// assert_eq!(attributes.get(&items), Some(3));
    /// ```
    pub fn int(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Int)
    }
}

impl SearchAttributeKey<f64> {
    /// A floating-point attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let total = SearchAttributeKey::double("OrderTotal");
    /// let attributes = SearchAttributes::new().with(&total, 99.5);
    /// assert_eq!(attributes.get(&total), Some(99.5));
    /// ```
    pub fn double(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Double)
    }
}

impl SearchAttributeKey<bool> {
    /// A boolean attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let express = SearchAttributeKey::bool("Express");
    /// let attributes = SearchAttributes::new().with(&express, true);
    /// assert_eq!(attributes.get(&express), Some(true));
    /// ```
    pub fn bool(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Bool)
    }
}

impl SearchAttributeKey<SystemTime> {
    /// A date-time attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let placed = SearchAttributeKey::datetime("PlacedAt");
    /// let attributes = SearchAttributes::new().with(&placed, SystemTime::now());
    /// # let _ = attributes;
    /// ```
    pub fn datetime(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::Datetime)
    }
}

impl SearchAttributeKey<Vec<String>> {
    /// A list of exact-match keywords.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let tags = SearchAttributeKey::keyword_list("Tags");
    /// let attributes = SearchAttributes::new().with(&tags, vec!["gift".to_owned(), "fragile".to_owned()]);
    /// assert_eq!(attributes.get(&tags).map(|tags| tags.len()), Some(2));
    /// ```
    pub fn keyword_list(name: impl Into<String>) -> Self {
        Self::new(name, SearchAttributeKind::KeywordList)
    }
}

/// A type a search attribute can hold; implemented for the types of the
/// [`SearchAttributeKey`] constructors.
///
/// # Examples
///
/// ```
/// use temporal_client::SearchAttributeValue;
///
/// let json = 42_i64.to_json();
/// assert_eq!(i64::from_json(json), Some(42));
/// assert_eq!(bool::from_json(serde_json::json!("not a bool")), None);
/// ```
pub trait SearchAttributeValue: Sized {
    /// The value as JSON, as every SDK writes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributeValue;
    ///
    /// assert_eq!(vec!["gift".to_owned()].to_json(), serde_json::json!(["gift"]));
    /// ```
    fn to_json(&self) -> serde_json::Value;
    /// The value from JSON, or `None` if it is not of this type.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributeValue;
    ///
    /// assert_eq!(f64::from_json(serde_json::json!(99.5)), Some(99.5));
    /// assert_eq!(f64::from_json(serde_json::json!("99.5")), None);
    /// ```
    fn from_json(json: serde_json::Value) -> Option<Self>;
}

macro_rules! serde_value {
    ($($t:ty),*) => {$(
        impl SearchAttributeValue for $t {
            fn to_json(&self) -> serde_json::Value {
                serde_json::json!(self)
            }
            fn from_json(json: serde_json::Value) -> Option<Self> {
                serde_json::from_value(json).ok()
            }
        }
    )*};
}
serde_value!(String, i64, f64, bool, Vec<String>);

impl SearchAttributeValue for SystemTime {
    fn to_json(&self) -> serde_json::Value {
        match Timestamp::try_from(*self) {
            Ok(timestamp) => serde_json::Value::String(timestamp.to_string()),
            Err(_) => serde_json::Value::Null,
        }
    }

    fn from_json(json: serde_json::Value) -> Option<Self> {
        let text = json.as_str()?;
        let timestamp: Timestamp = text.parse().ok()?;
        SystemTime::try_from(timestamp).ok()
    }
}

/// A search attribute that holds a value of another type than its key's: what
/// [`SearchAttributes::try_get`] returns instead of the value.
///
/// # Examples
///
/// ```
/// use temporal_client::{SearchAttributeKey, SearchAttributeKind, SearchAttributes};
///
/// let attributes = SearchAttributes::new().with(&SearchAttributeKey::bool("Express"), true);
/// let error = attributes.try_get(&SearchAttributeKey::double("Express")).unwrap_err();
/// assert_eq!(error.expected, SearchAttributeKind::Double);
/// assert_eq!(error.to_string(), "search attribute `Express` holds true, not a Double");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("search attribute `{name}` holds {value}, not a {expected}")]
#[non_exhaustive]
pub struct SearchAttributeTypeError {
    /// The attribute's name.
    pub name: String,
    /// The type the key asked for.
    pub expected: SearchAttributeKind,
    /// The value it holds, as JSON.
    pub value: serde_json::Value,
}

/// Search attributes of a workflow: set at start, read back from describe and list.
///
/// Search attributes are indexed by the server, so they are never encrypted by a payload codec.
///
/// # Examples
///
/// ```
/// use temporal_client::{SearchAttributeKey, SearchAttributes, StartOptions};
///
/// let customer = SearchAttributeKey::keyword("CustomerId");
/// let items = SearchAttributeKey::int("ItemCount");
/// let attributes = SearchAttributes::new().with(&customer, "c-42").with(&items, 3);
/// assert_eq!(attributes.len(), 2);
/// let options = StartOptions::new("order-1234", "orders").search_attributes(attributes);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchAttributes {
    /// The kind is `None` when the server names one this version does not know.
    values: HashMap<String, (Option<SearchAttributeKind>, serde_json::Value)>,
}

impl SearchAttributes {
    /// No attributes.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributes;
    ///
    /// assert!(SearchAttributes::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// These attributes and `key` set to `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let customer = SearchAttributeKey::keyword("CustomerId");
    /// let attributes = SearchAttributes::new().with(&customer, "c-42");
    /// assert_eq!(attributes.get(&customer), Some("c-42".to_owned()));
    /// ```
    #[must_use]
    pub fn with<T: SearchAttributeValue>(
        mut self,
        key: &SearchAttributeKey<T>,
        value: impl Into<T>,
    ) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let items = SearchAttributeKey::int("ItemCount");
    /// let mut attributes = SearchAttributes::new();
    /// attributes.insert(&items, 3);
    /// assert_eq!(attributes.get(&items), Some(3));
    /// ```
    pub fn insert<T: SearchAttributeValue>(
        &mut self,
        key: &SearchAttributeKey<T>,
        value: impl Into<T>,
    ) {
        self.values
            .insert(key.name.clone(), (Some(key.kind), value.into().to_json()));
    }

    /// The value of `key`, if set and of its type; `None` when it is not set or holds a value
    /// of another type (use [`try_get`](SearchAttributes::try_get) to tell them apart).
    ///
    /// A single value written as a one-element JSON array, as the TypeScript client's
    /// `searchAttributes` option writes every value, reads as that value.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let customer = SearchAttributeKey::keyword("CustomerId");
    /// let attributes = SearchAttributes::new().with(&customer, "c-42");
    /// assert_eq!(attributes.get(&customer).as_deref(), Some("c-42"));
    /// assert_eq!(attributes.get(&SearchAttributeKey::keyword("Other")), None);
    /// ```
    pub fn get<T: SearchAttributeValue>(&self, key: &SearchAttributeKey<T>) -> Option<T> {
        self.try_get(key).ok().flatten()
    }

    /// The value of `key`: `Ok(None)` when it is not set, an error when it holds a value that
    /// is not of the key's type.
    ///
    /// As [`get`](SearchAttributes::get), a single value written as a one-element JSON array
    /// (as the TypeScript client's `searchAttributes` option writes it) reads as that value,
    /// and a keyword list written as one string reads as a list of one.
    ///
    /// # Errors
    ///
    /// [`SearchAttributeTypeError`] when the value is of another type.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let attributes = SearchAttributes::new().with(&SearchAttributeKey::keyword("Region"), "eu-west");
    /// assert_eq!(attributes.try_get(&SearchAttributeKey::int("Missing")), Ok(None));
    /// let error = attributes.try_get(&SearchAttributeKey::int("Region")).unwrap_err();
    /// assert_eq!(error.name, "Region");
    /// assert_eq!(error.value, serde_json::json!("eu-west"));
    /// ```
    pub fn try_get<T: SearchAttributeValue>(
        &self,
        key: &SearchAttributeKey<T>,
    ) -> Result<Option<T>, SearchAttributeTypeError> {
        let Some((_, json)) = self.values.get(&key.name) else {
            return Ok(None);
        };
        let json = match (key.kind, json) {
            (SearchAttributeKind::KeywordList, serde_json::Value::String(_)) => {
                serde_json::Value::Array(vec![json.clone()])
            }
            (SearchAttributeKind::KeywordList, _) => json.clone(),
            (_, serde_json::Value::Array(items)) if items.len() == 1 => items[0].clone(),
            _ => json.clone(),
        };
        match T::from_json(json) {
            Some(value) => Ok(Some(value)),
            None => Err(SearchAttributeTypeError {
                name: key.name.clone(),
                expected: key.kind,
                value: self.values[&key.name].1.clone(),
            }),
        }
    }

    /// The value of an attribute by name, whatever its type, as JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let items = SearchAttributeKey::int("ItemCount");
    /// let attributes = SearchAttributes::new().with(&items, 3);
    /// assert_eq!(attributes.get_json("ItemCount"), Some(&serde_json::json!(3)));
    /// ```
    pub fn get_json(&self, name: &str) -> Option<&serde_json::Value> {
        self.values.get(name).map(|(_, json)| json)
    }

    /// How many attributes are set.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes};
    ///
    /// let attributes = SearchAttributes::new().with(&SearchAttributeKey::bool("Express"), true);
    /// assert_eq!(attributes.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether none are set.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributes;
    ///
    /// assert!(SearchAttributes::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub(crate) fn to_proto(&self) -> ProtoSearchAttributes {
        let indexed_fields = self
            .values
            .iter()
            .map(|(name, (kind, json))| {
                let mut metadata = HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]);
                if let Some(kind) = kind {
                    metadata.insert("type".to_owned(), kind.as_str().as_bytes().to_vec());
                }
                let payload = Payload {
                    metadata,
                    data: json.to_string().into_bytes().into(),
                    ..Default::default()
                };
                (name.clone(), payload)
            })
            .collect();
        ProtoSearchAttributes { indexed_fields }
    }

    /// Reads attributes as the server returns them; payloads that are not JSON are skipped.
    pub(crate) fn from_proto(proto: ProtoSearchAttributes) -> Self {
        let values = proto
            .indexed_fields
            .into_iter()
            .filter_map(|(name, payload)| {
                let json: serde_json::Value = serde_json::from_slice(&payload.data).ok()?;
                let kind = payload
                    .metadata
                    .get("type")
                    .and_then(|t| std::str::from_utf8(t).ok())
                    .and_then(SearchAttributeKind::from_name);
                Some((name, (kind, json)))
            })
            .collect();
        Self { values }
    }
}

/// The type of a search attribute's values, as the server indexes them: what a
/// [`SearchAttributeKey`] declares.
///
/// # Examples
///
/// ```
/// use temporal_client::{SearchAttributeKey, SearchAttributeKind};
///
/// let kind = SearchAttributeKey::keyword_list("Tags").kind();
/// assert_eq!(kind, SearchAttributeKind::KeywordList);
/// assert_eq!(kind.to_string(), "KeywordList");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchAttributeKind {
    /// Full-text searchable text (`SearchAttributeKey::text`).
    Text,
    /// A string matched exactly (`SearchAttributeKey::keyword`).
    Keyword,
    /// A 64-bit integer (`SearchAttributeKey::int`).
    Int,
    /// A 64-bit float (`SearchAttributeKey::double`).
    Double,
    /// A boolean (`SearchAttributeKey::bool`).
    Bool,
    /// A point in time (`SearchAttributeKey::datetime`).
    Datetime,
    /// A list of keywords (`SearchAttributeKey::keyword_list`).
    KeywordList,
}

impl SearchAttributeKind {
    const ALL: [Self; 7] = [
        Self::Text,
        Self::Keyword,
        Self::Int,
        Self::Double,
        Self::Bool,
        Self::Datetime,
        Self::KeywordList,
    ];

    /// The name the server and every SDK use, such as `Keyword`, as in the `type` metadata of
    /// a search attribute's payload and in `temporal operator search-attribute create`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SearchAttributeKind;
    ///
    /// assert_eq!(SearchAttributeKind::Datetime.as_str(), "Datetime");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Keyword => "Keyword",
            Self::Int => "Int",
            Self::Double => "Double",
            Self::Bool => "Bool",
            Self::Datetime => "Datetime",
            Self::KeywordList => "KeywordList",
        }
    }

    /// The kind named `name` ([`as_str`](Self::as_str)); `None` for a name this version does
    /// not know.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl std::fmt::Display for SearchAttributeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn attributes_are_written_as_the_python_sdk_writes_them() {
        let attributes = SearchAttributes::new()
            .with(&SearchAttributeKey::keyword("K"), "v".to_owned())
            .with(&SearchAttributeKey::int("I"), 3)
            .with(
                &SearchAttributeKey::keyword_list("L"),
                vec!["a".to_owned(), "b".to_owned()],
            );
        let proto = attributes.to_proto();
        let keyword = &proto.indexed_fields["K"];
        assert_eq!(keyword.metadata["encoding"], b"json/plain");
        assert_eq!(keyword.metadata["type"], b"Keyword");
        assert_eq!(&keyword.data[..], br#""v""#);
        assert_eq!(&proto.indexed_fields["I"].data[..], b"3");
        assert_eq!(&proto.indexed_fields["L"].data[..], br#"["a","b"]"#);
        assert_eq!(SearchAttributes::from_proto(proto), attributes);
    }

    #[test]
    fn datetimes_round_trip_and_read_python_offsets() {
        let key = SearchAttributeKey::datetime("D");
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_323_045);
        let attributes = SearchAttributes::new().with(&key, time);
        assert_eq!(
            attributes.get_json("D"),
            Some(&serde_json::json!("2026-01-02T03:04:05Z"))
        );
        let python = ProtoSearchAttributes {
            indexed_fields: [(
                "D".to_owned(),
                Payload {
                    metadata: [("type".to_owned(), b"Datetime".to_vec())].into(),
                    data: br#""2026-01-02T03:04:05+00:00""#.to_vec().into(),
                    ..Default::default()
                },
            )]
            .into(),
        };
        assert_eq!(SearchAttributes::from_proto(python).get(&key), Some(time));
    }

    fn typescript_style(name: &str, kind: &str, data: &[u8]) -> SearchAttributes {
        SearchAttributes::from_proto(ProtoSearchAttributes {
            indexed_fields: [(
                name.to_owned(),
                Payload {
                    metadata: [
                        ("encoding".to_owned(), b"json/plain".to_vec()),
                        ("type".to_owned(), kind.as_bytes().to_vec()),
                    ]
                    .into(),
                    data: data.to_vec().into(),
                    ..Default::default()
                },
            )]
            .into(),
        })
    }

    #[test]
    fn single_values_written_as_one_element_arrays_are_read() {
        let key = SearchAttributeKey::keyword("K");
        assert_eq!(
            typescript_style("K", "Keyword", br#"["kw"]"#).get(&key),
            Some("kw".to_owned())
        );
        let key = SearchAttributeKey::int("I");
        assert_eq!(typescript_style("I", "Int", b"[7]").get(&key), Some(7));
        let key = SearchAttributeKey::bool("B");
        assert_eq!(
            typescript_style("B", "Bool", b"[true]").get(&key),
            Some(true)
        );
        let key = SearchAttributeKey::double("D");
        assert_eq!(
            typescript_style("D", "Double", b"[99.5]").get(&key),
            Some(99.5)
        );
        let key = SearchAttributeKey::text("T");
        assert_eq!(
            typescript_style("T", "Text", br#"["words"]"#).get(&key),
            Some("words".to_owned())
        );
        let key = SearchAttributeKey::datetime("At");
        assert_eq!(
            typescript_style("At", "Datetime", br#"["2026-01-02T03:04:05Z"]"#).get(&key),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_323_045))
        );
        // Without the type the server adds: the same.
        let untyped = typescript_style("K", "", br#"["kw"]"#);
        assert_eq!(
            untyped.get(&SearchAttributeKey::keyword("K")),
            Some("kw".to_owned())
        );
    }

    #[test]
    fn keyword_lists_stay_lists() {
        let key = SearchAttributeKey::keyword_list("L");
        assert_eq!(
            typescript_style("L", "KeywordList", br#"["only"]"#).get(&key),
            Some(vec!["only".to_owned()])
        );
        assert_eq!(
            typescript_style("L", "KeywordList", br#""one""#).get(&key),
            Some(vec!["one".to_owned()])
        );
        // Two values are not one: not a keyword.
        let two = typescript_style("K", "Keyword", br#"["a","b"]"#);
        assert!(two.try_get(&SearchAttributeKey::keyword("K")).is_err());
    }

    #[test]
    fn absent_and_wrong_type_are_told_apart() {
        let attributes = typescript_style("K", "Keyword", br#"["kw"]"#);
        assert_eq!(
            attributes.try_get(&SearchAttributeKey::int("Missing")),
            Ok(None)
        );
        assert_eq!(
            attributes.try_get(&SearchAttributeKey::int("K")),
            Err(SearchAttributeTypeError {
                name: "K".to_owned(),
                expected: SearchAttributeKind::Int,
                value: serde_json::json!(["kw"]),
            })
        );
    }

    #[test]
    fn a_value_of_another_type_reads_as_none() {
        let attributes =
            SearchAttributes::new().with(&SearchAttributeKey::keyword("X"), "text".to_owned());
        assert_eq!(attributes.get(&SearchAttributeKey::int("X")), None);
    }
}
