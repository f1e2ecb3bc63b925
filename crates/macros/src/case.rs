//! `rename_all` rules: how a method's snake_case name becomes a signal, query or update name.

/// A naming convention for handler names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // The names are the conventions' own.
pub(crate) enum RenameRule {
    /// `value_plus` → `valueplus`
    LowerCase,
    /// `value_plus` → `VALUEPLUS`
    UpperCase,
    /// `value_plus` → `ValuePlus`
    PascalCase,
    /// `value_plus` → `valuePlus`
    CamelCase,
    /// `value_plus` → `value_plus`
    SnakeCase,
    /// `value_plus` → `VALUE_PLUS`
    ScreamingSnakeCase,
    /// `value_plus` → `value-plus`
    KebabCase,
    /// `value_plus` → `VALUE-PLUS`
    ScreamingKebabCase,
}

const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::LowerCase),
    ("UPPERCASE", RenameRule::UpperCase),
    ("PascalCase", RenameRule::PascalCase),
    ("camelCase", RenameRule::CamelCase),
    ("snake_case", RenameRule::SnakeCase),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnakeCase),
    ("kebab-case", RenameRule::KebabCase),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebabCase),
];

impl RenameRule {
    /// The rule named `name`, or a message listing every valid name.
    pub(crate) fn from_name(name: &str) -> Result<Self, String> {
        RULES
            .iter()
            .find(|(rule_name, _)| *rule_name == name)
            .map(|(_, rule)| *rule)
            .ok_or_else(|| {
                let names: Vec<String> = RULES.iter().map(|(n, _)| format!("\"{n}\"")).collect();
                format!(
                    "unknown rename_all rule \"{name}\"; expected one of {}",
                    names.join(", ")
                )
            })
    }

    /// Applies the rule to a snake_case method name.
    pub(crate) fn apply(self, snake: &str) -> String {
        let words = snake.split('_').filter(|w| !w.is_empty());
        match self {
            Self::LowerCase => snake.replace('_', "").to_ascii_lowercase(),
            Self::UpperCase => snake.replace('_', "").to_ascii_uppercase(),
            Self::SnakeCase => snake.to_owned(),
            Self::ScreamingSnakeCase => snake.to_ascii_uppercase(),
            Self::KebabCase => snake.replace('_', "-"),
            Self::ScreamingKebabCase => snake.replace('_', "-").to_ascii_uppercase(),
            Self::PascalCase => words.map(capitalize).collect(),
            Self::CamelCase => {
                let mut out = String::new();
                for (index, word) in words.enumerate() {
                    if index == 0 {
                        out.push_str(word);
                    } else {
                        out.push_str(&capitalize(word));
                    }
                }
                out
            }
        }
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_renames_a_snake_case_name() {
        let cases = [
            ("lowercase", "valueplus"),
            ("UPPERCASE", "VALUEPLUS"),
            ("PascalCase", "ValuePlus"),
            ("camelCase", "valuePlus"),
            ("snake_case", "value_plus"),
            ("SCREAMING_SNAKE_CASE", "VALUE_PLUS"),
            ("kebab-case", "value-plus"),
            ("SCREAMING-KEBAB-CASE", "VALUE-PLUS"),
        ];
        for (rule, expected) in cases {
            assert_eq!(
                RenameRule::from_name(rule).expect(rule).apply("value_plus"),
                expected
            );
        }
        assert_eq!(RenameRule::CamelCase.apply("get"), "get");
    }

    #[test]
    fn an_unknown_rule_lists_the_valid_ones() {
        let message = RenameRule::from_name("camelcase").expect_err("unknown");
        assert!(message.contains("\"camelCase\""), "{message}");
        assert!(message.contains("\"SCREAMING-KEBAB-CASE\""), "{message}");
    }
}
