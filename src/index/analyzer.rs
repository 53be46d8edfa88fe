//! The one text analyzer used to index passages and to read questions and sentences:
//! words, lower case, ASCII folding, WordNet irregular forms (led → lead), number words
//! as digits (five → 5), English stems.

use std::ops::Range;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::lexicon::irregular_base;

/// The name the analyzer is registered under in the index.
pub const NAME: &str = "sitrep_en";

static ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(|| {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularForms)
        .filter(Stemmer::new(Language::English))
        .build()
});

/// A fresh copy of the analyzer, to register with an index.
pub fn analyzer() -> TextAnalyzer {
    ANALYZER.clone()
}

/// One analyzed word: its index term and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub term: String,
    pub range: Range<usize>,
}

thread_local! {
    /// One analyzer per thread: `token_stream` needs it mutably, and cloning it per call
    /// costs an allocation for every filter.
    static LOCAL: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(ANALYZER.clone());
}

/// Analyzes text into index terms with byte offsets.
pub fn terms(text: &str) -> Vec<Term> {
    LOCAL.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push(Term {
                term: token.text.clone(),
                range: token.offset_from..token.offset_to,
            });
        }
        out
    })
}

/// Replaces irregular forms by their WordNet base form before stemming.
#[derive(Clone)]
struct IrregularForms;

impl TokenFilter for IrregularForms {
    type Tokenizer<T: Tokenizer> = IrregularFormsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        IrregularFormsFilter(tokenizer)
    }
}

#[derive(Clone)]
struct IrregularFormsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for IrregularFormsFilter<T> {
    type TokenStream<'a> = IrregularFormsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IrregularFormsStream(self.0.token_stream(text))
    }
}

struct IrregularFormsStream<S>(S);

impl<S: TokenStream> TokenStream for IrregularFormsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &self.0.token().text;
        if let Some(base) = irregular_base(text).or_else(|| number_word(text)) {
            let token = self.0.token_mut();
            token.text.clear();
            token.text.push_str(base);
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Small numbers written out, as digits: "five sacks" meets "5 sacks".
fn number_word(word: &str) -> Option<&'static str> {
    const WORDS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const DIGITS: [&str; 20] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
        "17", "18", "19",
    ];
    WORDS.iter().position(|w| *w == word).map(|i| DIGITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn irregular_and_regular_forms_meet() {
        assert_eq!(words("led leads leading"), ["lead", "lead", "lead"]);
        assert_eq!(words("Drones DRONE"), ["drone", "drone"]);
        assert_eq!(words("Çırağan"), ["ciragan"]);
        assert_eq!(
            words("five sacks in 9 games"),
            ["5", "sack", "in", "9", "game"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Russia's delegation";
        let t = terms(text);
        assert_eq!(&text[t[0].range.clone()], "Russia");
        assert_eq!(&text[t.last().unwrap().range.clone()], "delegation");
    }
}
