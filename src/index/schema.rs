//! The passage document: the text is analyzed (terms and frequencies: BM25 needs no
//! positions) and stored; citation metadata is stored only.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer;

/// The fields of a passage document.
#[derive(Clone, Copy)]
pub struct Fields {
    pub source: Field,
    pub passage: Field,
    pub text: Field,
    pub title: Field,
    pub outlet: Field,
    pub url: Field,
    pub published: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let analyzed = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::NAME)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
            .set_stored();
        let fields = Fields {
            source: b.add_text_field("source", STRING | STORED),
            passage: b.add_u64_field("passage", INDEXED | STORED | FAST),
            text: b.add_text_field("text", analyzed),
            title: b.add_text_field("title", STORED),
            outlet: b.add_text_field("outlet", STORED),
            url: b.add_text_field("url", STORED),
            published: b.add_text_field("published", STORED),
        };
        (b.build(), fields)
    }

    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            source: schema.get_field("source")?,
            passage: schema.get_field("passage")?,
            text: schema.get_field("text")?,
            title: schema.get_field("title")?,
            outlet: schema.get_field("outlet")?,
            url: schema.get_field("url")?,
            published: schema.get_field("published")?,
        })
    }
}
