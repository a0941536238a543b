//! From a user's query string to a tantivy query. Any input is accepted:
//! syntax characters are treated as separators, so nothing is a syntax error.

use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy_jieba::jieba_rs::Jieba;

use crate::search::analysis::{grams, is_cjk, words};
use crate::search::index::IndexFields;

const MAX_UNITS: usize = 12;
const MAX_QUERY_CHARS: usize = 200;

/// A unit of a query: a word, or a quoted phrase that must appear as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unit {
    Word(String),
    Phrase(String),
}

impl Unit {
    pub fn text(&self) -> &str {
        match self {
            Unit::Word(t) | Unit::Phrase(t) => t,
        }
    }
}

/// Splits a query into words and quoted phrases. Unbalanced quotes are
/// ignored, query syntax (`+ - : ( ) * ? ~ ^ [ ] { } \ /` …) separates words.
pub fn parse(raw: &str) -> Vec<Unit> {
    let raw: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let mut units = Vec::new();
    let quotes = raw.matches('"').count();
    let balanced = quotes.is_multiple_of(2);
    let mut in_phrase = false;
    let mut current = String::new();
    let flush = |current: &mut String, phrase: bool, units: &mut Vec<Unit>| {
        let text = current.trim().to_owned();
        current.clear();
        if text.chars().any(char::is_alphanumeric) {
            units.push(if phrase { Unit::Phrase(text) } else { Unit::Word(text) });
        }
    };
    for c in raw.chars() {
        if c == '"' && balanced {
            flush(&mut current, in_phrase, &mut units);
            in_phrase = !in_phrase;
        } else if in_phrase || c.is_alphanumeric() {
            current.push(c);
        } else {
            flush(&mut current, false, &mut units);
        }
    }
    flush(&mut current, in_phrase, &mut units);
    let mut seen = std::collections::HashSet::new();
    units.retain(|u| seen.insert(u.clone()));
    units.truncate(MAX_UNITS);
    units
}

/// The query matching documents that contain every unit, ranked by jieba
/// words (title counts triple, phrases double).
pub fn text_query(fields: &IndexFields, jieba: &Jieba, units: &[Unit]) -> Option<Box<dyn Query>> {
    let clauses: Vec<(Occur, Box<dyn Query>)> =
        units.iter().filter_map(|u| unit_query(fields, jieba, u)).map(|q| (Occur::Must, q)).collect();
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

fn unit_query(fields: &IndexFields, jieba: &Jieba, unit: &Unit) -> Option<Box<dyn Query>> {
    let recall = recall_query(fields, unit.text())?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, recall)];
    // The recall query already scores the words in the whole text (BM25 on
    // its bigrams); jieba's words add the title's weight. A body clause per
    // word would score every match of a common word a second time.
    let found = words(jieba, unit.text());
    for word in &found {
        let term =
            TermQuery::new(Term::from_field_text(fields.title, &word.text), IndexRecordOption::WithFreqs);
        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(term), 3.0))));
    }
    if matches!(unit, Unit::Phrase(_)) && found.len() > 1 {
        let terms: Vec<(usize, Term)> =
            found.iter().map(|w| (w.position, Term::from_field_text(fields.text, &w.text))).collect();
        let first = terms[0].0;
        let terms = terms.into_iter().map(|(p, t)| (p - first, t)).collect();
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(PhraseQuery::new_with_offset(terms)), 2.0)),
        ));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Matches exactly the documents whose text contains `text` (its bigrams in
/// a row), or — for Latin letters — whose client or author name has it in
/// its pinyin or initials.
fn recall_query(fields: &IndexFields, text: &str) -> Option<Box<dyn Query>> {
    let tokens = grams(text);
    let first = tokens.first()?;
    let contains: Box<dyn Query> = match tokens.as_slice() {
        [only] if only.text.chars().count() == 1 && only.text.chars().all(is_cjk) => {
            let c = regex_escape(&only.text);
            Box::new(RegexQuery::from_pattern(&format!("{c}.?|.{c}"), fields.grams).ok()?)
        }
        [only] => Box::new(TermQuery::new(
            Term::from_field_text(fields.grams, &only.text),
            IndexRecordOption::WithFreqs,
        )),
        many => {
            let terms = many
                .iter()
                .map(|t| (t.position - first.position, Term::from_field_text(fields.grams, &t.text)))
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    };
    let latin: String = text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if latin.len() >= 2 && latin.chars().all(|c| c.is_ascii_alphanumeric()) {
        let pinyin = RegexQuery::from_pattern(&format!(".*{}.*", regex_escape(&latin)), fields.names).ok()?;
        return Some(Box::new(BooleanQuery::new(vec![
            (Occur::Should, contains),
            (Occur::Should, Box::new(pinyin)),
        ])));
    }
    Some(contains)
}

fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_alphanumeric() {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Any of `values` in a numeric field.
pub fn any_of(field: tantivy::schema::Field, values: impl IntoIterator<Item = u64>) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(values.into_iter().map(|v| Term::from_field_u64(field, v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_quoted_phrases() {
        assert_eq!(parse("财务副总  话费"), vec![Unit::Word("财务副总".into()), Unit::Word("话费".into())]);
        assert_eq!(
            parse("\"话费 报销\" 芜湖"),
            vec![Unit::Phrase("话费 报销".into()), Unit::Word("芜湖".into())]
        );
    }

    #[test]
    fn hostile_syntax_is_repaired() {
        assert_eq!(
            parse("title:(话费 OR *) AND -\"unclosed"),
            vec![
                Unit::Word("title".into()),
                Unit::Word("话费".into()),
                Unit::Word("OR".into()),
                Unit::Word("AND".into()),
                Unit::Word("unclosed".into()),
            ]
        );
        assert!(parse("*** ::: ((( )))").is_empty());
        assert!(parse(&"长".repeat(10_000)).len() == 1);
        assert_eq!(parse("a a a").len(), 1);
    }

    #[test]
    fn regex_metacharacters_are_escaped() {
        assert_eq!(regex_escape("a.b*"), "a\\.b\\*");
    }
}
