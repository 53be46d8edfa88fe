//! Word lists shared by extraction, indexing and answering: English stop words, the
//! irregular word forms of WordNet's exception lists, WordNet's more specific names for
//! concrete nouns, its nouns for people, its adverbs, its names of places and its
//! abbreviations of common nouns (`data/wordnet`, WordNet licence);
//! and the words people type in chat for what reports name (`data/aliases.tsv`, ours).

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
    let lists = [
        // Verbs first: in news questions "led", "won", "struck" are far more often verbs.
        include_str!("../data/wordnet/verb.exc"),
        include_str!("../data/wordnet/noun.exc"),
        include_str!("../data/wordnet/adj.exc"),
        include_str!("../data/wordnet/adv.exc"),
    ];
    let entries = || {
        lists
            .iter()
            .flat_map(|list| list.lines())
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                Some((words.next()?, words.collect::<Vec<_>>()))
            })
    };
    // A form that is also a base form of its own ("offer" is a verb, not just the
    // comparative of "off") is left alone: mapping it would part "offer" from "offered".
    let own_base: std::collections::HashSet<&str> = entries()
        .filter(|(form, bases)| bases.contains(form))
        .map(|(form, _)| form)
        .collect();
    let mut map = HashMap::new();
    for (form, bases) in entries() {
        if let Some(base) = bases.first()
            && !own_base.contains(form)
            && !form.contains('_')
            && !base.contains('_')
        {
            map.entry(form).or_insert(*base);
        }
    }
    map
});

/// Concrete noun → its synonyms and direct hyponyms (`warplane` → `bomber fighter`).
static RELATED_NOUNS: LazyLock<HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| related_table(include_str!("../data/wordnet/related-nouns.tsv")));

/// Verb → the other words of its most frequent sense (`start` → `begin commence`).
static RELATED_VERBS: LazyLock<HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| related_table(include_str!("../data/wordnet/related-verbs.tsv")));

/// Noun, verb or adjective → the words of another part of speech derived from it or
/// deriving it (`invasion` → `invade`, `economic` → `economy`).
static DERIVATIONS: LazyLock<HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| related_table(include_str!("../data/wordnet/derivations.tsv")));

/// Common nouns whose most frequent sense is a person: `owner`, `surveyor`.
static PERSON_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../data/wordnet/person-nouns.txt")));

/// Common nouns for places: locations, natural objects, buildings and schools (`coast`,
/// `stadium`, `university`).
static PLACE_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../data/wordnet/place-nouns.txt")));

/// Abbreviations WordNet reads as common nouns, with their one-word names: `tv` →
/// `television telecasting video`, `ceo` → none.
static ABBREVIATIONS: LazyLock<HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| related_table(include_str!("../data/wordnet/abbreviations.tsv")));

static ADVERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../data/wordnet/adverbs.txt")));

/// Names whose most frequent capitalised sense is a place, in lower case: `kiev`,
/// `lake geneva`.
static PLACE_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../data/wordnet/place-names.txt")));

/// Nouns for people or groups of them that WordNet never capitalises: `official`,
/// `authority`.
static COMMON_PEOPLE_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../data/wordnet/common-people-nouns.txt")));

/// A list of one word (or name) per line.
fn word_list(text: &'static str) -> HashSet<&'static str> {
    text.lines().collect()
}

/// The two kinds of line of `data/aliases.tsv`: groups of names that stand for one
/// another, and chat words with what reports write for them.
struct Aliases {
    names: HashMap<&'static str, Vec<&'static str>>,
    words: HashMap<&'static str, Vec<&'static str>>,
}

static ALIASES: LazyLock<Aliases> = LazyLock::new(|| {
    let mut aliases = Aliases {
        names: HashMap::new(),
        words: HashMap::new(),
    };
    for line in include_str!("../data/aliases.tsv").lines() {
        let mut fields = line.split('\t');
        match (fields.next(), fields.collect::<Vec<_>>()) {
            (Some("name"), group) => {
                for name in &group {
                    let others = group.iter().copied().filter(|n| n != name).collect();
                    aliases.names.insert(name, others);
                }
            }
            (Some("word"), fields) if fields.len() >= 2 => {
                aliases.words.insert(fields[0], fields[1..].to_vec());
            }
            _ => {}
        }
    }
    aliases
});

/// The other names of a lower-case name's group: `kremlin` → `russia moscow`.
pub fn other_names(name: &str) -> &'static [&'static str] {
    ALIASES.names.get(name).map_or(&[], Vec::as_slice)
}

/// The names a lower-case name or demonym stands for: its group's other names, and a
/// demonym's place with that place's group (`turkish` → `turkey turkiye ankara`): "Turkish
/// intelligence" is "Türkiye's" as much as "Turkey's".
pub fn names_standing_for(word: &str) -> Vec<&'static str> {
    let mut names = other_names(word).to_vec();
    if let Some(place) = demonym_place(word) {
        names.push(place);
        names.extend(other_names(place));
    }
    names
}

/// The place a lower-case demonym is of, as WordNet derives it: `greek` → `greece`.
pub fn demonym_place(word: &str) -> Option<&'static str> {
    derived_forms(word)
        .iter()
        .copied()
        .find(|d| is_place_name(d))
}

/// Whether a lower-case word is a demonym: WordNet derives a place from it ("greek" →
/// Greece, "dutch" → the Netherlands), or it ends as many demonyms do ("nepalese",
/// "iraqi"), for those WordNet lacks.
pub fn is_demonym(word: &str) -> bool {
    const ENDINGS: &[&str] = &["ian", "ean", "ese", "ish", "ic", "ch", "i"];
    demonym_place(word).is_some() || ENDINGS.iter().any(|e| word.ends_with(e))
}

/// Whether a lower-case name names a place: one of WordNet's, or another name of one in
/// its group of `data/aliases.tsv` (`kyiv` beside `kiev`).
pub fn is_place_name(name: &str) -> bool {
    PLACE_NAMES.contains(name) || other_names(name).iter().any(|n| PLACE_NAMES.contains(n))
}

/// Whether a lower-case word is the plural of a noun for people that is never a name:
/// `officials`, `authorities` ("Authorities confirmed …" names no one).
pub fn is_plural_of_common_people_noun(word: &str) -> bool {
    // Past the word itself, its possible bases.
    base_forms(word)
        .skip(1)
        .any(|base| COMMON_PEOPLE_NOUNS.contains(base.as_str()))
}

/// What reports write for a word people type, in any inflection: `UAVs` → `drone`.
pub fn report_words(word: &str) -> &'static [&'static str] {
    lookup(&ALIASES.words, base_forms(word))
}

/// The one-word names of an abbreviation WordNet reads as a common noun, in lower case:
/// `tv` → `television …`; `None` for any other word (`nfl` is a name).
pub fn abbreviation_names(word: &str) -> Option<&'static [&'static str]> {
    ABBREVIATIONS.get(word).map(Vec::as_slice)
}

/// Whether a lower-case word is an adverb: `instead`, `generally`.
pub fn is_adverb(word: &str) -> bool {
    ADVERBS.contains(word)
}

/// Whether a lower-case word, singular or plural, names a kind of person: `owners` (not
/// `leading`, a form of the verb "lead").
pub fn is_person_noun(word: &str) -> bool {
    noun_forms(word).any(|w| PERSON_NOUNS.contains(w.as_str()))
        || PERSON_SUFFIXES
            .iter()
            .any(|suffix| word.len() > suffix.len() + 2 && word.ends_with(suffix))
}

/// Endings of nouns for people by their trade, for the many WordNet lacks
/// ("stratigraphers", "oncologist", "statistician").
const PERSON_SUFFIXES: &[&str] = &[
    "ologist", "ologists", "grapher", "graphers", "ician", "icians",
];

/// Whether a lower-case word, singular or plural, is a common noun for a place: `sidelines`
/// (not `parked`).
pub fn is_place_noun(word: &str) -> bool {
    noun_forms(word).any(|w| PLACE_NOUNS.contains(w.as_str()))
}

fn related_table(tsv: &'static str) -> HashMap<&'static str, Vec<&'static str>> {
    tsv.lines()
        .filter_map(|line| {
            let (word, related) = line.split_once('\t')?;
            Some((word, related.split_whitespace().collect()))
        })
        .collect()
}

/// Whether a word opens a noun phrase as a determiner: "the", "his", "these".
pub fn is_determiner(word: &str) -> bool {
    const DETERMINERS: &[&str] = &[
        "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that",
        "these", "those",
    ];
    DETERMINERS.contains(&word)
}

/// WordNet's kinds of a concrete noun, singular or plural: `warplanes` → `bomber fighter`.
pub fn related_nouns(word: &str) -> &'static [&'static str] {
    lookup(&RELATED_NOUNS, noun_forms(word))
}

/// The words of another part of speech derived from a word or deriving it, in any
/// inflection: `invaded` → `invasion`.
pub fn derived_forms(word: &str) -> &'static [&'static str] {
    lookup(&DERIVATIONS, base_forms(word))
}

/// Whether a lower-case word, in any inflection, is an English word the shipped WordNet
/// tables know (`mayor`, `interceptions`): no misspelling of another word, however close.
pub fn is_dictionary_word(word: &str) -> bool {
    base_forms(word).any(|w| {
        let w = w.as_str();
        RELATED_NOUNS.contains_key(w)
            || RELATED_VERBS.contains_key(w)
            || DERIVATIONS.contains_key(w)
            || PERSON_NOUNS.contains(w)
            || PLACE_NOUNS.contains(w)
            || ADVERBS.contains(w)
    })
}

/// Whether a lower-case word may be an inflection of `base`: `freemen` of `freeman`.
pub fn is_inflection_of(word: &str, base: &str) -> bool {
    base_forms(word).skip(1).any(|w| w == base)
}

/// Synonyms of a verb's most frequent sense, in any inflection: `started` → `begin …`.
pub fn verb_synonyms(word: &str) -> &'static [&'static str] {
    lookup(&RELATED_VERBS, base_forms(word))
}

/// The entry of the first of a word's `forms` that the table has.
fn lookup(
    table: &'static HashMap<&'static str, Vec<&'static str>>,
    mut forms: impl Iterator<Item = String>,
) -> &'static [&'static str] {
    forms
        .find_map(|w| table.get(w.as_str()))
        .map_or(&[], |related| related.as_slice())
}

/// The word itself, then the base forms it may be an inflection of (WordNet's morphy:
/// exception lists, then suffix rules).
fn base_forms(word: &str) -> impl Iterator<Item = String> + '_ {
    forms(word, &[NOUN_SUFFIXES, VERB_SUFFIXES])
}

/// The word itself, then the nouns it may be the plural of: "missing" is no form of the
/// noun "miss".
fn noun_forms(word: &str) -> impl Iterator<Item = String> + '_ {
    forms(word, &[NOUN_SUFFIXES])
}

const NOUN_SUFFIXES: &[(&str, &str)] = &[("ies", "y"), ("men", "man"), ("es", ""), ("s", "")];
const VERB_SUFFIXES: &[(&str, &str)] = &[("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")];

/// The word, its irregular base, then what each suffix rule makes of it (morphy's rules).
fn forms<'a>(
    word: &'a str,
    suffixes: &'a [&'static [(&'static str, &'static str)]],
) -> impl Iterator<Item = String> + 'a {
    std::iter::once(word.to_string())
        .chain(irregular_base(word).map(str::to_string))
        .chain(
            suffixes
                .iter()
                .flat_map(|s| s.iter())
                .filter_map(move |(suffix, ending)| {
                    word.strip_suffix(suffix)
                        .map(|stem| format!("{stem}{ending}"))
                }),
        )
}

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
    fn dictionary_words_and_their_inflections() {
        assert!(is_dictionary_word("mayor") && is_dictionary_word("interceptions"));
        assert!(!is_dictionary_word("intercpetions"));
        assert!(is_inflection_of("freemen", "freeman") && is_inflection_of("chairmen", "chairman"));
        assert!(!is_inflection_of("freeman", "freemen"));
    }

    #[test]
    fn nouns_for_people_by_their_trade() {
        assert!(is_person_noun("surveyor") && is_person_noun("stratigraphers"));
        assert!(is_person_noun("statistician") && is_person_noun("oncologist"));
        assert!(!is_person_noun("graph") && !is_person_noun("biology"));
    }

    #[test]
    fn knows_irregular_forms_from_wordnet() {
        assert_eq!(irregular_base("led"), Some("lead"));
        assert_eq!(irregular_base("struck"), Some("strike"));
        assert_eq!(irregular_base("children"), Some("child"));
        assert_eq!(irregular_base("drones"), None);
        assert_eq!(
            irregular_base("offer"),
            None,
            "a verb of its own, not 'more off'"
        );
    }

    #[test]
    fn knows_kinds_of_things() {
        assert!(related_nouns("warplanes").contains(&"bomber"));
        assert!(related_nouns("warplane").contains(&"fighter"));
        assert!(
            related_nouns("talks").is_empty(),
            "abstract nouns are not expanded"
        );
        assert!(related_nouns("miss").contains(&"girl"));
        assert!(related_nouns("missing").is_empty(), "no plural of a noun");
    }

    #[test]
    fn knows_nouns_for_people() {
        assert!(is_person_noun("owner") && is_person_noun("surveyors"));
        assert!(is_person_noun("children"));
        assert!(!is_person_noun("general"), "also an adjective");
        assert!(!is_person_noun("bridge") && !is_person_noun("hitler"));
    }

    #[test]
    fn knows_places_by_their_names() {
        assert!(
            is_place_name("kiev") && is_place_name("kyiv"),
            "kyiv by its group"
        );
        assert!(is_place_name("lake geneva") && is_place_name("europe"));
        assert!(
            is_place_name("washington"),
            "the city is its first capitalised sense"
        );
        assert!(!is_place_name("lincoln"), "the president is");
        assert!(!is_place_name("medinsky") && !is_place_name("nato"));
    }

    #[test]
    fn knows_plurals_of_nouns_for_people_that_are_never_names() {
        assert!(is_plural_of_common_people_noun("authorities"));
        assert!(is_plural_of_common_people_noun("officials"));
        assert!(is_plural_of_common_people_noun("witnesses"));
        assert!(!is_plural_of_common_people_noun("official"), "not a plural");
        assert!(!is_plural_of_common_people_noun("gates"), "Bill Gates");
        assert!(
            !is_plural_of_common_people_noun("ukrainians"),
            "capitalised"
        );
    }

    #[test]
    fn knows_stop_words() {
        assert!(is_stop_word("the") && is_stop_word("which"));
        assert!(!is_stop_word("drone"));
    }
}
