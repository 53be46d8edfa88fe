//! The one text analyzer used to index passages and to read questions and sentences:
//! words, lower case, ASCII folding, WordNet irregular forms (led → lead), number words
//! as digits (five → 5), English stems.

use std::ops::Range;
use std::sync::LazyLock;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::lexicon::irregular_base;

/// The name the analyzer is registered under in the index.
pub const NAME: &str = "sitrep_en";

static ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(|| {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(BaseForm)
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

/// Words to their index term: WordNet's base form of an irregular word or a number word
/// as digits, then the English (Snowball) stem. Each thread remembers the words it has
/// seen: stemming is most of the cost of indexing, and few words make most of any text.
#[derive(Clone)]
struct BaseForm;

impl TokenFilter for BaseForm {
    type Tokenizer<T: Tokenizer> = BaseFormFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        BaseFormFilter {
            inner: tokenizer,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            known: HashMap::default(),
        }
    }
}

/// Most words remembered per thread (about 20 MB).
const KNOWN_WORDS: usize = 200_000;

#[derive(Clone)]
struct BaseFormFilter<T> {
    inner: T,
    stemmer: TextAnalyzer,
    known: HashMap<String, String, BuildHasherDefault<Fnv>>,
}

impl<T: Tokenizer> Tokenizer for BaseFormFilter<T> {
    type TokenStream<'a> = BaseFormStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        BaseFormStream {
            inner: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            known: &mut self.known,
        }
    }
}

struct BaseFormStream<'a, S> {
    inner: S,
    stemmer: &'a mut TextAnalyzer,
    known: &'a mut HashMap<String, String, BuildHasherDefault<Fnv>>,
}

impl<S: TokenStream> TokenStream for BaseFormStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let word = &self.inner.token().text;
        let term = match self.known.get(word) {
            Some(term) => term.clone(),
            None => {
                let base = irregular_base(word)
                    .or_else(|| number_word(word))
                    .unwrap_or(word);
                let mut stream = self.stemmer.token_stream(base);
                let term = if stream.advance() {
                    stream.token().text.clone()
                } else {
                    base.to_string()
                };
                if self.known.len() < KNOWN_WORDS {
                    self.known.insert(word.clone(), term.clone());
                }
                term
            }
        };
        self.inner.token_mut().text = term;
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// FNV-1a: a fast hash for short words (std's SipHash guards against attacks that a word
/// cache does not face; its size cap bounds the damage anyway).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
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
