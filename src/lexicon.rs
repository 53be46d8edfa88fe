//! Word lists shared by extraction, indexing and answering: English stop words and the
//! irregular word forms of WordNet's exception lists (`data/wordnet`, WordNet licence).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/stopwords-en.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Irregular form → base form, e.g. `led` → `lead`, `children` → `child`.
static EXCEPTIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    // Verbs first: in news questions "led", "won", "struck" are far more often verbs.
    for list in [
        include_str!("../data/wordnet/verb.exc"),
        include_str!("../data/wordnet/noun.exc"),
        include_str!("../data/wordnet/adj.exc"),
        include_str!("../data/wordnet/adv.exc"),
    ] {
        for line in list.lines() {
            let mut words = line.split_whitespace();
            if let (Some(form), Some(base)) = (words.next(), words.next())
                && !form.contains('_')
                && !base.contains('_')
            {
                map.entry(form).or_insert(base);
            }
        }
    }
    map
});

/// Whether a lower-case word is an English function word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(word)
}

/// The base form of an irregular lower-case word, if WordNet lists one.
pub fn irregular_base(word: &str) -> Option<&'static str> {
    EXCEPTIONS.get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_irregular_forms_from_wordnet() {
        assert_eq!(irregular_base("led"), Some("lead"));
        assert_eq!(irregular_base("struck"), Some("strike"));
        assert_eq!(irregular_base("children"), Some("child"));
        assert_eq!(irregular_base("drones"), None);
    }

    #[test]
    fn knows_stop_words() {
        assert!(is_stop_word("the") && is_stop_word("which"));
        assert!(!is_stop_word("drone"));
    }
}
