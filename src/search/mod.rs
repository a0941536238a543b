//! Chinese full-text search over intelligence entries: analysis, the index
//! and its outbox-driven indexer, queries with visibility inside them, and
//! the routes.

pub mod analysis;
pub mod document;
pub mod health;
pub mod index;
pub mod indexer;
pub mod query;
pub mod ranking;
pub mod reindex;
pub mod routes;
pub mod service;
pub mod snapshot;
pub mod snippet;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use chrono::NaiveDateTime;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::ColumnValues;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocAddress, DocId, Order, Score, SegmentOrdinal, SegmentReader};

use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::enums::{ClientKind, IntelStatus};
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::{DepartmentId, UserId};
use crate::search::index::{
    category_code, facet_parts, kind_code, status_code, IndexFields, SearchIndex, CATEGORY_KEYS, FACET_CODES,
    MARKET_KIND,
};
use crate::search::query::{parse, text_query, Unit};
use crate::search::ranking::Ranked;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Quality,
}

/// A search as the route parsed it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub category: Option<String>,
    pub client_kind: Option<ClientKind>,
    pub client_id: Option<ClientId>,
    pub status: Option<IntelStatus>,
    pub author_id: Option<UserId>,
    pub department_id: Option<DepartmentId>,
    pub tag: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub sort: Sort,
    pub offset: usize,
    /// The clients the reader owns, whose submitted entries they may find
    /// (filled by the service, not the request).
    pub owned_clients: Vec<ClientId>,
    pub limit: usize,
    /// Leave this entry out (similar-entry hints).
    pub exclude: Option<IntelId>,
}

#[derive(Debug, Clone)]
pub struct SearchResult {
    pub hits: Vec<(IntelId, f32)>,
    pub total: usize,
    pub category_facet: BTreeMap<String, u64>,
    pub kind_facet: BTreeMap<String, u64>,
    pub units: Vec<Unit>,
}

/// What `viewer` may find: the public statuses, their own entries and the
/// submitted entries about the clients they own (`owned`), or for reviewers
/// and admins everything but other people's drafts.
fn visibility_query(fields: &IndexFields, viewer: &CurrentUser, owned: &[ClientId]) -> Box<dyn Query> {
    let statuses: Vec<u64> = if policy::is_privileged(viewer) {
        IntelStatus::ALL.iter().copied().filter(|s| *s != IntelStatus::Draft).map(status_code).collect()
    } else {
        [IntelStatus::Adopted, IntelStatus::Superseded].into_iter().map(status_code).collect()
    };
    let own =
        TermQuery::new(Term::from_field_u64(fields.author_id, viewer.id.0 as u64), IndexRecordOption::Basic);
    // A union of term queries rather than a term-set query: a term set builds a
    // bitset of every document with those statuses (nearly all of them) on each
    // search, where the union is only advanced to the candidates of the words.
    // The constant score keeps ranking as it was.
    let statuses: Vec<(Occur, Box<dyn Query>)> =
        statuses.into_iter().map(|s| (Occur::Should, equals(fields.status, s))).collect();
    let statuses = ConstScoreQuery::new(Box::new(BooleanQuery::new(statuses)), 1.0);
    let mut visible: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Should, Box::new(statuses)), (Occur::Should, Box::new(own))];
    if !owned.is_empty() && !policy::is_privileged(viewer) {
        let clients: Vec<(Occur, Box<dyn Query>)> =
            owned.iter().map(|c| (Occur::Should, equals(fields.client_id, c.0 as u64))).collect();
        let pending = all_of(vec![
            equals(fields.status, status_code(IntelStatus::Submitted)),
            Box::new(BooleanQuery::new(clients)),
        ]);
        visible.push((Occur::Should, Box::new(ConstScoreQuery::new(pending, 1.0))));
    }
    Box::new(BooleanQuery::new(visible))
}

fn equals(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
}

fn all_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (Occur::Must, q)).collect()))
}

/// The tantivy queries of a search.
pub struct Plan {
    /// Visibility, text and every filter: the hits and the total.
    pub query: Box<dyn Query>,
    /// With a category or kind filter, each facet counts as if its own filter
    /// were not set: the queries for the category and the kind facet.
    pub facet_queries: Option<(Box<dyn Query>, Box<dyn Query>)>,
    pub has_text: bool,
    pub units: Vec<Unit>,
}

/// The queries of `request` as `viewer` may run it.
pub fn plan(index: &SearchIndex, viewer: &CurrentUser, request: &SearchRequest) -> Plan {
    let fields = &index.fields;
    let units = parse(&request.q);
    let text = text_query(fields, &index.jieba, &units);
    let has_text = text.is_some();

    let mut base: Vec<Box<dyn Query>> = vec![visibility_query(fields, viewer, &request.owned_clients)];
    base.push(text.unwrap_or_else(|| Box::new(AllQuery)));
    let never = u64::MAX - 1;
    if let Some(client) = request.client_id {
        base.push(equals(fields.client_id, client.0 as u64));
    }
    if let Some(status) = request.status {
        base.push(equals(fields.status, status_code(status)));
    }
    if let Some(author) = request.author_id {
        base.push(equals(fields.author_id, author.0 as u64));
    }
    if let Some(department) = request.department_id {
        base.push(equals(fields.department_id, department.0 as u64));
    }
    if let Some(tag) = &request.tag {
        base.push(Box::new(TermQuery::new(
            Term::from_field_text(fields.tags, tag),
            IndexRecordOption::Basic,
        )));
    }
    if request.from.is_some() || request.to.is_some() {
        let bound = |t: Option<NaiveDateTime>, inclusive: bool| match t {
            Some(t) if inclusive => {
                Bound::Included(Term::from_field_i64(fields.date, t.and_utc().timestamp_millis()))
            }
            Some(t) => Bound::Excluded(Term::from_field_i64(fields.date, t.and_utc().timestamp_millis())),
            None => Bound::Unbounded,
        };
        base.push(Box::new(RangeQuery::new(bound(request.from, true), bound(request.to, false))));
    }
    if let Some(exclude) = request.exclude {
        base.push(Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
            (Occur::MustNot, equals(fields.id, exclude.0 as u64)),
        ])));
    }
    let category =
        request.category.as_deref().map(|c| equals(fields.category, category_code(c).unwrap_or(never)));
    let kind = request.client_kind.map(|k| equals(fields.client_kind, kind_code(k)));

    let with = |extra: Vec<&Option<Box<dyn Query>>>| {
        let mut clauses: Vec<Box<dyn Query>> = base.iter().map(|q| q.box_clone()).collect();
        clauses.extend(extra.into_iter().flatten().map(|q| q.box_clone()));
        all_of(clauses)
    };
    // Without a category or kind filter the facets count the same matches as
    // the hits, so one pass collects everything.
    let facet_queries =
        (category.is_some() || kind.is_some()).then(|| (with(vec![&kind]), with(vec![&category])));
    Plan { query: with(vec![&category, &kind]), facet_queries, has_text, units }
}

/// Runs a search with visibility enforced inside the query, so hits, counts
/// and facets all obey it.
pub fn execute(
    index: &SearchIndex,
    viewer: &CurrentUser,
    request: &SearchRequest,
) -> tantivy::Result<SearchResult> {
    let Plan { query: full, facet_queries, has_text, units } = plan(index, viewer, request);
    let searcher = index.reader.searcher();
    let limit = request.limit.max(1);
    let offset = request.offset.min(10_000);
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let (addresses, total, category_counts, kind_counts): (Vec<(f32, DocAddress)>, _, _, _) =
        match request.sort {
            Sort::Relevance if has_text => {
                let ranked = Ranked { offset, limit, now_ms: chrono::Utc::now().timestamp_millis() };
                collect(&searcher, &*full, ranked, facet_queries)?
            }
            Sort::Quality => {
                let (hits, total, c, k) = collect(
                    &searcher,
                    &*full,
                    top.order_by_fast_field::<f64>("quality", Order::Desc),
                    facet_queries,
                )?;
                (hits.into_iter().map(|(q, a)| (q.unwrap_or(0.0) as f32, a)).collect(), total, c, k)
            }
            Sort::Newest | Sort::Relevance => {
                let (hits, total, c, k) = collect(
                    &searcher,
                    &*full,
                    top.order_by_fast_field::<i64>("date", Order::Desc),
                    facet_queries,
                )?;
                (hits.into_iter().map(|(_, a)| (0.0, a)).collect(), total, c, k)
            }
        };
    let hits = entry_ids(&searcher, addresses)?;
    let named = |counts: HashMap<u64, u64>, names: &[&str]| {
        counts
            .into_iter()
            .filter_map(|(code, n)| names.get(code as usize).map(|name| ((*name).to_owned(), n)))
            .collect::<BTreeMap<_, _>>()
    };
    Ok(SearchResult {
        hits,
        total,
        category_facet: named(category_counts, &CATEGORY_KEYS),
        kind_facet: named(
            kind_counts,
            &ClientKind::ALL.iter().map(|k| k.as_str()).chain([MARKET_KIND]).collect::<Vec<_>>(),
        ),
        units,
    })
}

type FacetCounts = HashMap<u64, u64>;

/// Runs `top` with the hit count and both facet counts, in one pass when the
/// facets share the query, else with one extra pass per facet query.
fn collect<C: Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    top: C,
    facet_queries: Option<(Box<dyn Query>, Box<dyn Query>)>,
) -> tantivy::Result<(C::Fruit, usize, FacetCounts, FacetCounts)> {
    match facet_queries {
        None => {
            let (fruit, pairs) = searcher.search(query, &(top, FacetPairs))?;
            let (total, categories, kinds) = split_facets(&pairs);
            Ok((fruit, total, categories, kinds))
        }
        Some((for_categories, for_kinds)) => {
            let (fruit, total) = searcher.search(query, &(top, Count))?;
            let categories = searcher.search(&*for_categories, &CountBy("category"))?;
            let kinds = searcher.search(&*for_kinds, &CountBy("client_kind"))?;
            Ok((fruit, total, categories, kinds))
        }
    }
}

/// Counts matching documents by their facet value (category and kind in one).
struct FacetPairs;

struct FacetPairsSegment {
    column: std::sync::Arc<dyn ColumnValues<u64>>,
    counts: [u64; FACET_CODES],
    /// Documents with no facet value or one out of range.
    other: u64,
}

impl Collector for FacetPairs {
    /// Matches by facet value, then the others.
    type Fruit = ([u64; FACET_CODES], u64);
    type Child = FacetPairsSegment;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<FacetPairsSegment> {
        let column = dense_values(segment.fast_fields().u64("facet")?, u64::MAX);
        Ok(FacetPairsSegment { column, counts: [0; FACET_CODES], other: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut merged = ([0; FACET_CODES], 0);
        for (counts, other) in fruits {
            merged.0.iter_mut().zip(counts).for_each(|(sum, n)| *sum += n);
            merged.1 += other;
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetPairsSegment {
    type Fruit = ([u64; FACET_CODES], u64);

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.counts.get_mut(self.column.get_val(doc) as usize) {
            Some(count) => *count += 1,
            None => self.other += 1,
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.counts, self.other)
    }
}

/// The total and both facets' counts from the counts by facet value.
fn split_facets((counts, other): &([u64; FACET_CODES], u64)) -> (usize, FacetCounts, FacetCounts) {
    let (mut categories, mut kinds) = (FacetCounts::new(), FacetCounts::new());
    let mut total = *other;
    for (code, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        total += n;
        let (category, kind) = facet_parts(code as u64);
        if let Some(category) = category {
            *categories.entry(category).or_default() += n;
        }
        if let Some(kind) = kind {
            *kinds.entry(kind).or_default() += n;
        }
    }
    (total as usize, categories, kinds)
}

/// Entry ids of ranked hits, read from the id fast field. A column is opened
/// once per segment: opening one decodes its block index, which per hit was
/// most of a search's time on a large index.
fn entry_ids(
    searcher: &tantivy::Searcher,
    ranked: Vec<(f32, DocAddress)>,
) -> tantivy::Result<Vec<(IntelId, f32)>> {
    let mut columns: HashMap<SegmentOrdinal, tantivy::columnar::Column<u64>> = HashMap::new();
    let mut hits = Vec::with_capacity(ranked.len());
    for (score, address) in ranked {
        let ids = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(open) => open.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(searcher.segment_reader(address.segment_ord).fast_fields().u64("id")?)
            }
        };
        if let Some(id) = ids.first(address.doc_id) {
            hits.push((IntelId(id as i64), score));
        }
    }
    Ok(hits)
}

/// A column's values by document. When every document has one (the usual
/// case: category, kind, date) they are read directly, without asking the
/// column's index per document; otherwise missing values read as `default`.
pub fn dense_values<T>(
    column: tantivy::columnar::Column<T>,
    default: T,
) -> std::sync::Arc<dyn ColumnValues<T>>
where
    T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static,
{
    if column.get_cardinality().is_full() {
        column.values
    } else {
        column.first_or_default_col(default)
    }
}

/// Counts matching documents by the value of a u64 fast field.
struct CountBy(&'static str);

/// Codes below this are counted in an array (categories and kinds are small
/// codes); anything else, such as the missing-value marker, in a map. A map
/// lookup per matching document was most of a common word's search time.
const DENSE_CODES: usize = 16;

struct CountBySegment {
    column: std::sync::Arc<dyn ColumnValues<u64>>,
    dense: [u64; DENSE_CODES],
    other: HashMap<u64, u64>,
}

impl Collector for CountBy {
    type Fruit = HashMap<u64, u64>;
    type Child = CountBySegment;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<CountBySegment> {
        let column = dense_values(segment.fast_fields().u64(self.0)?, u64::MAX);
        Ok(CountBySegment { column, dense: [0; DENSE_CODES], other: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, u64>>) -> tantivy::Result<HashMap<u64, u64>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (k, v) in fruit {
                *merged.entry(k).or_default() += v;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for CountBySegment {
    type Fruit = HashMap<u64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let code = self.column.get_val(doc);
        match self.dense.get_mut(code as usize) {
            Some(count) => *count += 1,
            None => *self.other.entry(code).or_default() += 1,
        }
    }

    fn harvest(self) -> HashMap<u64, u64> {
        let mut counts = self.other;
        for (code, n) in self.dense.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            counts.insert(code as u64, n);
        }
        counts
    }
}

/// Entries on `client` (any, for a market-wide entry) sharing any of
/// `words`, best first (similar-entry hints).
pub fn similar(
    index: &SearchIndex,
    viewer: &CurrentUser,
    client: Option<ClientId>,
    words: &[String],
    exclude: Option<IntelId>,
    limit: usize,
) -> tantivy::Result<SearchResult> {
    let fields = &index.fields;
    let any_word: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| {
            let q: Box<dyn Query> =
                Box::new(TermQuery::new(Term::from_field_text(fields.text, w), IndexRecordOption::WithFreqs));
            (Occur::Should, q)
        })
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, visibility_query(fields, viewer, &[])),
        (Occur::Must, Box::new(BooleanQuery::new(any_word))),
    ];
    if let Some(client) = client {
        clauses.push((Occur::Must, equals(fields.client_id, client.0 as u64)));
    }
    if let Some(exclude) = exclude {
        clauses.push((Occur::MustNot, equals(fields.id, exclude.0 as u64)));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = index.reader.searcher();
    let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let hits = entry_ids(&searcher, top)?;
    Ok(SearchResult {
        total: hits.len(),
        hits,
        category_facet: BTreeMap::new(),
        kind_facet: BTreeMap::new(),
        units: words.iter().map(|w| Unit::Word(w.clone())).collect(),
    })
}
