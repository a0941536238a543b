//! Pure rules over a template: validating submitted field values, the
//! completeness score and masking of sensitive values.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::categories::model::{FieldDef, FieldType};
use crate::error::Fields;
use crate::users::model::Email;

pub const MASK: &str = "***";
const MAX_TEXT_CHARS: usize = 2000;

/// Checks `values` against the template and returns them normalised (trimmed
/// text, numbers as numbers, empty values dropped). Errors are keyed
/// `fields.<key>`. With `require` false (drafts) missing required fields pass.
pub fn validate(
    template: &[FieldDef],
    values: &Map<String, Value>,
    require: bool,
) -> Result<Map<String, Value>, Fields> {
    let mut problems = Fields::new();
    let mut clean = Map::new();
    for key in values.keys() {
        if !template.iter().any(|f| &f.key == key) {
            problems.insert(format!("fields.{key}"), "模板中没有这个字段".into());
        }
    }
    for field in template {
        let path = format!("fields.{}", field.key);
        match values.get(&field.key).map(|v| normalise(field, v)) {
            None | Some(Ok(None)) => {
                if require && field.required {
                    problems.insert(path, "必填".into());
                }
            }
            Some(Ok(Some(value))) => {
                clean.insert(field.key.clone(), value);
            }
            Some(Err(problem)) => {
                problems.insert(path, problem);
            }
        }
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}

/// One value in its stored form; `Ok(None)` when it is empty.
fn normalise(field: &FieldDef, value: &Value) -> Result<Option<Value>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) if field.kind == FieldType::Number => return Ok(Some(Value::Number(n.clone()))),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => return Err("须为文本或数字".into()),
    };
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("不能超过 {MAX_TEXT_CHARS} 个字符"));
    }
    match field.kind {
        FieldType::Text => Ok(Some(Value::String(text))),
        FieldType::Number => {
            let number: f64 = text.replace(',', "").parse().map_err(|_| "须为数字".to_owned())?;
            let value = if number.fract() == 0.0 && number.abs() < 9e15 {
                Value::from(number as i64)
            } else {
                serde_json::Number::from_f64(number).map(Value::Number).ok_or("须为有限数字")?
            };
            Ok(Some(value))
        }
        FieldType::Date => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(|d| Some(Value::String(d.format("%Y-%m-%d").to_string())))
            .map_err(|_| "日期格式须为 YYYY-MM-DD".into()),
        FieldType::Enum => {
            let options = field.options.as_deref().unwrap_or_default();
            if options.contains(&text) {
                Ok(Some(Value::String(text)))
            } else {
                Err(format!("须为以下之一: {}", options.join("、")))
            }
        }
        FieldType::Phone if is_phone(&text) => Ok(Some(Value::String(text))),
        FieldType::Phone => Err("电话号码格式不正确".into()),
        FieldType::Email => {
            Email::parse(&text).map(|e| Some(Value::String(e.as_str().to_owned()))).map_err(str::to_owned)
        }
    }
}

/// A phone number: 5–20 digits with optional spaces, `+`, `-` and parentheses.
pub fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    text.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) && (5..=20).contains(&digits)
}

/// Share of template fields filled, required fields weighing double, in [0, 1]
/// rounded to two decimals. An empty template counts as complete.
pub fn completeness(template: &[FieldDef], values: &Map<String, Value>) -> f64 {
    let weight = |f: &FieldDef| if f.required { 2.0 } else { 1.0 };
    let total: f64 = template.iter().map(weight).sum();
    if total == 0.0 {
        return 1.0;
    }
    let filled: f64 = template
        .iter()
        .filter(|f| values.get(&f.key).is_some_and(|v| !v.is_null() && v.as_str() != Some("")))
        .map(weight)
        .sum();
    (filled / total * 100.0).round() / 100.0
}

/// The keys of `template` that are sensitive now: recorded with every value
/// written, so that the value stays masked whatever the template becomes.
pub fn sensitive_keys(template: &[FieldDef]) -> Vec<String> {
    template.iter().filter(|f| f.sensitive).map(|f| f.key.clone()).collect()
}

/// Whether the stored value under `key` is sensitive: it was when written
/// (`recorded`), it is now, or its key is no longer in the template (nobody
/// can tell any more what it held).
pub fn is_sensitive(template: &[FieldDef], recorded: &[String], key: &str) -> bool {
    recorded.iter().any(|k| k == key) || template.iter().find(|f| f.key == key).is_none_or(|f| f.sensitive)
}

/// Whether any sensitive value is stored.
pub fn has_sensitive_values(template: &[FieldDef], recorded: &[String], values: &Map<String, Value>) -> bool {
    values.keys().any(|key| is_sensitive(template, recorded, key))
}

/// Replaces every sensitive value with `***`.
pub fn mask(template: &[FieldDef], recorded: &[String], values: &mut Map<String, Value>) {
    for (key, value) in values.iter_mut() {
        if is_sensitive(template, recorded, key) {
            *value = Value::String(MASK.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn field(key: &str, kind: FieldType, required: bool, sensitive: bool) -> FieldDef {
        FieldDef {
            key: key.into(),
            label: key.into(),
            label_en: None,
            kind,
            required,
            sensitive,
            options: (kind == FieldType::Enum).then(|| vec!["中国电信".into(), "中国联通".into()]),
            remind_before_days: None,
            remind_yearly: false,
        }
    }

    fn template() -> Vec<FieldDef> {
        vec![
            field("competitor", FieldType::Enum, true, false),
            field("offer", FieldType::Text, true, false),
            field("tariff", FieldType::Number, false, false),
            field("deadline", FieldType::Date, false, false),
            field("contact_person", FieldType::Text, false, true),
            field("phone", FieldType::Phone, false, true),
        ]
    }

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn valid_values_are_normalised() {
        let clean = validate(
            &template(),
            &map(json!({"competitor": "中国电信", "offer": "  送宽带 ", "tariff": "1,200", "deadline": "2026-12-01", "phone": ""})),
            true,
        )
        .unwrap();
        assert_eq!(
            clean,
            map(
                json!({"competitor": "中国电信", "offer": "送宽带", "tariff": 1200, "deadline": "2026-12-01"})
            )
        );
    }

    #[test]
    fn each_bad_field_gets_its_own_error() {
        let problems = validate(
            &template(),
            &map(json!({"competitor": "中国移动", "tariff": "很多", "deadline": "12/01/2026", "phone": "abc", "bogus": 1})),
            true,
        )
        .unwrap_err();
        let keys: Vec<&str> = problems.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "fields.bogus",
                "fields.competitor",
                "fields.deadline",
                "fields.offer",
                "fields.phone",
                "fields.tariff"
            ]
        );
        assert_eq!(problems["fields.offer"], "必填");
    }

    #[test]
    fn drafts_may_leave_required_fields_empty() {
        assert!(validate(&template(), &Map::new(), false).is_ok());
        assert!(validate(&template(), &Map::new(), true).is_err());
    }

    #[test]
    fn completeness_weighs_required_fields_double() {
        // weights: 2 + 2 + 1 + 1 + 1 + 1 = 8
        assert_eq!(completeness(&template(), &Map::new()), 0.0);
        assert_eq!(completeness(&template(), &map(json!({"competitor": "中国电信", "offer": "x"}))), 0.5);
        assert_eq!(completeness(&template(), &map(json!({"competitor": "中国电信", "tariff": 1}))), 0.38);
        assert_eq!(completeness(&[], &Map::new()), 1.0);
    }

    #[test]
    fn masking_hides_only_sensitive_values() {
        let mut values = map(json!({"offer": "送宽带", "contact_person": "李经理"}));
        assert!(has_sensitive_values(&template(), &[], &values));
        mask(&template(), &[], &mut values);
        assert_eq!(values, map(json!({"offer": "送宽带", "contact_person": "***"})));
        assert!(!has_sensitive_values(&template(), &[], &map(json!({"offer": "送宽带"}))));
    }

    #[test]
    fn sensitivity_follows_the_value_when_the_template_changes() {
        let recorded = sensitive_keys(&template());
        assert_eq!(recorded, ["contact_person", "phone"]);
        // The admin un-marks `contact_person`, renames `phone` away and removes `offer`.
        let mut changed = template();
        changed.retain(|f| f.key != "phone" && f.key != "offer");
        changed.iter_mut().for_each(|f| f.sensitive = false);
        let mut values =
            map(json!({"offer": "送宽带", "contact_person": "李经理", "phone": "13900001111", "tariff": 99}));
        mask(&changed, &recorded, &mut values);
        assert_eq!(
            values,
            map(json!({"offer": "***", "contact_person": "***", "phone": "***", "tariff": 99})),
            "recorded as sensitive, or no longer in the template: masked"
        );
        // A field newly marked sensitive is masked in values written before.
        let mut stricter = template();
        stricter.iter_mut().filter(|f| f.key == "tariff").for_each(|f| f.sensitive = true);
        assert!(is_sensitive(&stricter, &[], "tariff"));
    }

    proptest! {
        #[test]
        fn completeness_is_a_share(filled in proptest::collection::vec(any::<bool>(), 6)) {
            let t = template();
            let values: Map<String, Value> = t.iter().zip(&filled).filter(|(_, f)| **f)
                .map(|(field, _)| (field.key.clone(), json!("x"))).collect();
            let c = completeness(&t, &values);
            prop_assert!((0.0..=1.0).contains(&c));
            prop_assert_eq!(c == 1.0, filled.iter().all(|f| *f));
        }
    }
}
