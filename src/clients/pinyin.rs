//! Pinyin keys for Chinese names, so `wuhu` and `whcj` find 芜湖长江….
//!
//! Characters with several readings (长 cháng/zhǎng, 行 xíng/háng) make the
//! reading of a name ambiguous without a dictionary of words, so every
//! combination of the first few ambiguous characters is kept, space-separated.

use pinyin::ToPinyinMulti;

/// Ambiguous characters expanded per name; 2^4 variants at most for two readings each.
const MAX_AMBIGUOUS: usize = 4;
const MAX_READINGS: usize = 2;

/// Full pinyin (toneless, no spaces) and initials, lower-case, each a
/// space-separated list of readings. Latin letters and digits are kept.
pub fn keys(name: &str) -> (String, String) {
    let mut full = vec![String::new()];
    let mut initials = vec![String::new()];
    let mut ambiguous = 0;
    for (c, readings) in name.chars().zip(name.to_pinyin_multi()) {
        let choices: Vec<(String, String)> = match readings {
            Some(multi) => {
                let mut choices: Vec<(String, String)> = Vec::new();
                for py in multi.into_iter().take(MAX_READINGS) {
                    let choice = (py.plain().to_owned(), py.first_letter().to_owned());
                    if !choices.contains(&choice) {
                        choices.push(choice);
                    }
                }
                if choices.len() > 1 {
                    ambiguous += 1;
                    if ambiguous > MAX_AMBIGUOUS {
                        choices.truncate(1);
                    }
                }
                choices
            }
            None if c.is_ascii_alphanumeric() => {
                let c = c.to_ascii_lowercase().to_string();
                vec![(c.clone(), c)]
            }
            None => continue,
        };
        full = extend(&full, choices.iter().map(|c| c.0.as_str()));
        initials = extend(&initials, choices.iter().map(|c| c.1.as_str()));
    }
    (dedup_join(full), dedup_join(initials))
}

fn extend<'a>(prefixes: &[String], choices: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    prefixes.iter().flat_map(|p| choices.clone().map(move |c| format!("{p}{c}"))).collect()
}

fn dedup_join(mut variants: Vec<String>) -> String {
    let mut seen = std::collections::HashSet::new();
    variants.retain(|v| seen.insert(v.clone()));
    variants.join(" ")
}

/// The form a search term takes to match the keys: lower-case, no spaces or apostrophes.
pub fn normalise_query(q: &str) -> String {
    q.chars().filter(|c| !c.is_whitespace() && *c != '\'').flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(keys: &str, wanted: &str) -> bool {
        keys.split(' ').any(|k| k == wanted)
    }

    #[test]
    fn chinese_names_get_full_pinyin_and_initials() {
        let (full, initials) = keys("芜湖长江实业集团有限公司");
        assert!(has(&full, "wuhuchangjiangshiyejituanyouxiangongsi"), "{full}");
        assert!(has(&initials, "whcjsyjtyxgs"), "{initials}");
        let (full, initials) = keys("芜湖移动");
        assert!(has(&full, "wuhuyidong") && has(&initials, "whyd"), "{full} / {initials}");
        let (full, initials) = keys("ABC 科技 2号");
        assert!(has(&full, "abckeji2hao") && has(&initials, "abckj2h"), "{full} / {initials}");
    }

    #[test]
    fn ambiguous_readings_are_bounded() {
        let (full, _) = keys("长长长长长长长长");
        assert!(full.split(' ').count() <= 1 << MAX_AMBIGUOUS);
    }

    #[test]
    fn queries_are_normalised() {
        assert_eq!(normalise_query(" Wu Hu "), "wuhu");
        assert_eq!(normalise_query("xi'an"), "xian");
    }
}
