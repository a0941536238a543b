//! Pinyin keys for Chinese names, so `wuhu` and `whcj` find 芜湖长江….

use pinyin::ToPinyin;

/// Full pinyin without tones or spaces, and the initials, both lower-case.
/// Latin letters and digits are kept as they are (lower-cased).
pub fn keys(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (c, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(py) => {
                full.push_str(py.plain());
                initials.push_str(py.first_letter());
            }
            None if c.is_ascii_alphanumeric() => {
                let c = c.to_ascii_lowercase();
                full.push(c);
                initials.push(c);
            }
            None => {}
        }
    }
    (full, initials)
}

/// The form a search term takes to match the keys: lower-case, no spaces or apostrophes.
pub fn normalise_query(q: &str) -> String {
    q.chars().filter(|c| !c.is_whitespace() && *c != '\'').flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_get_full_pinyin_and_initials() {
        assert_eq!(keys("芜湖长江实业集团有限公司"), ("wuhuchangjiangshiyejituanyouxiangongsi".into(), "whcjsyjtyxgs".into()));
        assert_eq!(keys("芜湖移动"), ("wuhuyidong".into(), "whyd".into()));
        assert_eq!(keys("ABC 科技 2号"), ("abckeji2hao".into(), "abckj2h".into()));
    }

    #[test]
    fn queries_are_normalised() {
        assert_eq!(normalise_query(" Wu Hu "), "wuhu");
        assert_eq!(normalise_query("xi'an"), "xian");
    }
}
