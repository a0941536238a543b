//! Text analysis for Chinese search.
//!
//! Two analysers index the same text. Jieba (search mode, with a telecom and
//! key-account dictionary) gives words for ranking; but it never indexes 费用
//! inside 月费用户 and splits 对大客户 into 对大/客户, so recall comes from a
//! second field of overlapping CJK bigrams: a query word is found exactly when
//! its bigrams appear consecutively, i.e. when the text contains it. Latin
//! letters and digits are kept as lower-cased words in both.

use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::{Jieba, TokenizeMode};

/// Joins separately indexed texts (title, body, fields) so that no phrase
/// matches across them: the bigram tokenizer leaves a position gap here.
pub const FIELD_SEPARATOR: char = '\u{1E}';
const SEPARATOR_GAP: usize = 8;

const DOMAIN_DICTIONARY: &str = include_str!("dictionary.txt");

/// Jieba with the domain dictionary. Building it takes a noticeable moment
/// and the result never changes, so a process builds it once and shares it.
pub fn domain_jieba() -> Arc<Jieba> {
    static JIEBA: std::sync::OnceLock<Arc<Jieba>> = std::sync::OnceLock::new();
    JIEBA
        .get_or_init(|| {
            let mut jieba = Jieba::new();
            for word in DOMAIN_DICTIONARY.lines().map(str::trim).filter(|w| !w.is_empty()) {
                jieba.add_word(word, Some(50_000), None);
            }
            Arc::new(jieba)
        })
        .clone()
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// A token as the analysers produce it: text and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gram {
    pub text: String,
    pub position: usize,
    /// Byte range in the analysed text.
    pub from: usize,
    pub to: usize,
}

/// Overlapping bigrams of CJK runs (a lone CJK character is a unigram) and
/// lower-cased runs of other letters and digits.
pub fn grams(text: &str) -> Vec<Gram> {
    let mut out = Vec::new();
    let mut position = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(text.len(), |(b, _)| *b);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c == FIELD_SEPARATOR {
            position += SEPARATOR_GAP;
            i += 1;
        } else if is_cjk(c) {
            let run_start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            let run = &chars[run_start..i];
            if run.len() == 1 {
                out.push(Gram { text: c.to_string(), position, from: start, to: end_of(run_start) });
                position += 1;
            }
            for (pair, (from, _)) in run.iter().enumerate().take(run.len().saturating_sub(1)) {
                let from = *from;
                let to = end_of(run_start + pair + 1);
                out.push(Gram { text: text[from..to].to_owned(), position, from, to });
                position += 1;
            }
        } else if is_word_char(c) {
            while i < chars.len() && is_word_char(chars[i].1) {
                i += 1;
            }
            let to = end_of(i - 1);
            out.push(Gram { text: text[start..to].to_lowercase(), position, from: start, to });
            position += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Jieba search-mode words, lower-cased, without punctuation or spaces.
pub fn words(jieba: &Jieba, text: &str) -> Vec<Gram> {
    let base = text.as_ptr() as usize;
    let mut found: Vec<Gram> = jieba
        .tokenize(text, TokenizeMode::Search, true)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric) && !t.word.contains(FIELD_SEPARATOR))
        .map(|t| {
            let from = t.word.as_ptr() as usize - base;
            Gram { text: t.word.to_lowercase(), position: t.start, from, to: from + t.word.len() }
        })
        .collect();
    found.sort_by_key(|g| (g.position, g.to));
    found
}

/// Tantivy adapter over a precomputed token list.
pub struct Grams {
    tokens: Vec<Gram>,
    index: usize,
    token: Token,
}

impl Grams {
    fn new(tokens: Vec<Gram>) -> Self {
        Grams { tokens, index: 0, token: Token::default() }
    }
}

impl TokenStream for Grams {
    fn advance(&mut self) -> bool {
        let Some(gram) = self.tokens.get(self.index) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&gram.text);
        self.token.position = gram.position;
        self.token.offset_from = gram.from;
        self.token.offset_to = gram.to;
        self.token.position_length = 1;
        self.index += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The CJK bigram analyser, registered as [`BIGRAM`].
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = Grams;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Grams {
        Grams::new(grams(text))
    }
}

/// The jieba analyser, registered as [`JIEBA`]; cheap to clone (the dictionary is shared).
#[derive(Clone)]
pub struct JiebaTokenizer(pub Arc<Jieba>);

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = Grams;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Grams {
        Grams::new(words(&self.0, text))
    }
}

pub const BIGRAM: &str = "zhiku_bigram";
pub const JIEBA: &str = "zhiku_jieba";
pub const KEYS: &str = "zhiku_keys";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(grams: &[Gram]) -> Vec<&str> {
        grams.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn jieba_with_the_domain_dictionary() {
        let jieba = domain_jieba();
        let w = words(&jieba, "芜湖移动集团客户");
        assert!(texts(&w).contains(&"芜湖") && texts(&w).contains(&"集团客户"), "{:?}", texts(&w));
        let w = words(&jieba, "财务副总觉得话费报销麻烦");
        assert!(texts(&w).contains(&"财务副总"), "{:?}", texts(&w));
        assert!(texts(&w).contains(&"话费"), "{:?}", texts(&w));
    }

    #[test]
    fn bigrams_cover_what_jieba_misses() {
        assert_eq!(texts(&grams("月费用户")), ["月费", "费用", "用户"]);
        assert_eq!(texts(&grams("对大客户")), ["对大", "大客", "客户"]);
        assert_eq!(texts(&grams("5G专线，VPN")), ["5g", "专线", "vpn"]);
        assert_eq!(texts(&grams("费")), ["费"]);
    }

    #[test]
    fn separator_breaks_phrases_and_offsets_are_bytes() {
        let g = grams("客户\u{1E}经理");
        assert_eq!(g[1].position, g[0].position + 1 + SEPARATOR_GAP);
        let g = grams("ab专线");
        assert_eq!((g[1].from, g[1].to), (2, 8));
    }

    proptest! {
        #[test]
        fn every_cjk_substring_is_a_consecutive_run_of_bigrams(text in "[月费用户对大客经理专线]{2,12}", start in 0usize..10, len in 2usize..6) {
            let chars: Vec<char> = text.chars().collect();
            prop_assume!(start + len <= chars.len());
            let needle: String = chars[start..start + len].iter().collect();
            let doc = grams(&text);
            let query = grams(&needle);
            let found = doc.windows(query.len()).any(|w| w.iter().zip(&query).all(|(d, q)| d.text == q.text)
                && w.windows(2).all(|p| p[1].position == p[0].position + 1));
            prop_assert!(found);
        }
    }
}
