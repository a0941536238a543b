//! Highlighted snippets: a window of the entry's text around the first match,
//! HTML-escaped, with every occurrence of a query word wrapped in `<mark>`.

use crate::text::escape_html;

const WINDOW_CHARS: usize = 120;
const CONTEXT_BEFORE: usize = 30;

/// Byte ranges in `text` where one of `needles` occurs (ASCII case-insensitive), merged.
fn matches(text: &str, needles: &[String]) -> Vec<(usize, usize)> {
    let haystack = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    for needle in needles.iter().map(|n| n.to_ascii_lowercase()).filter(|n| !n.is_empty()) {
        ranges.extend(haystack.match_indices(&needle).map(|(at, m)| (at, at + m.len())));
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (from, to) in ranges {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// The snippet of `text` for the query words `needles` (words of a phrase
/// are looked for both whole and one by one).
pub fn snippet(text: &str, needles: &[String]) -> String {
    let found = matches(text, needles);
    let char_starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let char_at = |byte: usize| char_starts.partition_point(|b| *b < byte);
    let first_char = found.first().map_or(0, |(from, _)| char_at(*from));
    let start_char = first_char.saturating_sub(CONTEXT_BEFORE);
    let end_char = (start_char + WINDOW_CHARS).min(char_starts.len());
    let byte = |c: usize| char_starts.get(c).copied().unwrap_or(text.len());
    let (start, end) = (byte(start_char), byte(end_char));

    let mut out = String::new();
    if start_char > 0 {
        out.push('…');
    }
    let mut cursor = start;
    for (from, to) in found.into_iter().filter(|(from, to)| *to > start && *from < end) {
        let (from, to) = (from.max(start), to.min(end));
        out.push_str(&escape_html(&text[cursor..from]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[from..to]));
        out.push_str("</mark>");
        cursor = to;
    }
    out.push_str(&escape_html(&text[cursor..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_and_text_escaped() {
        let s = snippet("财务副总说<b>话费</b>报销麻烦 & 慢", &["话费".into(), "财务副总".into()]);
        assert_eq!(s, "<mark>财务副总</mark>说&lt;b&gt;<mark>话费</mark>&lt;/b&gt;报销麻烦 &amp; 慢");
    }

    #[test]
    fn long_text_is_windowed_around_the_first_match() {
        let text = format!("{}VPN专线{}", "前".repeat(100), "后".repeat(200));
        let s = snippet(&text, &["vpn".into()]);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>VPN</mark>"));
        assert_eq!(s.chars().filter(|c| *c == '前').count(), CONTEXT_BEFORE);
    }

    #[test]
    fn overlapping_matches_merge_and_no_match_shows_the_start() {
        assert_eq!(snippet("月费用户", &["月费".into(), "费用".into()]), "<mark>月费用</mark>户");
        assert_eq!(snippet("没有命中", &["话费".into()]), "没有命中");
    }
}
