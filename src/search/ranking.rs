//! Relevance ranking: the text score raised for higher-quality entries and
//! lowered for older ones, kept for the best `offset + limit` matches.
//!
//! A common word matches hundreds of thousands of entries at 1M, and every
//! match is collected (the total and the facets count them all). The boost
//! can at most multiply a score by [`MAX_BOOST`], so a match whose raw score
//! times that cannot beat the weakest kept hit is passed over without reading
//! its quality and date: most matches, once the top is full.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::search::dense_values;

/// The largest factor [`boost`] applies: quality at most 5, age at least 0.
pub const MAX_BOOST: f32 = 1.5;

/// The ranking factor of an entry with mean rubric score `quality` (0 when
/// undecided) observed `age_days` ago.
pub fn boost(quality: f64, age_days: i64) -> f32 {
    let quality = quality.clamp(0.0, 5.0) as f32;
    let age = age_days.max(0) as f32;
    (1.0 + 0.1 * quality) / (1.0 + age / 365.0).sqrt()
}

/// The best `offset + limit` matches by boosted score, best first, the first
/// `offset` dropped.
pub struct Ranked {
    pub offset: usize,
    pub limit: usize,
    /// Milliseconds since the epoch the ages are measured from.
    pub now_ms: i64,
}

/// A kept hit; the heap's top is the weakest, ties broken towards the earlier document.
#[derive(Clone, Copy)]
struct Kept {
    score: Score,
    address: DocAddress,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    /// Greater is weaker: the max-heap's top is the hit to replace.
    fn cmp(&self, other: &Self) -> Ordering {
        other.score.total_cmp(&self.score).then_with(|| self.address.cmp(&other.address))
    }
}

pub struct RankedSegment {
    keep: usize,
    /// The largest boost any document of the segment gets (at most [`MAX_BOOST`]).
    bound: f32,
    now_ms: i64,
    segment: SegmentOrdinal,
    quality: Option<Arc<dyn ColumnValues<f64>>>,
    date: Option<Arc<dyn ColumnValues<i64>>>,
    heap: BinaryHeap<Kept>,
}

impl Collector for Ranked {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = RankedSegment;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<RankedSegment> {
        let keep = self.offset + self.limit;
        let quality = reader.fast_fields().f64("quality").ok();
        let date = reader.fast_fields().i64("date").ok();
        // The best quality and the newest date of the segment bound its boost;
        // a document without a date counts as new, one without a quality as 0.
        let best_quality = quality.as_ref().map_or(5.0, |c| c.max_value());
        let youngest_days = match &date {
            Some(c) if c.get_cardinality().is_full() => (self.now_ms - c.max_value()) / 86_400_000,
            _ => 0,
        };
        let quality = quality.map(|c| dense_values(c, 0.0));
        let date = date.map(|c| dense_values(c, self.now_ms));
        Ok(RankedSegment {
            keep,
            bound: boost(best_quality, youngest_days),
            now_ms: self.now_ms,
            segment,
            quality,
            date,
            heap: BinaryHeap::with_capacity(keep + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Score, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Kept> =
            fruits.into_iter().flatten().map(|(score, address)| Kept { score, address }).collect();
        // Ascending in `Kept` order: strongest first.
        all.sort_unstable();
        Ok(all.into_iter().skip(self.offset).take(self.limit).map(|k| (k.score, k.address)).collect())
    }
}

impl SegmentCollector for RankedSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.keep == 0 {
            return;
        }
        let full = self.heap.len() >= self.keep;
        if full && self.heap.peek().is_some_and(|weakest| score * self.bound < weakest.score) {
            return;
        }
        let quality = self.quality.as_ref().map_or(0.0, |c| c.get_val(doc));
        let age_days = self.date.as_ref().map_or(0, |c| (self.now_ms - c.get_val(doc)) / 86_400_000);
        let kept =
            Kept { score: score * boost(quality, age_days), address: DocAddress::new(self.segment, doc) };
        if !full {
            self.heap.push(kept);
        } else if self.heap.peek().is_some_and(|weakest| kept < *weakest) {
            self.heap.pop();
            self.heap.push(kept);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.heap.into_iter().map(|k| (k.score, k.address)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boost_never_exceeds_its_bound() {
        for quality in [0.0, 1.0, 3.5, 5.0, 9.0] {
            for age in [-30, 0, 1, 365, 4000] {
                let b = boost(quality, age);
                assert!(b > 0.0 && b <= MAX_BOOST, "{quality} {age}: {b}");
            }
        }
        assert_eq!(boost(5.0, 0), MAX_BOOST);
        assert!(boost(4.0, 10) > boost(4.0, 400), "fresher ranks higher");
        assert!(boost(4.5, 100) > boost(2.0, 100), "better ranks higher");
    }

    #[test]
    fn weaker_orders_greater_and_ties_prefer_the_earlier_document() {
        let a = Kept { score: 2.0, address: DocAddress::new(0, 1) };
        let b = Kept { score: 1.0, address: DocAddress::new(0, 0) };
        let c = Kept { score: 2.0, address: DocAddress::new(0, 2) };
        assert!(b > a, "the lower score is weaker");
        assert!(c > a, "the later document is weaker on a tie");
    }
}
