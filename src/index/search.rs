//! Reading a built generation: BM25 search with query objects built from analyzed terms
//! (never through the query-parser syntax), term statistics, and passages by id.

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::schema::Fields;
use super::vectors::{self, Digest, VectorStore};
use super::{BuildReport, IndexError, Layout, Pointer};
use crate::corpus::{PubDate, split};
use crate::encoder::{self, Aside};

/// Citation metadata of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub id: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<PubDate>,
    pub url: Option<String>,
}

/// One analyzed term of a search and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchTerm {
    pub term: String,
    pub weight: f32,
    /// Also match spellings one edit away: names are transliterated many ways
    /// (Zelensky, Zelenskiy, Zelenskyy).
    pub spelling_variants: bool,
}

impl SearchTerm {
    pub fn new(term: impl Into<String>, weight: f32) -> Self {
        SearchTerm {
            term: term.into(),
            weight,
            spelling_variants: false,
        }
    }
}

/// Past this many, ties fall back to the index's order (a query any passage matches alike).
const MAX_TIE_FETCH: usize = 1000;

/// A passage found by a search.
#[derive(Debug, Clone)]
pub struct Hit {
    pub score: f32,
    pub source: Arc<SourceInfo>,
    pub passage: u64,
    pub text: String,
    /// The byte ranges of `text`'s sentences (`split::sentences`), split once.
    pub sentences: Vec<Range<usize>>,
}

/// An opened, immutable index generation.
pub struct Index {
    layout: Layout,
    pointer: Pointer,
    reader: IndexReader,
    fields: Fields,
    report: BuildReport,
    /// Sentence vectors, when the store can be opened (not on a read-only index without
    /// one): answers then also weigh meaning.
    vectors: Option<VectorStore>,
}

/// How close in meaning each candidate sentence is to the question, by passage (the
/// order of the hits) and sentence (the order of `Hit::sentences`); empty when there is
/// no encoder or no vectors yet.
#[derive(Debug, Default)]
pub struct Closeness(Vec<Vec<Option<f32>>>);

impl Closeness {
    /// The cosine of sentence `sentence` of hit `hit` and the question, if it has a vector.
    pub fn of(&self, hit: usize, sentence: usize) -> Option<f32> {
        *self.0.get(hit)?.get(sentence)?
    }
}

impl Index {
    /// Opens the live generation, or `None` when no index has been built yet.
    pub fn open(layout: &Layout) -> Result<Option<Index>, IndexError> {
        let Some(pointer) = layout.pointer()? else {
            return Ok(None);
        };
        let dir = layout.generations().join(&pointer.generation);
        let report = BuildReport::load(&dir)?;
        let (index, fields) = super::open_generation(&dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let vectors = VectorStore::open(layout)
            .inspect_err(|error| tracing::info!(%error, "answering without sentence vectors"))
            .ok();
        Ok(Some(Index {
            layout: layout.clone(),
            pointer,
            reader,
            fields,
            report,
            vectors,
        }))
    }

    /// The same generation read by words alone (the lexical twin of a benchmark).
    pub fn without_vectors(mut self) -> Index {
        self.vectors = None;
        self
    }

    /// The store of sentence vectors, if it could be opened.
    pub fn vectors(&self) -> Option<&VectorStore> {
        self.vectors.as_ref()
    }

    /// The question's vector, started on another thread when answers can weigh meaning:
    /// there is an encoder and a store with vectors in it.
    pub fn embed_question(&self, question: &str) -> Option<Aside> {
        let (Some(store), Some(encoder)) = (&self.vectors, encoder::shared()) else {
            return None;
        };
        store
            .has_any()
            .inspect_err(|error| tracing::warn!(%error, "answering by words alone"))
            .ok()?
            .then(|| encoder.embed_aside(question))
    }

    /// How close in meaning the sentences of `hits` are to the question whose vector is
    /// `asked`. The vector is waited for even when none of the sentences has one (vectors
    /// partial): left running, it would compete with the next question for the cores.
    pub fn closeness(&self, asked: Aside, hits: &[Hit]) -> Result<Closeness, IndexError> {
        let Some(store) = &self.vectors else {
            return Ok(Closeness::default());
        };
        let digests: Vec<Vec<Digest>> = hits
            .iter()
            .map(|hit| {
                hit.sentences
                    .iter()
                    .map(|r| vectors::digest(&hit.text[r.clone()]))
                    .collect()
            })
            .collect();
        let stored = store.get(&digests.concat());
        let asked = asked.wait().map_err(|e| store.error(e))?;
        let stored = stored?;
        if stored.is_empty() {
            return Ok(Closeness::default());
        }
        let cosine = |d: &Digest| stored.get(d).map(|v| encoder::cosine(&asked, v));
        Ok(Closeness(
            digests
                .iter()
                .map(|sentences| sentences.iter().map(cosine).collect())
                .collect(),
        ))
    }

    pub fn generation(&self) -> &str {
        &self.pointer.generation
    }

    /// The generation and revision this reader serves.
    pub fn pointer(&self) -> &Pointer {
        &self.pointer
    }

    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    /// Whether a newer generation, or an update of this one, has been made since it was
    /// opened.
    pub fn is_outdated(&self) -> bool {
        matches!(self.layout.pointer(), Ok(Some(p)) if p != self.pointer)
    }

    /// Number of passages in the index.
    pub fn passages(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// In how many passages an analyzed term occurs.
    pub fn doc_freq(&self, term: &str) -> u64 {
        let term = Term::from_field_text(self.fields.text, term);
        self.reader.searcher().doc_freq(&term).unwrap_or(0)
    }

    /// BM25's inverse document frequency of an analyzed term (high for unseen terms).
    pub fn idf(&self, term: &str) -> f32 {
        let n = self.passages() as f32;
        let df = self.doc_freq(term) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The best passages for weighted analyzed terms, by BM25 over their text.
    pub fn search(&self, terms: &[SearchTerm], limit: usize) -> Result<Vec<Hit>, IndexError> {
        self.search_page(terms, limit, 0)
    }

    /// Like `search`, skipping the first `offset` passages.
    pub fn search_page(
        &self,
        terms: &[SearchTerm],
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Hit>, IndexError> {
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in terms {
            let term = Term::from_field_text(self.fields.text, &t.term);
            let query: Box<dyn Query> = if t.spelling_variants {
                Box::new(FuzzyTermQuery::new(term, 1, true))
            } else {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
            };
            clauses.push((Occur::Should, Box::new(BoostQuery::new(query, t.weight))));
        }
        let searcher = self.reader.searcher();
        if offset as u64 >= searcher.num_docs() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let end = offset + limit.min(searcher.num_docs() as usize);
        // Equal scores are ordered by source and passage, not by where the passages sit in
        // the index's segments, which differs from build to build: fetch until every
        // passage that ties with the last one asked for is in. Twice as many as asked for
        // mostly holds them all at once (copies of a wire story tie exactly).
        let mut fetch = 2 * end;
        let top = loop {
            let top = searcher.search(&query, &TopDocs::with_limit(fetch).order_by_score())?;
            let tie_cut =
                top.len() == fetch && top.get(end - 1).map(|t| t.0) == top.last().map(|t| t.0);
            if !tie_cut || fetch >= MAX_TIE_FETCH {
                break top;
            }
            fetch = (fetch * 2).min(MAX_TIE_FETCH);
        };
        // Past `end`, only the passages tying with the last one can still make the cut.
        let last = top.get(end - 1).map(|t| t.0);
        let mut hits = top
            .into_iter()
            .enumerate()
            .take_while(|(i, (score, _))| *i < end || Some(*score) == last)
            .map(|(_, (score, address))| self.hit(address, score))
            .collect::<Result<Vec<_>, _>>()?;
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.source.id.cmp(&b.source.id))
                .then(a.passage.cmp(&b.passage))
        });
        hits.truncate(end);
        Ok(hits.split_off(offset.min(hits.len())))
    }

    /// Every passage of one source, in order.
    pub fn passages_of(&self, source: &str) -> Result<Vec<Hit>, IndexError> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.source, source),
            IndexRecordOption::Basic,
        );
        let searcher = self.reader.searcher();
        let count = searcher.search(&query, &tantivy::collector::Count)?;
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut hits = searcher
            .search(&query, &TopDocs::with_limit(count).order_by_score())?
            .into_iter()
            .map(|(score, address)| self.hit(address, score))
            .collect::<Result<Vec<_>, _>>()?;
        hits.sort_by_key(|h| h.passage);
        Ok(hits)
    }

    /// One passage of one source.
    pub fn passage(&self, source: &str, passage: u64) -> Result<Option<Hit>, IndexError> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.source, source),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.passage, passage),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let top = self
            .reader
            .searcher()
            .search(&query, &TopDocs::with_limit(1).order_by_score())?;
        top.into_iter()
            .next()
            .map(|(score, address)| self.hit(address, score))
            .transpose()
    }

    fn hit(&self, address: DocAddress, score: f32) -> Result<Hit, IndexError> {
        let doc: TantivyDocument = self.reader.searcher().doc(address)?;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let optional = |field| Some(text_of(field)).filter(|s| !s.is_empty());
        let source = Arc::new(SourceInfo {
            id: text_of(self.fields.source),
            outlet: optional(self.fields.outlet),
            title: optional(self.fields.title),
            published: optional(self.fields.published).and_then(|d| PubDate::parse(&d)),
            url: optional(self.fields.url),
        });
        let text = text_of(self.fields.text);
        Ok(Hit {
            score,
            source,
            passage: doc
                .get_first(self.fields.passage)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            sentences: split::sentences(&text),
            text,
        })
    }
}
