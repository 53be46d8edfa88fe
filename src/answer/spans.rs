//! Typed answer candidates in a sentence: numbers, money, percentages, dates and times,
//! durations, names of people and places, and quoted names.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::question::{AnswerType, Measure};
use crate::lexicon::{
    is_adverb, is_demonym, is_determiner, is_dictionary_word, is_person_noun, is_place_name,
    is_place_noun, is_plural_of_common_people_noun, is_stop_word, report_words,
};

/// A stretch of a sentence that could answer a question of `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub kind: AnswerType,
    pub range: Range<usize>,
    /// "around 40", "dozens", "more than a year": approximate by the source's own words.
    pub hedged: bool,
    /// A person described by a common noun ("the quantity surveyor"), not named.
    pub described: bool,
    /// Its kind is certain, so a person never stands for a place nor a place for a person:
    /// a name after an office or a noun for a person ("President Vladimir Putin"), or a
    /// name whose head word is ground that cannot act ("Quay Street", "Levi's Stadium").
    pub certain: bool,
}

// The patterns of numbers, money, dates and durations bound words with ASCII `\b`: a
// Unicode `\b` sends the regex engine from its DFA to a backtracker on any text with a
// curly quote or a dash, 10–40× slower on SQuAD's paragraphs with the same matches. Where the
// two differ for a count (a non-ASCII letter before "one" in "Léone"), `designation` drops it.
const MONTH: &str = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const WEEKDAY: &str = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const HEDGE: &str = r"(?:(?:around|about|approximately|roughly|nearly|almost|some|over|more than|less than|fewer than|at least|at most|up to|an estimated|as many as|close to)\s+)";
const SMALL: &str = "(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a dozen|a few|several)";
const SCALE: &str = r"(?:\s?(?:hundred|thousand|million|billion|trillion|bn|mn)(?-u:\b))";
/// A count given by its scale alone: "dozens", "thousands", "tens of thousands".
const MANY: &str = "(?:tens of thousands|dozens|scores|hundreds|thousands|millions|billions)";
const LENGTH_UNIT: &str = r"(?:nautical\smiles|km|kilometres?|kilometers?|miles?|mi|metres|meters|m|cm|mm|feet|foot|ft|inches|yards|storeys|stories|floors)";
const SPEED_UNIT: &str =
    r"(?:km/h|kph|mph|knots|(?:kilometres|kilometers|miles|metres|meters)\sper\s(?:hour|second))";
const WEIGHT_UNIT: &str = r"(?:kg|kilograms|grams|tonnes|tons|lb|lbs)";

fn regex(pattern: String) -> Regex {
    Regex::new(&pattern).expect("valid candidate regex")
}

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(format!(
        r"(?i){HEDGE}?(?:(?:US|A|C)?[$€£¥₴]\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:{SCALE}|m(?-u:\b))?|\d(?:[\d,]*\d)?(?:\.\d+)?{SCALE}?\s(?:dollars|euros|pounds|roubles|rubles|hryvnias|yuan|yen|rupees|lira|lire|francs|marks|pesos|dinars|shillings|kronor|kroner|rand|ringgit|rupiah|won|zloty|złoty)(?-u:\b))"
    ))
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(format!(
        r"(?i){HEDGE}?\d+(?:\.\d+)?\s?(?:%|per\s?cent(?-u:\b))"
    ))
});
/// A share written as a fraction: "a third", "two-thirds", "about a quarter", "half".
static FRACTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(format!(
        r"(?i){HEDGE}?(?-u:\b)(?:(?:a|one|two|three|four)[\s-](?:thirds?|quarters?|fifths?|tenths?)|half)(?-u:\b)"
    ))
});
/// Words before a month alone that make it a date ("held every June", "In May, …"); the
/// candidate leaves them out.
const MONTH_PREPOSITIONS: &[&str] = &["in", "every", "since", "until", "by", "during", "of"];
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let before_month = MONTH_PREPOSITIONS
        .iter()
        .map(|w| format!("[{}{}]{}", w[..1].to_uppercase(), &w[..1], &w[1..]))
        .collect::<Vec<_>>()
        .join("|");
    regex(format!(
        r"(?-u:\b)(?:(?:{before_month})\s{MONTH}(?:\s\d{{1,2}}(?:st|nd|rd|th)?(?-u:\b)(?:,?\s\d{{4}})?|\s\d{{4}})?(?-u:\b)|\d{{1,2}}(?::\d{{2}})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{{1,2}}:\d{{2}}|{MONTH}\.?\s\d{{1,2}}(?:st|nd|rd|th)?(?-u:\b)(?:,?\s\d{{4}})?|\d{{1,2}}\s{MONTH}(?-u:\b)(?:\s\d{{4}})?|{MONTH}\s\d{{4}}|(?:early|mid|late)-?{MONTH}(?-u:\b)|{WEEKDAY}(?:\s(?:morning|afternoon|evening|night))?|\d{{3,4}}\s(?:AD|BC|BCE|CE)|(?:AD\s)\d{{1,4}}|(?:1\d|20)\d{{2}}s?|\d{{1,2}}(?:st|nd|rd|th)\scentury|(?:yesterday|today|tomorrow|tonight|last\s(?:week|month|year|night)|this\s(?:week|month|year|morning))(?-u:\b))"
    ))
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(format!(
        r"(?i){HEDGE}?(?:(?:a|an|\d+(?:\.\d+)?|{SMALL})(?:\sand\sa\shalf)?\s(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries)(?:\sand\sa\shalf)?|\d+-(?:year|month|week|day|hour|minute|decade)(?-u:\b))"
    ))
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let unit = format!(
        r"(?:[\s-]?(?:{SPEED_UNIT}|{LENGTH_UNIT}|{WEIGHT_UNIT}|hectares|acres|square\s(?:km|kilometres|miles))(?-u:\b))"
    );
    regex(format!(
        r"(?i){HEDGE}?(?:\d(?:[\d,]*\d)?(?:\.\d+)?{SCALE}?{unit}?|(?-u:\b){SMALL}{SCALE}?(?-u:\b){unit}?|(?-u:\b){MANY}(?-u:\b)|(?-u:\b)(?:half\s)?an?\s(?:mile|kilometre|kilometer)(?-u:\b))"
    ))
});
/// A stretch of time given by its ends, which answers "how long": "from 1961 to 1972",
/// "from 4 August 1915 until November 1918", "since 1951", "since the 1950s", "until the
/// mid-1990s".
static DATE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let date = format!(r"(?:{MONTH}\s)?(?:\d{{1,2}}\s{MONTH}\s)?\d{{3,4}}");
    regex(format!(
        r"(?-u:\b)(?:(?:[Ff]rom|[Bb]etween)\s{date}\s?(?:to|until|till|through|and|–|-)\s?(?:{MONTH}\s)?(?:\d{{1,2}}\s{MONTH}\s)?\d{{2,4}}|(?:[Ss]ince|[Uu]ntil)\s(?:the\s)?(?:(?:early|mid|late)[\s-])?{date}s?)(?-u:\b)"
    ))
});
/// An event named after a temporal preposition answers "when": "during the Second World
/// War", "after the Treaty of Paris"; with "the", which the names of people do not take.
static EVENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?-u:\b)(?:[Dd]uring|[Aa]fter|[Bb]efore|[Uu]ntil|[Ss]ince)\sthe\s(\p{Lu}[\p{L}'’-]*(?:\s(?:of\s(?:the\s)?)?\p{Lu}[\p{L}'’-]*)*)".to_string())
});
/// Text in double quotes, or in curly single quotes (straight ones are apostrophes).
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"[“"][^“”"]{2,80}[”"]|‘[^‘’]{2,80}’"#.to_string()));
/// A capitalised word, possibly with an inner apostrophe or hyphen ("O'Neill", "Al-Assad").
static CAPITALISED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b\p{Lu}[\p{L}\p{Mn}]*(?:['’-]\p{L}+)*\.?".to_string()));

/// Honorifics and offices that precede a name but are not part of it.
const TITLES: &[&str] = &[
    "President",
    "Prime",
    "Minister",
    "Secretary",
    "Foreign",
    "Defence",
    "Defense",
    "Interior",
    "Finance",
    "General",
    "Gen.",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Senator",
    "Sen.",
    "Governor",
    "Gov.",
    "Mayor",
    "Chief",
    "Director",
    "Ambassador",
    "Commander",
    "Colonel",
    "Col.",
    "Major",
    "Captain",
    "Lieutenant",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof.",
    "Professor",
    "Sir",
    "Lord",
    "Lady",
    "Judge",
    "Justice",
    "Vice",
    "Deputy",
    "Speaker",
    "Spokesman",
    "Spokeswoman",
    "Archbishop",
    "Bishop",
    "Rev.",
    "Sheikh",
    "Emir",
    "Sultan",
    "Premier",
    "Leader",
    "Head",
    "Operation",
];

const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "at", "near", "from", "to", "into", "across", "outside", "inside", "towards", "toward",
    "around", "over",
];

/// All candidates in a sentence, of every type.
pub fn candidates(sentence: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let push = |kind, range: Range<usize>, out: &mut Vec<Candidate>| {
        let text = &sentence[range.clone()];
        let hedged = HEDGE_RE.is_match(text)
            || text.ends_with('s')
                && kind == AnswerType::Number
                && !text.chars().any(|c| c.is_ascii_digit());
        out.push(Candidate {
            kind,
            range,
            hedged,
            described: false,
            certain: false,
        });
    };
    for m in MONEY.find_iter(sentence) {
        push(AnswerType::Money, m.range(), &mut out);
    }
    for m in PERCENT.find_iter(sentence) {
        push(AnswerType::Percent, m.range(), &mut out);
    }
    // A fraction is a share when "of" or nothing follows it: not "a third round", nor the
    // half of "an hour and a half".
    for m in FRACTION.find_iter(sentence) {
        let next = sentence[m.end()..].split_whitespace().next().unwrap_or("");
        let part_of_quantity = sentence[..m.start()].ends_with("and a ");
        if (next == "of" || !next.starts_with(char::is_alphanumeric)) && !part_of_quantity {
            push(AnswerType::Percent, m.range(), &mut out);
        }
    }
    for m in DATE.find_iter(sentence) {
        let lead = m
            .as_str()
            .split_once(' ')
            .filter(|(first, _)| MONTH_PREPOSITIONS.contains(&first.to_lowercase().as_str()))
            .map_or(0, |(first, _)| first.len() + 1);
        push(AnswerType::Date, m.start() + lead..m.end(), &mut out);
    }
    for m in DURATION.find_iter(sentence) {
        push(AnswerType::Duration, m.range(), &mut out);
    }
    for m in DATE_RANGE.find_iter(sentence) {
        push(AnswerType::Duration, m.range(), &mut out);
    }
    for event in EVENT.captures_iter(sentence) {
        let name = event.get(1).expect("the pattern has one group");
        push(AnswerType::Date, name.range(), &mut out);
        // "since the Treaty of Rome" also says how long.
        if event[0]
            .get(..5)
            .is_some_and(|w| w.eq_ignore_ascii_case("since"))
        {
            push(AnswerType::Duration, name.range(), &mut out);
        }
    }
    for m in NUMBER.find_iter(sentence) {
        // A number inside money, a percentage, a date or a duration belongs to that; "one
        // of the" counts nothing, nor does the number of a model or a road ("Tu-160"), nor
        // an ordinal ("the 16th century").
        let one_of =
            m.as_str().eq_ignore_ascii_case("one") && sentence[m.end()..].starts_with(" of ");
        if !one_of
            && !designation(sentence, m.range())
            && !ordinal(sentence, m.end())
            && !out
                .iter()
                .any(|c| c.range.start <= m.start() && m.end() <= c.range.end)
        {
            push(AnswerType::Number, m.range(), &mut out);
        }
    }
    let quoted = QUOTED.find_iter(sentence).map(|m| {
        // Inside the quotes (each one character).
        let open = m.as_str().chars().next().map_or(0, char::len_utf8);
        let close = m.as_str().chars().next_back().map_or(0, char::len_utf8);
        m.start() + open..m.end() - close
    });
    for inside in quoted.chain(single_quoted(sentence)) {
        // Without a trailing comma or stop.
        let start = inside.start;
        let text = sentence[inside].trim_end_matches([',', '.']);
        out.push(name(start..start + text.len()));
    }
    out.extend(names(sentence));
    out.extend(named_by_verb(sentence));
    out.extend(people_described(sentence));
    out.extend(places_described(sentence));
    out
}

/// The words a naming verb gives, capitalised or not: "a behaviour called phototaxis",
/// "referred to as pedagogy", "known as the net force" (without the article). The phrase
/// ends at punctuation or a function word, after at most four words.
fn named_by_verb(sentence: &str) -> Vec<Candidate> {
    static NAMING: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?i)(?-u:\b)(?:called|named|known\sas|termed|referred\sto\sas|dubbed|nicknamed|codenamed|re-?branded\sas)\s".to_string())
    });
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^[\p{L}\p{N}][\p{L}\p{N}'’-]*".to_string()));
    let mut out = Vec::new();
    for naming in NAMING.find_iter(sentence) {
        let mut at = naming.end();
        let mut phrase: Option<Range<usize>> = None;
        while let Some(word) = WORD.find(&sentence[at..]) {
            let lower = word.as_str().to_lowercase();
            let range = at + word.start()..at + word.end();
            let leading_article = phrase.is_none() && ARTICLES.contains(&lower.as_str());
            if !leading_article {
                if is_stop_word(&lower) {
                    break;
                }
                let start = phrase.map_or(range.start, |p| p.start);
                phrase = Some(start..range.end);
            }
            if phrase
                .as_ref()
                .is_some_and(|p| sentence[p.clone()].split(' ').count() == 4)
                || !sentence[range.end..].starts_with(' ')
            {
                break;
            }
            at = range.end + 1;
        }
        out.extend(phrase.map(name));
    }
    out
}

/// Text in straight single quotes ("the 'Spider's Web', …"), which are also apostrophes: a
/// quote opens after a space or a bracket before a letter or digit, and closes at the first
/// quote after that with no letter or digit after it.
fn single_quoted(sentence: &str) -> Vec<Range<usize>> {
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(offset) = sentence[from..].find('\'') {
        let open = from + offset;
        from = open + 1;
        let before = sentence[..open].chars().next_back();
        if before.is_some_and(|c| !c.is_whitespace() && c != '(')
            || !word_char(sentence[from..].chars().next())
        {
            continue;
        }
        let close = sentence[from..]
            .match_indices('\'')
            .map(|(k, _)| from + k)
            .find(|&k| !word_char(sentence[k + 1..].chars().next()));
        if let Some(close) = close.filter(|&k| (2..=80).contains(&(k - from))) {
            out.push(from..close);
            from = close + 1;
        }
    }
    out
}

/// Whether the figure at `range` follows a number sign, so that it numbers one thing
/// ("train No. 86", "#3"): it answers "what number …?", not "how many …?".
pub fn numbered(sentence: &str, range: Range<usize>) -> bool {
    let word_before = sentence[..range.start].trim_end().rsplit(' ').next();
    word_before.is_some_and(|w| ["No", "No.", "Nos.", "no.", "Number", "#"].contains(&w))
}

/// Whether the digits at `range` follow letters, so that they name something ("Tu-160",
/// "A-240", "COVID-19") rather than count it. Letters after digits are often a unit
/// ("100m", "64KB"), so they do not decide.
fn designation(sentence: &str, range: std::ops::Range<usize>) -> bool {
    let mut before = sentence[..range.start].chars().rev();
    match (before.next(), before.next()) {
        (Some('-'), Some(c)) => c.is_alphabetic(),
        (Some(c), _) => c.is_alphabetic(),
        _ => false,
    }
}

/// Whether a figure ending at `end` takes an ordinal's suffix: "16th", "2nd".
fn ordinal(sentence: &str, end: usize) -> bool {
    let rest = &sentence[end..];
    ["st", "nd", "rd", "th"].iter().any(|suffix| {
        rest.get(..2)
            .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
            && !rest[2..].starts_with(char::is_alphanumeric)
    })
}

static HEDGE_RE: LazyLock<Regex> = LazyLock::new(|| regex(format!("(?i)^{HEDGE}")));

/// Where a sentence says what the name at `name` is (ranges in `sentence`): an apposition
/// or a copula after it ("Vladimir Medinsky, an aide to Putin", "the SBU is the …"), a
/// description it stands in apposition or brackets to ("Ukraine's domestic intelligence
/// service, the SBU,", "Ukraine's security service (SBU)"), or the office before it
/// ("Defence Minister Rustem Umerov"). `name` is widened to the whole name first; a name
/// that goes on after it is another's ("the Frédéric Chopin Piano Competition").
pub fn definition(sentence: &str, name: Range<usize>) -> Option<Range<usize>> {
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"^(?:,\s*|\s+(?:is|was|are|were)\s+)((?:an?|the|one of)\s[^,;:.()\[\]—–]+)".into())
    });
    static ENCLOSED: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*(?:[,.;)]|$)".into()));
    static OPENED: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?:,\s*(?:the\s+)?|\s*\(\s*)$".into()));
    let name = whole_name(sentence, name)?;
    let (before, after) = (&sentence[..name.start], &sentence[name.end..]);
    if let Some(said) = AFTER.captures(after).and_then(|c| c.get(1)) {
        let said = said.start()..said.start() + said.as_str().trim_end().len();
        return Some(name.end + said.start..name.end + said.end);
    }
    let opened = OPENED.find(before).filter(|_| ENCLOSED.is_match(after));
    match opened {
        Some(opened) => described_before(&before[..opened.start()], false),
        None => described_before(before, true),
    }
}

/// The name ending at `at` with the capitalised words joined to it by spaces before it,
/// short of an office ("Minister" of "Defence Minister Rustem Umerov"); none if another
/// capitalised word follows.
fn whole_name(sentence: &str, at: Range<usize>) -> Option<Range<usize>> {
    let words: Vec<regex::Match> = CAPITALISED.find_iter(sentence).collect();
    let Some(mut first) = words.iter().position(|w| w.end() > at.start) else {
        return Some(at);
    };
    if words[first].start() > at.start {
        return Some(at);
    }
    let last = first;
    let joined = |a: &regex::Match, b: &regex::Match| sentence[a.end()..b.start()] == *" ";
    let owner = |w: &regex::Match| w.as_str().ends_with("'s") || w.as_str().ends_with("’s");
    while first > 0
        && joined(&words[first - 1], &words[first])
        && !owner(&words[first - 1])
        && !is_person_noun(&words[first - 1].as_str().to_lowercase())
    {
        first -= 1;
    }
    let goes_on = last + 1 < words.len() && joined(&words[last], &words[last + 1]);
    (!goes_on || owner(&words[last])).then(|| words[first].start()..words[last].end().max(at.end))
}

/// The noun phrase ending `text` (a range in it), up to twelve words back to a clause
/// boundary or a word that cannot belong to it; with `office`, only an office ("Regional
/// Governor", "President Vladimir Putin's advisor"): capitalised words and nouns for
/// people, one of which must be such a noun.
fn described_before(text: &str, office: bool) -> Option<Range<usize>> {
    static WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"\S+".into()));
    let words: Vec<regex::Match> = WORD.find_iter(text).collect();
    let link = |w: &str| {
        let lower = w.to_lowercase();
        ARTICLES.contains(&lower.as_str()) || PHRASE_PREPOSITIONS.contains(&lower.as_str())
    };
    let inside = |w: &str| -> bool {
        let lower = w.to_lowercase();
        if office {
            w.starts_with(char::is_uppercase) || is_person_noun(&lower) || lower == "of"
        } else {
            !is_stop_word(&lower) || link(w)
        }
    };
    let mut first = words.len();
    while first > 0 && words.len() - first < 12 {
        let w = words[first - 1].as_str();
        let boundary = w.ends_with([',', ';', ':', '.', '(', ')']) || w.starts_with('(');
        if boundary || !inside(w) {
            break;
        }
        first -= 1;
    }
    // A phrase does not begin with a preposition ("of the delegation").
    while first < words.len()
        && PHRASE_PREPOSITIONS.contains(&words[first].as_str().to_lowercase().as_str())
    {
        first += 1;
    }
    let phrase = &words[first..];
    let ends_in_link = phrase.last().is_some_and(|w| link(w.as_str()));
    let has_office = phrase
        .iter()
        .any(|w| is_person_noun(&w.as_str().to_lowercase()));
    if phrase.is_empty() || ends_in_link || office && !has_office {
        return None;
    }
    Some(phrase[0].start()..phrase[phrase.len() - 1].end())
}

/// Function words inside a noun phrase: "the head of the delegation at the talks in Istanbul".
const ARTICLES: &[&str] = &["the", "a", "an"];
const PHRASE_PREPOSITIONS: &[&str] = &["of", "at", "in", "for", "on"];

/// Lower-case words inside a name: "Bank of England", "Ludwig van Beethoven".
pub const NAME_LINKS: &[&str] = &["of", "de", "del", "van", "von", "al", "bin"];

/// Runs of capitalised words: people (and organisations), and places after a preposition.
fn names(sentence: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let words: Vec<regex::Match> = CAPITALISED.find_iter(sentence).collect();
    let mut i = 0;
    while i < words.len() {
        // Extend the run while only spaces (or "of", "de", "al" …) separate the words.
        let mut j = i;
        while j + 1 < words.len() {
            let gap = &sentence[words[j].end()..words[j + 1].start()];
            let initial = gap.is_empty() && words[j].as_str().ends_with('.');
            // "Russia's Bryansk region": the owner and the owned are two names.
            if words[j].as_str().ends_with("'s") || words[j].as_str().ends_with("’s") {
                break;
            }
            if initial
                || gap == " "
                || gap
                    .strip_prefix(' ')
                    .and_then(|g| g.strip_suffix(' '))
                    .is_some_and(|w| NAME_LINKS.contains(&w))
            {
                j += 1;
            } else {
                break;
            }
        }
        let run = &words[i..=j];
        i = j + 1;
        // Drop a capitalised sentence opener, and everything up to the last office or
        // honorific when a name follows it ("Russian Foreign Minister Sergei Lavrov").
        let opener = opens_clause(sentence, run[0].start())
            && (is_common_opener(run[0].as_str())
                || run.len() == 1 && opens_with_participle(sentence, run[0].end())
                || run.len() == 1 && heads_common_phrase(sentence, run[0].end()));
        let mut start = usize::from(opener);
        let before = sentence[..run[0].start()].trim_end();
        let mut titled = before
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.starts_with(char::is_lowercase) && is_person_noun(w));
        if let Some(mut title) = run.iter().rposition(|w| TITLES.contains(&w.as_str())) {
            titled = true;
            // "Secretary of State", "Minister of Foreign Affairs": the office's own
            // complement, its common words short of the last two of the run.
            let of = |k: usize| &sentence[run[k].end()..run[k + 1].start()] == " of ";
            let mut complement = (0..title).any(of);
            if title + 1 < run.len() && of(title) {
                title += 1;
                complement = true;
            }
            let common = |word: &str| {
                let word = word.to_lowercase();
                // Plurals of offices' fields that the WordNet tables lack.
                is_dictionary_word(&word) || matches!(word.as_str(), "affairs" | "relations")
            };
            while complement && title + 3 < run.len() && common(run[title + 1].as_str()) {
                title += 1;
            }
            start = start.max(title + 1);
        }
        if start == run.len() || is_calendar_word(run[start].as_str()) {
            continue;
        }
        // A chat abbreviation of a common noun ("UAVs" for drones) names no one.
        let abbreviation = || {
            let word = run[start].as_str();
            word.chars().filter(|c| c.is_uppercase()).count() > 1
                && !report_words(&word.to_lowercase()).is_empty()
        };
        if start + 1 == run.len() && (is_modifier(sentence, &run[start]) || abbreviation()) {
            continue;
        }
        let range = run[start].start()..run[run.len() - 1].end();
        let text = sentence[range.clone()]
            .trim_end_matches('.')
            .trim_end_matches("'s")
            .trim_end_matches("’s");
        let range = range.start..range.start + text.len();
        let preposition = before
            .rsplit(' ')
            .take(3)
            .any(|w| PLACE_PREPOSITIONS.contains(&w.to_lowercase().as_str()));
        // A common noun after the name heads it for certain ("the Zheleznogorsky district").
        let after = head_after(sentence, range.end);
        let head = head_kind(sentence, &run[start..]).or(after);
        let kind = match head {
            Some(Head::Ground | Head::Place) => AnswerType::Place,
            Some(Head::Thing) => AnswerType::Name,
            None if titled => AnswerType::Person,
            None if preposition => AnswerType::Place,
            // A place WordNet knows is one, unless it opens the sentence: as its subject
            // it is an actor ("Ukraine insists …"), not where something happened.
            None if range.start > 0 && is_place_name(&text.to_lowercase()) => AnswerType::Place,
            None => AnswerType::Person,
        };
        out.push(Candidate {
            kind,
            range,
            hedged: false,
            described: false,
            certain: titled && kind == AnswerType::Person
                || head == Some(Head::Ground)
                || head == after && after.is_some(),
        });
    }
    out
}

/// Whether a word at `at` opens the sentence or a clause set off by punctuation, where
/// any word is capitalised: "(IANS) A freight train …", "commission: Both sides …".
fn opens_clause(sentence: &str, at: usize) -> bool {
    let gap = &sentence[..at];
    let before = gap.trim_end();
    before.is_empty()
        || gap[before.len()..].contains('\n')
        || before.ends_with([':', ';', '(', ')', '"', '“', '‘', '—', '–'])
}

/// Whether a capitalised sentence opener is a common word rather than a name: "The",
/// "Instead", "Three", "Thousands", "Authorities".
fn is_common_opener(word: &str) -> bool {
    static NUMBER_WORD: LazyLock<Regex> =
        LazyLock::new(|| regex(format!("(?i)^(?:{SMALL}|{MANY}|tens)$")));
    let lower = word.to_lowercase();
    is_stop_word(&lower)
        || is_adverb(&lower)
        || NUMBER_WORD.is_match(&lower)
        || is_plural_of_common_people_noun(&lower)
}

/// Whether the sentence opens with a participle ending at `end`: "According to Tass",
/// "Speaking from Lithuania", "Following the talks" — a word in "-ing" before a
/// preposition or determiner, which a name ("Beijing is …", "Fleming said") seldom has.
fn opens_with_participle(sentence: &str, end: usize) -> bool {
    const NEXT: &[&str] = &[
        "to", "from", "at", "on", "in", "with", "about", "after", "before", "for", "of", "up",
        "out", "over", "through", "into", "the", "a", "an", "his", "her", "its", "their", "this",
        "these", "those",
    ];
    let word = &sentence[..end];
    let next = sentence[end..].split_whitespace().next().unwrap_or("");
    word.len() > 5
        && word.ends_with("ing")
        && sentence[end..].starts_with(' ')
        && NEXT.contains(&next)
}

/// Whether the word ending at `end` heads a phrase "of" common words: "Formation of medical
/// commission: …", "Details of the deal" — a name's own "of" joins names ("Bank of England").
fn heads_common_phrase(sentence: &str, end: usize) -> bool {
    sentence[end..]
        .strip_prefix(" of ")
        .is_some_and(|rest| rest.starts_with(char::is_lowercase))
}

/// Heads that make a name ground that cannot act ("Hudson River", "Levi's Stadium").
const GROUND_HEADS: &[&str] = &[
    "river",
    "lake",
    "sea",
    "ocean",
    "bay",
    "gulf",
    "strait",
    "island",
    "islands",
    "peninsula",
    "mountain",
    "mountains",
    "valley",
    "desert",
    "coast",
    "basin",
    "forest",
    "plain",
    "plains",
    "street",
    "avenue",
    "road",
    "square",
    "park",
    "canal",
    "stadium",
    "arena",
    "bridge",
    "tower",
    "castle",
];
/// Heads that make a name a place that may also act through the people it stands for
/// ("Orange County sued", "Gatwick Airport cancelled flights").
const PLACE_HEADS: &[&str] = &[
    "county",
    "city",
    "province",
    "region",
    "district",
    "airport",
    "station",
    "harbour",
    "harbor",
    "cathedral",
    "church",
    "mosque",
    "temple",
    "palace",
    "museum",
];
/// Heads that make a name a thing, event or document ("Super Bowl", "Treaty of Paris")
/// rather than anyone who could act.
const THING_HEADS: &[&str] = &[
    "war",
    "wars",
    "battle",
    "siege",
    "treaty",
    "act",
    "law",
    "bill",
    "agreement",
    "accord",
    "convention",
    "declaration",
    "constitution",
    "charter",
    "doctrine",
    "theory",
    "theorem",
    "principle",
    "effect",
    "bowl",
    "cup",
    "prize",
    "award",
    "trophy",
    "medal",
    "games",
    "championship",
    "festival",
    "crisis",
    "revolution",
    "rebellion",
    "uprising",
    "massacre",
    "plague",
    "pandemic",
    "epidemic",
    "program",
    "programme",
    "mission",
    "system",
    "protocol",
    "language",
    "era",
    "age",
    "period",
    "day",
    "railway",
    "railroad",
    "highway",
    "line",
];

/// What a name's head word makes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Head {
    Ground,
    Place,
    Thing,
}

/// What a name's head word makes it: the word before "of" ("Battle of Hastings"), else
/// the last word before any Roman numeral ("Super Bowl XLI").
fn head_kind(sentence: &str, run: &[regex::Match]) -> Option<Head> {
    let roman = |w: &str| {
        w.trim_end_matches('.')
            .chars()
            .all(|c| "IVXLCDM".contains(c))
    };
    let of = (0..run.len().saturating_sub(1))
        .find(|&k| &sentence[run[k].end()..run[k + 1].start()] == " of ");
    let head = match of {
        Some(k) => run[k].as_str(),
        None => run.iter().rev().map(|w| w.as_str()).find(|w| !roman(w))?,
    };
    head_of(&head.trim_end_matches('.').to_lowercase())
}

/// What a lower-case head word makes a name.
fn head_of(word: &str) -> Option<Head> {
    [
        (GROUND_HEADS, Head::Ground),
        (PLACE_HEADS, Head::Place),
        (THING_HEADS, Head::Thing),
    ]
    .into_iter()
    .find_map(|(heads, kind)| heads.contains(&word).then_some(kind))
}

/// What the common noun right after a name makes it: "the Zheleznogorsky district", "the
/// Belaya airbase" (not an owner's: "Russia's region").
fn head_after(sentence: &str, end: usize) -> Option<Head> {
    let next = sentence[end..].strip_prefix(' ')?.split(' ').next()?;
    let word = next.trim_end_matches(|c: char| !c.is_alphanumeric());
    if !word.starts_with(char::is_lowercase) {
        return None;
    }
    head_of(word).filter(|&head| head != Head::Thing)
}

/// The abbreviation a sentence gives in brackets for the name at `span`, or the one the
/// name spells out in brackets after it: "SBU" for "Security Service of Ukraine (SBU)" and
/// for "SBU (Security Service of Ukraine)".
pub fn bracketed_abbreviation(sentence: &str, span: Range<usize>) -> Option<&str> {
    let is_abbreviation = |w: &str| {
        w.chars().filter(char::is_ascii_uppercase).count() >= 2
            && w.chars().all(char::is_alphanumeric)
    };
    let after = sentence[span.end..].trim_start().strip_prefix('(');
    if let Some(inside) = after.and_then(|a| a.split_once(')')).map(|(w, _)| w.trim()) {
        return is_abbreviation(inside).then_some(inside);
    }
    let before = sentence[..span.start].trim_end().strip_suffix('(')?;
    let closed = sentence[span.end..].trim_start().starts_with(')');
    let word = before.trim_end().rsplit(char::is_whitespace).next()?;
    (closed && is_abbreviation(word)).then_some(word)
}

/// The words of the name a text defines `abbreviation` by, in brackets after it ("the
/// Ukrainian Security Service (SBU)" → Security, Service), however its letters were
/// transliterated: the capitalised run before the bracket, as `defining_words` has it.
pub fn defined_by<'t>(text: &'t str, abbreviation: &str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let bracketed = format!("({abbreviation})");
    for (at, _) in text.match_indices(&bracketed) {
        let before: Vec<&str> = text[..at].split_whitespace().rev().take(6).collect();
        let run = before
            .iter()
            .take_while(|w| w.starts_with(char::is_uppercase) || NAME_LINKS.contains(w))
            .count();
        for word in defining_words(before[..run].iter().rev().copied()) {
            if !out.contains(&word) {
                out.push(word);
            }
        }
    }
    out
}

/// The words of a name that say which organisation it is, less those that say whose:
/// "Security", "Service" of "Ukraine's Security Service" (not its places, demonyms,
/// owners or links).
pub fn defining_words<'t>(name: impl Iterator<Item = &'t str>) -> Vec<&'t str> {
    name.filter(|word| {
        let lower = word.to_lowercase();
        let whose = is_place_name(&lower) || is_demonym(&lower) || word.contains(['’', '\'']);
        word.starts_with(char::is_uppercase)
            && !whose
            && !is_stop_word(&lower)
            && !NAME_LINKS.contains(word)
    })
    .collect()
}

/// Whether the span is an abbreviation in brackets of words written in lower case:
/// "synthetic aperture radar (SAR)" names a thing, no one.
pub fn abbreviates_common_words(sentence: &str, span: Range<usize>) -> bool {
    let bracketed = sentence[..span.start].trim_end().ends_with('(')
        && sentence[span.end..].trim_start().starts_with(')');
    bracketed
        && spelt_out(&sentence[..span.end], &sentence[span]).is_some_and(|name| {
            sentence[name]
                .split_whitespace()
                .all(|w| !w.starts_with(char::is_uppercase))
        })
}

/// The name an abbreviation stands for, written beside it in the sentence: "the Upper
/// Vale Growers Association (UVGA)", "fluid thermodynamics (or FTD)", "the RPA or
/// Rassemblement Pour les Arts". The name is found as Schwartz and Hearst do (2003, "A simple
/// algorithm for identifying abbreviation definitions"): its letters hold the
/// abbreviation's in order, the first opening its first word, within a few words.
pub fn spelt_out(sentence: &str, abbreviation: &str) -> Option<Range<usize>> {
    let letters: Vec<char> = abbreviation
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let longest = (letters.len() + 5).min(letters.len() * 2);
    let words = letter_words(sentence);
    // Words of one name: nothing but spaces, slashes or apostrophes between them.
    let joined = |a: &regex::Match, b: &regex::Match| {
        sentence[a.end()..b.start()]
            .chars()
            .all(|c| matches!(c, ' ' | '/' | '\'' | '’'))
    };
    // Between the abbreviation and its name: a bracket, a comma, "or".
    let beside = |gap: &str| {
        let bare = gap.trim_matches(|c: char| " (),".contains(c));
        (bare.is_empty() || bare == "or") && gap.trim() != ""
    };
    for (at, word) in words.iter().enumerate() {
        let written = word.as_str();
        let plural = written.strip_suffix('s');
        if !written.eq_ignore_ascii_case(abbreviation)
            && !plural.is_some_and(|w| w.eq_ignore_ascii_case(abbreviation))
        {
            continue;
        }
        // Before it: the shortest name ending where the gap begins.
        let end = if at > 0 && words[at - 1].as_str() == "or" {
            at - 1
        } else {
            at
        };
        if end > 0 && beside(&sentence[words[end - 1].end()..word.start()]) {
            let mut from = end - 1;
            while from > 0 && end - from < longest && joined(&words[from - 1], &words[from]) {
                from -= 1;
            }
            let range = words[from].start()..words[end - 1].end();
            if let Some(begins) = long_form_start(&sentence[range.clone()], &letters) {
                return Some(range.start + begins..range.end);
            }
        }
        // After it ("or Rassemblement Pour les Arts", "UVGA (Upper Vale Growers
        // Association)"): the longest name from the first word.
        let first = (at + 1..words.len().min(at + 3))
            .find(|&i| words[i].as_str() != "or")
            .filter(|&i| beside(&sentence[word.end()..words[i].start()]));
        if let Some(first) = first {
            let mut last = first;
            while last + 1 < words.len()
                && last - first + 1 < longest
                && joined(&words[last], &words[last + 1])
            {
                last += 1;
            }
            for end in (first..=last).rev() {
                let range = words[first].start()..words[end].end();
                if long_form_start(&sentence[range.clone()], &letters) == Some(0) {
                    return Some(range);
                }
            }
        }
    }
    None
}

/// Where the shortest long form of an abbreviation's `letters` ending `text` begins:
/// reading back from the end, each letter is found in turn, the first opening a word.
fn long_form_start(text: &str, letters: &[char]) -> Option<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut at = chars.len();
    for (k, &letter) in letters.iter().enumerate().rev() {
        loop {
            at = at.checked_sub(1)?;
            let opens_word = at == 0 || !chars[at - 1].1.is_alphanumeric();
            if chars[at].1.to_lowercase().eq([letter]) && (k > 0 || opens_word) {
                break;
            }
        }
    }
    Some(chars[at].0)
}

/// A sentence's words of letters (hyphens joining them), where common nouns are looked for.
fn letter_words(sentence: &str) -> Vec<regex::Match<'_>> {
    static WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"\p{L}+(?:-\p{L}+)*".to_string()));
    WORD.find_iter(sentence).collect()
}

/// Whether a word is written in lower case, as common nouns are.
fn common(word: &regex::Match) -> bool {
    word.as_str().starts_with(char::is_lowercase)
}

/// A name that is no run of capitals: quoted, or given by a naming verb.
fn name(range: Range<usize>) -> Candidate {
    Candidate {
        kind: AnswerType::Name,
        range,
        hedged: false,
        described: false,
        certain: false,
    }
}

/// A candidate described by a common noun rather than named.
fn described(kind: AnswerType, range: Range<usize>) -> Candidate {
    Candidate {
        kind,
        range,
        hedged: false,
        described: true,
        certain: false,
    }
}

/// Nouns for people with up to two modifiers before them: "quantity surveyor",
/// "orphans", "the owner" (without the article).
fn people_described(sentence: &str) -> Vec<Candidate> {
    let words = letter_words(sentence);
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        // Opening the sentence, the noun is capitalised: "Voters outside the city …".
        let lower = word.as_str().to_lowercase();
        if !(common(word) || word.start() == 0) || is_stop_word(&lower) || !is_person_noun(&lower) {
            continue;
        }
        let mut start = i;
        while start > 0
            && i - start < 2
            && common(&words[start - 1])
            && !is_stop_word(words[start - 1].as_str())
            && &sentence[words[start - 1].end()..words[start].start()] == " "
        {
            start -= 1;
        }
        out.push(described(
            AnswerType::Person,
            words[start].start()..word.end(),
        ));
    }
    out
}

/// Prepositions after which a noun for a place says where: "on the sidelines".
pub const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "on",
    "near",
    "inside",
    "outside",
    "into",
    "within",
    "throughout",
    "across",
    "along",
    "from",
    "beside",
    "behind",
    "beneath",
    "under",
    "over",
    "around",
];

/// Common nouns for places after a locative preposition, with its determiner and up to two
/// modifiers between them: "at the San Jose practice facility" has a name, "on the
/// sidelines", "in a university or college" do not.
fn places_described(sentence: &str) -> Vec<Candidate> {
    let words = letter_words(sentence);
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let lower = word.as_str();
        if !common(word) || is_stop_word(lower) || !is_place_noun(lower) {
            continue;
        }
        // A place noun that qualifies the next ("stadium gates") is no head.
        if words.get(i + 1).is_some_and(|next| {
            common(next) && !is_stop_word(next.as_str()) && is_place_noun(next.as_str())
        }) {
            continue;
        }
        // Back over modifiers and a determiner to the preposition.
        let mut start = i;
        while start > 0
            && i - start < 3
            && common(&words[start - 1])
            && !LOCATIVE.contains(&words[start - 1].as_str())
            && (i - start < 2 || is_stop_word(words[start - 1].as_str()))
        {
            start -= 1;
        }
        let after_preposition =
            start > 0 && LOCATIVE.contains(&words[start - 1].as_str().to_lowercase().as_str());
        if !after_preposition {
            continue;
        }
        while start < i && is_stop_word(words[start].as_str()) {
            start += 1;
        }
        out.push(described(
            AnswerType::Place,
            words[start].start()..word.end(),
        ));
    }
    out
}

/// A lone capitalised word that modifies the noun after it rather than naming anyone:
/// after a determiner ("his Russian counterpart", "the Kremlin spokesman"), or a demonym
/// ("Irish time", "separate Russian regions").
fn is_modifier(sentence: &str, word: &regex::Match) -> bool {
    let before = sentence[..word.start()]
        .split_whitespace()
        .next_back()
        .unwrap_or("");
    let after = sentence[word.end()..]
        .split_whitespace()
        .next()
        .unwrap_or("");
    let noun_follows = after.chars().next().is_some_and(char::is_lowercase)
        && !is_stop_word(after.trim_matches(|c: char| !c.is_alphanumeric()));
    let demonym = is_demonym(&word.as_str().to_lowercase());
    // Acronyms name organisations even before a noun: "the FNV union", "the SBU chief".
    let acronym = word.as_str().chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.as_str().chars().all(|c| !c.is_lowercase());
    noun_follows && !acronym && (is_determiner(before) || demonym)
}

/// Whether a word is a day of the week, in any case: "Monday", "monday".
pub fn is_weekday(word: &str) -> bool {
    static DAY: LazyLock<Regex> = LazyLock::new(|| regex(format!("(?i)^{WEEKDAY}$")));
    DAY.is_match(word)
}

pub fn is_calendar_word(word: &str) -> bool {
    static CALENDAR: LazyLock<Regex> = LazyLock::new(|| regex(format!("^(?:{MONTH}|{WEEKDAY})$")));
    CALENDAR.is_match(word.trim_end_matches('.'))
}

/// Whether the candidate at `span` of `sentence` measures what the question asks: a time
/// of day ("10:50 p.m.", "1pm", "noon"), a figure in a unit of length, speed or weight
/// ("4,000km"), or an age ("aged 54", "a 54-year-old", "Medinsky, 54,"; not the "two" of a
/// "two-to-three-day ceasefire").
pub fn measures(sentence: &str, span: Range<usize>, measure: Measure) -> bool {
    static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?i)\d:\d{2}|\d\s?(?:am|pm|a\.m\.|p\.m\.)|\b(?:noon|midnight|morning|afternoon|evening|night)\b".to_string())
    });
    // A figure ending in a unit of length, speed or weight, in that order.
    static IN_UNIT: LazyLock<[Regex; 3]> = LazyLock::new(|| {
        [LENGTH_UNIT, SPEED_UNIT, WEIGHT_UNIT].map(|unit| regex(format!(r"(?i)[\d\s-]{unit}$")))
    });
    let candidate = &sentence[span.clone()];
    let unit = match measure {
        Measure::TimeOfDay => return CLOCK.is_match(candidate),
        Measure::Age => return states_age(sentence, span),
        Measure::Length => 0,
        Measure::Speed => 1,
        Measure::Weight => 2,
    };
    IN_UNIT[unit].is_match(candidate)
}

/// Whether the figure at `span` is given as an age: "a 54-year-old", "seven months old", "50
/// years of age", "aged 54", "at age 54", "turned 54", "the average age … is 37.8", apposed
/// to a name ("Medinsky, 54,", "Newton was 26)"). The age of a thing may be a span of years
/// ("4.6 billion years") or the year it dates from ("dating to 1338–39"); a bare count is
/// none ("two" of a "two-to-three-day truce").
fn states_age(sentence: &str, span: Range<usize>) -> bool {
    static OLD: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?i)^[\s-]*(?:(?:years?|yrs?|months?|weeks?|days?|decades?|centuries)[\s-]+)?(?:old|of\sage)\b".to_string())
    });
    static YEARS: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)(?:years|decades|centuries|millennia)$|(?-u:\b)(?:1\d|20)\d{2}(?-u:\b)"
                .to_string(),
        )
    });
    static AGED: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?i)(?:\b(?:aged|ages?(?:\sof)?|turned|turning)|\bage\b[^.;]{0,60}?\b(?:is|was|are|were))\s+(?:(?:between|from|over|under|around|about)\s+)?$".to_string())
    });
    let (before, after) = (&sentence[..span.start], &sentence[span.end..]);
    OLD.is_match(after)
        || YEARS.is_match(&sentence[span.clone()])
        || AGED.is_match(before)
        || age_holder(sentence, span).is_some()
}

/// The name an age is apposed to ("Vladimir Medinsky" in "Vladimir Medinsky, 54, said",
/// "Newton" in "Newton was 26)"): whose age it is.
pub fn age_holder(sentence: &str, span: Range<usize>) -> Option<Range<usize>> {
    static NAME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"\p{Lu}[\p{L}’'.-]*(?:\s+\p{Lu}[\p{L}’'.-]*)*(?:\s*[,(]|\s+(?:was|is))\s*$"
                .to_string(),
        )
    });
    static NAME: LazyLock<Regex> =
        LazyLock::new(|| regex(r"\p{Lu}[\p{L}’'.-]*(?:\s+\p{Lu}[\p{L}’'.-]*)*".to_string()));
    let after = sentence[span.end..].trim_start();
    if !after.starts_with([',', ')', '.', ';']) {
        return None;
    }
    let found = NAME_BEFORE.find(&sentence[..span.start])?;
    let name = NAME.find(found.as_str())?;
    Some(found.start() + name.start()..found.start() + name.end())
}

/// Verbs reporting speech, as a report writes them after the speaker ("Khinshtein said").
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "stated",
    "states",
    "announced",
    "announces",
    "confirmed",
    "confirms",
    "claimed",
    "claims",
    "declared",
    "added",
    "wrote",
    "writes",
    "reported",
    "noted",
    "warned",
    "stressed",
    "explained",
    "insisted",
    "emphasised",
    "emphasized",
    "argued",
    "asserted",
    "replied",
    "commented",
    "posted",
    "quoted",
];

/// Whether the person at `span` is the one the sentence quotes or reports: "Khinshtein
/// said", "Rustem Umerov, head of the delegation, told reporters", "according to Kyiv
/// negotiator Sergiy Kyslytsya", "said Governor Alexander Bogomaz", "Ahmadinejad's … call
/// that …". A name merely in what is said ("Russia rejected …, the key demand by Ukraine")
/// is no speaker.
pub fn is_speaker(sentence: &str, span: Range<usize>) -> bool {
    let titled = titles_before(sentence, span.start);
    let introduced = word_before(sentence, titled).is_some_and(|w| {
        matches!(w.as_str(), "said" | "says" | "added" | "wrote") || according_to(sentence, titled)
    });
    // "Ahmadinejad's vehement opposition … and his call that …": a statement of the owner's.
    let after = &sentence[span.end..];
    let stated = after.starts_with(['\'', '’'])
        && after
            .split_whitespace()
            .take(12)
            .any(|w| SPEECH_NOUNS.contains(&bare(w).as_str()));
    speech_after(sentence, span.end).is_some() || introduced || stated
}

/// Where the sentence names the source of what it says in a tag of its own, the tag when
/// the person at `span` is that source: "According to Moscow's Tass news agency", ",
/// Khinshtein said" after the clause, "…," the acting governor …, Alexander Khinshtein,
/// reported' after a quote, "Khinshtein wrote on Telegram that" opening the sentence. What
/// the rest of the sentence says is not about the source.
pub fn attribution_tag(sentence: &str, span: Range<usize>) -> Option<Range<usize>> {
    let titled = titles_before(sentence, span.start);
    if according_to(sentence, titled) {
        // Found in the text as written: lower-casing may change a text's byte offsets.
        let start = sentence[..titled].rfind("ccording")?.checked_sub(1)?;
        return sentence.is_char_boundary(start).then_some(start..span.end);
    }
    let before = sentence[..titled].trim_end();
    let verb_end = speech_after(sentence, span.end)?;
    // "Governor Khinshtein wrote on Telegram that a bridge collapsed …": a source opening
    // the sentence tags what follows, up to its "that".
    if before.is_empty() {
        static THAT: LazyLock<Regex> =
            LazyLock::new(|| regex(r"^(?:\s+[^\s,;:]+){0,5}?\s+that\b".into()));
        let end = verb_end + THAT.find(&sentence[verb_end..]).map_or(0, |m| m.end());
        return Some(titled..end);
    }
    if !before.ends_with([',', '"', '”']) {
        return None;
    }
    // After a quote, the tag reaches back to it over an apposition before the name.
    let char_len = |c: Option<char>| c.map_or(0, char::len_utf8);
    let quote_end = sentence[..span.start]
        .rfind(['"', '”'])
        .map(|q| q + char_len(sentence[q..].chars().next()))
        .filter(|&q| sentence[q..span.start].split_whitespace().count() <= 15);
    let start = quote_end.unwrap_or(before.len() - char_len(before.chars().next_back()));
    Some(start..sentence.len())
}

/// The name at `span` with the titles before it: "Defense Minister Rustem Umerov", "the
/// acting governor Alexander Khinshtein".
pub fn titled(sentence: &str, span: Range<usize>) -> Range<usize> {
    titles_before(sentence, span.start)..span.end
}

/// The word before `at`, bare and in lower case.
fn word_before(sentence: &str, at: usize) -> Option<String> {
    sentence[..at].split_whitespace().next_back().map(bare)
}

/// Whether "according to" stands right before `at`.
fn according_to(sentence: &str, at: usize) -> bool {
    let mut words = sentence[..at].split_whitespace().rev().map(bare);
    words.next().as_deref() == Some("to") && words.next().as_deref() == Some("according")
}

/// A word without its punctuation, in lower case.
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Where the titles before a name begin ("Kyiv negotiator", "Bryansk Governor", "the",
/// "shop steward"): up to six capitalised words, nouns for people and the words before
/// them, articles and "of" before `at`, not across punctuation.
fn titles_before(sentence: &str, at: usize) -> usize {
    static WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"\S+".into()));
    let words: Vec<regex::Match> = WORD.find_iter(&sentence[..at]).collect();
    let title = |w: &str, before_person: bool| {
        let lower = bare(w);
        !w.ends_with([',', ';', ':', '"', '”'])
            && (ARTICLES.contains(&lower.as_str())
                || lower == "of"
                || is_person_noun(&lower)
                || w.starts_with(char::is_uppercase)
                || before_person && !is_stop_word(&lower))
    };
    let mut k = words.len();
    while k > 0 && words.len() - k < 6 {
        let before_person = words
            .get(k)
            .is_some_and(|next| is_person_noun(&bare(next.as_str())));
        if !title(words[k - 1].as_str(), before_person) {
            break;
        }
        k -= 1;
    }
    words.get(k).map_or(at, regex::Match::start)
}

/// Where a verb of saying that follows the name ending at `end` ends, over a parenthesis
/// ("Gasquet (1908) claimed"), an apposition between commas ("…, head of the delegation,")
/// and an auxiliary or adverb; none when no such verb follows.
fn speech_after(sentence: &str, end: usize) -> Option<usize> {
    let speech = |w: &str| SPEECH_VERBS.contains(&bare(w).as_str());
    let mut after = sentence[end..].trim_start();
    if let Some(close) = after.strip_prefix('(').and_then(|inside| inside.find(')')) {
        after = after[close + 2..].trim_start();
    }
    if let Some(apposed) = after.strip_prefix(',') {
        let opens_with_verb = apposed.split_whitespace().next().is_some_and(speech);
        after = match apposed.find(',') {
            Some(end) if !opens_with_verb && apposed[..end].split_whitespace().count() <= 12 => {
                &apposed[end + 1..]
            }
            _ => apposed,
        };
    }
    let verb = after
        .split_whitespace()
        .take(3)
        .find(|w| !matches!(bare(w).as_str(), "has" | "had" | "also" | "later" | "then"))
        .filter(|w| speech(w))?;
    // A word of `after`, a slice of `sentence`: its end as an offset in `sentence`.
    Some(verb.as_ptr() as usize - sentence.as_ptr() as usize + verb.len())
}

/// Nouns for what someone said, as a report writes them after the speaker's name.
const SPEECH_NOUNS: &[&str] = &[
    "call",
    "statement",
    "remarks",
    "words",
    "claim",
    "declaration",
    "assertion",
    "comments",
    "speech",
    "announcement",
    "warning",
];

/// Whether a date says what a question's type word asks of it: "what year" wants a year,
/// "what day" or "what date" a day, "what month" a month; "1920" is no day, "February 7"
/// no year. Other type words ask nothing of a date.
pub fn dates_as_asked(candidate: &str, type_word: &str) -> bool {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?-u:\b)(?:\d{3,4}s?|\d{1,2}(?:st|nd|rd|th)\scentury)(?-u:\b)".to_string())
    });
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        regex(format!(
            r"(?i)(?-u:\b)(?:{MONTH}\.?\s\d{{1,2}}(?:st|nd|rd|th)?(?-u:\b)|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{MONTH}(?-u:\b)|{WEEKDAY}|yesterday|today|tomorrow|tonight)"
        ))
    });
    static MONTH_NAME: LazyLock<Regex> =
        LazyLock::new(|| regex(format!(r"(?-u:\b){MONTH}(?-u:\b)")));
    match type_word {
        "year" | "decade" | "century" => YEAR.is_match(candidate),
        "day" | "date" => DAY.is_match(candidate),
        "month" => MONTH_NAME.is_match(candidate),
        _ => true,
    }
}

/// Whether a candidate of type `found` answers a question wanting `wanted`: "the name
/// of the storm" may be a name read as a person or a place ("Tropical Storm Beryl").
pub fn fits(wanted: AnswerType, found: AnswerType) -> bool {
    use AnswerType::*;
    wanted == found
        || matches!(
            (wanted, found),
            (Number, Money | Percent | Duration)
                | (Money, Number)
                | (Place, Person)
                | (Person, Place)
                | (Name, Person | Place)
                | (Date, Duration)
        )
}

/// How well a candidate of type `found` fits: exact types beat compatible ones.
pub fn fit_strength(wanted: AnswerType, found: AnswerType) -> f32 {
    if wanted == found {
        1.0
    } else if fits(wanted, found) {
        match (wanted, found) {
            (AnswerType::Money, AnswerType::Number) => 0.3,
            _ => 0.6,
        }
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(sentence: &str, kind: AnswerType) -> Vec<&str> {
        candidates(sentence)
            .into_iter()
            .filter(|c| c.kind == kind)
            .map(|c| &sentence[c.range])
            .collect()
    }

    /// Each sentence's candidates of `kind` are the ones listed.
    fn assert_found(kind: AnswerType, cases: &[(&str, Vec<&str>)]) {
        for (sentence, expected) in cases {
            assert_eq!(&found(sentence, kind), expected, "{sentence}");
        }
    }

    #[test]
    fn a_month_after_a_preposition_is_a_date() {
        let cases = [
            ("The fair is held on the moor every June.", vec!["June"]),
            ("In May, the two cities host a music festival.", vec!["May"]),
            (
                "The storm hit in May 2012 and again in August.",
                vec!["May 2012", "August"],
            ),
            ("It may rain in the hills.", vec![]),
        ];
        assert_found(AnswerType::Date, &cases);
    }

    #[test]
    fn a_stretch_between_dates_is_a_duration() {
        let cases = [
            (
                "The ferry service ran from 1961 to 1972, then closed.",
                vec!["from 1961 to 1972"],
            ),
            (
                "The bridge was shut from 4 August 1915 until November 1918.",
                vec!["from 4 August 1915 until November 1918"],
            ),
            (
                "The choir has sung in the cathedral since 1951.",
                vec!["since 1951"],
            ),
            (
                "The town kept its charter until 1796, when the duchy ended.",
                vec!["until 1796"],
            ),
            (
                "Courts have applied the rule since the 1950s.",
                vec!["since the 1950s"],
            ),
            // Since an event: how long, as well as when.
            (
                "Tolls have been charged since the Harbour Act.",
                vec!["Harbour Act"],
            ),
            ("Tolls were charged after the Harbour Act.", vec![]),
        ];
        assert_found(AnswerType::Duration, &cases);
    }

    #[test]
    fn an_event_after_a_temporal_preposition_is_a_date() {
        let cases = [
            (
                "During the Second World War, the harbour was closed.",
                vec!["Second World War"],
            ),
            (
                "Trade recovered after the Treaty of Paris was signed.",
                vec!["Treaty of Paris"],
            ),
            ("Trade recovered after Manning left.", vec![]),
        ];
        assert_found(AnswerType::Date, &cases);
    }

    #[test]
    fn money_in_other_currencies() {
        let sentence = "The court let the firm claim 6 million lira in damages.";
        assert_eq!(found(sentence, AnswerType::Money), ["6 million lira"]);
    }

    #[test]
    fn a_date_says_what_its_question_asks_of_it() {
        assert!(dates_as_asked("February 7, 2016", "day"));
        assert!(!dates_as_asked("1920", "day"));
        assert!(dates_as_asked("1920", "year") && dates_as_asked("the 13th century", "century"));
        assert!(!dates_as_asked("February 7", "year"));
        assert!(dates_as_asked("early June", "month") && !dates_as_asked("1998", "month"));
        assert!(dates_as_asked("Sunday", "date") && dates_as_asked("Sunday", "time"));
    }

    #[test]
    fn a_naming_verb_gives_a_name_in_any_case() {
        let cases = [
            (
                "The larvae swim toward light in a behaviour called phototaxis, and then settle.",
                vec!["phototaxis"],
            ),
            (
                "Methods of instruction are sometimes referred to as pedagogy.",
                vec!["pedagogy"],
            ),
            (
                "The sum, also known as the net force of the system, acts on it.",
                vec!["net force"],
            ),
            (
                "The grain was stored in a vessel called a granary.",
                vec!["granary"],
            ),
            ("She called her brother.", vec![]),
        ];
        for (sentence, expected) in cases {
            let named: Vec<&str> = named_by_verb(sentence)
                .into_iter()
                .map(|c| &sentence[c.range])
                .collect();
            assert_eq!(named, expected, "{sentence}");
            for name in expected {
                assert!(
                    found(sentence, AnswerType::Name).contains(&name),
                    "{sentence}"
                );
            }
        }
    }

    #[test]
    fn definitions_say_what_a_name_is() {
        let cases = [
            (
                "Russia sent Vladimir Medinsky, a close Putin ally who led talks in 2022.",
                "Medinsky",
                Some("a close Putin ally who led talks in 2022"),
            ),
            (
                "The SBU is the security service of Ukraine.",
                "SBU",
                Some("the security service of Ukraine"),
            ),
            (
                "Ukraine's domestic intelligence service, the SBU, acknowledged it.",
                "SBU",
                Some("Ukraine's domestic intelligence service"),
            ),
            (
                "The raid was planned for months by Ukraine’s security service (SBU) in secret.",
                "SBU",
                Some("Ukraine’s security service"),
            ),
            (
                "The delegation is headed by Defence Minister Rustem Umerov.",
                "Umerov",
                Some("Defence Minister"),
            ),
            // Said of another name: a competition named after him, one of a list.
            (
                "Events: the Frédéric Chopin Piano Competition, the Jazz Jamboree.",
                "Chopin",
                None,
            ),
            // Nothing said of the name, nor an office before it.
            (
                "Fidan and Rubio discussed it, said Medinsky.",
                "Rubio",
                None,
            ),
            (
                "Fidan and Rubio discussed it, said Medinsky.",
                "Medinsky",
                None,
            ),
        ];
        for (sentence, name, expected) in cases {
            let at = sentence.find(name).unwrap();
            let said = definition(sentence, at..at + name.len()).map(|r| &sentence[r]);
            assert_eq!(said, expected, "{name} in {sentence}");
        }
    }

    #[test]
    fn times_of_day_among_dates() {
        let sentence = "It collapsed at 10:50 p.m. on Saturday, May 31; talks begin at 1pm.";
        let times: Vec<&str> = found(sentence, AnswerType::Date)
            .into_iter()
            .filter(|d| measures(d, 0..d.len(), Measure::TimeOfDay))
            .collect();
        assert_eq!(times, ["10:50 p.m.", "1pm"]);
    }

    #[test]
    fn ages_among_figures() {
        let sentence = "Vladimir Medinsky, 54, said a 19-year-old and two men aged 30 were freed \
                        after a two-to-three-day truce; he turned 40, and Dahl was 61.";
        let ages: Vec<&str> = candidates(sentence)
            .into_iter()
            .filter(|c| {
                matches!(c.kind, AnswerType::Number | AnswerType::Duration)
                    && measures(sentence, c.range.clone(), Measure::Age)
            })
            .map(|c| &sentence[c.range])
            .collect();
        assert_eq!(ages, ["19-year", "54", "30", "40", "61"]);
        let holder = |age: &str| {
            let at = sentence.find(age).unwrap();
            age_holder(sentence, at..at + age.len()).map(|name| &sentence[name])
        };
        assert_eq!(holder("54"), Some("Vladimir Medinsky"));
        assert_eq!(holder("61"), Some("Dahl"));
        assert_eq!(holder("30"), None);
    }

    #[test]
    fn names_in_straight_single_quotes() {
        let s = "The operation, called the 'Spider's Web', hit Russia's 'strategic' bombers.";
        assert_eq!(found(s, AnswerType::Name), ["Spider's Web", "strategic"]);
        // Apostrophes alone quote nothing.
        let s = "Ukraine's drones hit Russia's bombers at the airmen's base.";
        assert!(found(s, AnswerType::Name).is_empty());
    }

    #[test]
    fn figures_in_units_among_counts() {
        let sentence = "Four airbases were hit, one over 4,000km away and one 1,900 kilometres \
                        away behind a 25-foot fence, half a mile from a road; the drones flew \
                        at 120 km/h.";
        let figures = found(sentence, AnswerType::Number);
        let lengths: Vec<&str> = figures
            .iter()
            .copied()
            .filter(|f| measures(f, 0..f.len(), Measure::Length))
            .collect();
        assert_eq!(
            lengths,
            ["over 4,000km", "1,900 kilometres", "25-foot", "half a mile"]
        );
        let speeds: Vec<&&str> = figures
            .iter()
            .filter(|f| measures(f, 0..f.len(), Measure::Speed))
            .collect();
        assert_eq!(speeds, [&"120 km/h"]);
        assert!(figures.contains(&"Four") && !measures("Four", 0..4, Measure::Length));
    }

    #[test]
    fn places_described_by_a_noun_after_a_preposition() {
        let sentence =
            "Washburn stood on the sidelines, as most teachers trained in a university did.";
        assert_eq!(
            found(sentence, AnswerType::Place),
            ["sidelines", "university"]
        );
        assert!(
            candidates(sentence)
                .iter()
                .filter(|c| c.kind == AnswerType::Place)
                .all(|c| c.described)
        );
        // Not without the preposition, nor a place in relation to another ("at the end").
        assert!(found("The stadium was full at the end.", AnswerType::Place).is_empty());
        assert_eq!(
            found(
                "Fans waited outside the old stadium gates.",
                AnswerType::Place
            ),
            ["old stadium gates"]
        );
        assert_eq!(
            found("Fans waited outside the old stadium.", AnswerType::Place),
            ["old stadium"]
        );
    }

    #[test]
    fn people_described_by_a_noun() {
        let sentence = "Under this system, the quantity surveyor prices the work for the owners.";
        assert_eq!(
            found(sentence, AnswerType::Person),
            ["quantity surveyor", "owners"]
        );
        let described: Vec<bool> = candidates(sentence).iter().map(|c| c.described).collect();
        assert_eq!(described, [true, true]);
        assert_eq!(
            found("Voters outside the city opposed it.", AnswerType::Person),
            ["Voters"]
        );
        assert!(
            found(
                "He has left and the general public agrees.",
                AnswerType::Person
            )
            .is_empty()
        );
    }

    #[test]
    fn a_name_is_typed_by_its_head_and_an_opening_adverb_is_no_name() {
        assert!(found("Instead, he spared them.", AnswerType::Person).is_empty());
        assert!(found("Three years later it fell.", AnswerType::Person).is_empty());
        assert!(found("Authorities confirmed it.", AnswerType::Person).is_empty());
        let s = "Isaac Newton signed the Treaty of Easton near the Hudson River at Super Bowl XLI.";
        assert_eq!(found(s, AnswerType::Person), ["Isaac Newton"]);
        assert_eq!(
            found(s, AnswerType::Name),
            ["Treaty of Easton", "Super Bowl XLI"]
        );
        assert_eq!(found(s, AnswerType::Place), ["Hudson River"]);
    }

    #[test]
    fn a_known_place_is_a_place_without_a_preposition() {
        let s = "The delegations of Ukraine and Russia met, and Vladimir Medinsky spoke.";
        assert_eq!(found(s, AnswerType::Place), ["Ukraine", "Russia"]);
        assert_eq!(found(s, AnswerType::Person), ["Vladimir Medinsky"]);
        let s = "Ukraine, however, insists on a ceasefire.";
        assert_eq!(
            found(s, AnswerType::Person),
            ["Ukraine"],
            "the subject acts"
        );
    }

    #[test]
    fn a_bracketed_abbreviation_is_defined_by_the_name_before_it() {
        let text = "Sources in Ukraine's Security Service (SBU) said so. The Ukrainian Security \
                    Service (SBU) and the Security Service of Ukraine (SBU) agree; the SBU chief.";
        assert_eq!(defined_by(text, "SBU"), ["Security", "Service"]);
        assert!(defined_by(text, "FSB").is_empty());
    }

    #[test]
    fn numbers_money_percentages() {
        let s = "The SBU estimated the damage at $7 billion and said Russia had lost 34% of its 41 carriers.";
        assert_eq!(found(s, AnswerType::Money), ["$7 billion"]);
        assert_eq!(found(s, AnswerType::Percent), ["34%"]);
        assert_eq!(found(s, AnswerType::Number), ["41"]);
        let s = "Moscow lost a third of its bombers, two-thirds of its tankers and half of its \
                 jets in an hour and a half, before a third round.";
        assert_eq!(
            found(s, AnswerType::Percent),
            ["a third", "two-thirds", "half"]
        );
        let s = "Ukraine said it damaged around 40 long-range bombers, and dozens of others.";
        let c = candidates(s);
        let hedged: Vec<(&str, bool)> = c
            .iter()
            .filter(|c| c.kind == AnswerType::Number)
            .map(|c| (&s[c.range.clone()], c.hedged))
            .collect();
        assert_eq!(hedged, [("around 40", true), ("dozens", true)]);
        // The numbers of models and roads name them; a speed or a count is still a number.
        let s = "The Tu-160 and Tu-95MS flew along the A-240 at 4,000 km/h with 12 crew.";
        assert_eq!(found(s, AnswerType::Number), ["4,000 km/h", "12"]);
        // "m" after a figure is metres, after a currency million.
        let s = "The 100m sprint used 64KB of memory and cost £2m.";
        assert_eq!(found(s, AnswerType::Number), ["100m", "64"]);
        assert_eq!(found(s, AnswerType::Money), ["£2m"]);
        // A comma after a number ends it: "May 16," is a date, and no number besides.
        let s =
            "As during the first round on May 16, the delegation met 1,000 officials, then left.";
        assert_eq!(found(s, AnswerType::Number), ["1,000"]);
        // A number word inside a word with letters beyond ASCII counts nothing.
        let s = "Twelve envoys flew from Sierra Léone, “the one” said.";
        assert_eq!(found(s, AnswerType::Number), ["Twelve", "one"]);
        // Tens and units written out are one number.
        let s = "Sixty-six people were injured and twenty-one were missing.";
        assert_eq!(found(s, AnswerType::Number), ["Sixty-six", "twenty-one"]);
        // An ordinal ranks, it counts nothing.
        let s = "In the 16th and 17th centuries 3 plagues struck, the 2nd the worst.";
        assert_eq!(found(s, AnswerType::Number), ["3"]);
    }

    #[test]
    fn dates_times_durations() {
        let s =
            "The second round is set to begin at 1pm (10am Irish time) on Monday, June 2, 2025.";
        assert_eq!(
            found(s, AnswerType::Date),
            ["1pm", "10am", "Monday", "June 2, 2025"]
        );
        let s = "A famine began in 1331, and the empire fell in 1453; Rome was sacked in 410 AD.";
        assert_eq!(found(s, AnswerType::Date), ["1331", "1453", "410 AD"]);
        // A month and a year is no day of the month: "May 2025" is not "May 20".
        let s = "In May 2025 the talks resumed; by March 1945 the war was ending.";
        assert_eq!(found(s, AnswerType::Date), ["May 2025", "March 1945"]);
        assert!(found(s, AnswerType::Number).is_empty());
        // A month's short form is no part of a longer word: "10 Junior officers" are ten.
        let s = "On 3 June, 10 Junior officers and 5 Marines left in late Mayhem.";
        assert_eq!(found(s, AnswerType::Date), ["3 June"]);
        assert_eq!(found(s, AnswerType::Number), ["10", "5"]);
        let s = "The attack was planned for more than a year and a half; an 18-month operation.";
        assert_eq!(
            found(s, AnswerType::Duration),
            ["more than a year and a half", "18-month"]
        );
    }

    #[test]
    fn a_number_sign_numbers_one_thing() {
        let s = "Train No. 86 and bus No 7 left platform #3 with 40 riders.";
        let numbered: Vec<&str> = candidates(s)
            .into_iter()
            .filter(|c| c.kind == AnswerType::Number && numbered(s, c.range.clone()))
            .map(|c| &s[c.range])
            .collect();
        assert_eq!(numbered, ["86", "7", "3"]);
    }

    #[test]
    fn a_name_with_its_abbreviation_in_brackets() {
        let bracketed = |s: &str, name: &str| {
            let at = s.find(name).unwrap();
            bracketed_abbreviation(s, at..at + name.len()).map(str::to_string)
        };
        let s = "The Security Service of Ukraine (SBU) said so.";
        assert_eq!(
            bracketed(s, "Security Service of Ukraine").as_deref(),
            Some("SBU")
        );
        let s = "The SBU (Security Service of Ukraine) said so.";
        assert_eq!(
            bracketed(s, "Security Service of Ukraine").as_deref(),
            Some("SBU")
        );
        assert_eq!(bracketed("Gasquet (1908) claimed it.", "Gasquet"), None);
        assert_eq!(
            bracketed("Gasquet (who wrote in 1908) claimed it.", "Gasquet"),
            None
        );
        assert_eq!(bracketed("Ines Vale said so.", "Ines Vale"), None);
    }

    #[test]
    fn people_and_places() {
        let s =
            "Ukraine’s delegation is headed by Defence Minister Rustem Umerov, seen as pragmatic.";
        assert_eq!(found(s, AnswerType::Person), ["Ukraine", "Rustem Umerov"]);
        let s = "S.V. Lavrov met US Secretary of State Marco Rubio at the State Department.";
        assert_eq!(found(s, AnswerType::Person), ["S.V. Lavrov", "Marco Rubio"]);
        let s = "Minister of Foreign Affairs Andriy Sybiha met the press.";
        assert_eq!(found(s, AnswerType::Person), ["Andriy Sybiha", "Minister"]);
        let s = "About 1,200 workers walked out, the FNV union said, and his Russian counterpart agreed.";
        assert_eq!(found(s, AnswerType::Person), ["FNV", "workers"]);
        let s = "The talks begin at the historic Ciragan Palace in Istanbul on Monday.";
        assert_eq!(found(s, AnswerType::Place), ["Ciragan Palace", "Istanbul"]);
        let s = r#"The attack, codenamed "Operation Spider's Web," was planned."#;
        assert_eq!(found(s, AnswerType::Name), ["Operation Spider's Web"]);
        // A country acts ("the empire allied with Germany" answers who it allied with), and
        // a name read as a person's may be the place asked about ("Hyde Park Day School"):
        // each answers for the other as a compatible type, below an exact one.
        let (person, place) = (AnswerType::Person, AnswerType::Place);
        assert_eq!(fit_strength(person, place), 0.6);
        assert_eq!(fit_strength(place, person), 0.6);
    }

    #[test]
    fn a_titled_name_is_a_person_and_a_street_is_ground_for_certain() {
        let s = "The zoologist Graham Twigg met an aide to dictator Vladimir Putin in Paris, at the museum on Quay Street.";
        let certain: Vec<(&str, AnswerType, bool)> = candidates(s)
            .into_iter()
            .filter(|c| !c.described)
            .map(|c| (&s[c.range], c.kind, c.certain))
            .collect();
        let (person, place) = (AnswerType::Person, AnswerType::Place);
        assert_eq!(
            certain,
            [
                ("Graham Twigg", person, true),
                ("Vladimir Putin", person, true),
                // A city may stand for those who govern it; a street never acts.
                ("Paris", place, false),
                ("Quay Street", place, true),
            ]
        );
    }

    #[test]
    fn a_crowd_opening_a_sentence_is_no_name() {
        for s in [
            "Thousands lined the road as the parade passed.",
            "Dozens were hurt.",
        ] {
            assert!(found(s, AnswerType::Person).is_empty(), "{s}");
        }
    }

    #[test]
    fn a_speaker_is_whom_the_sentence_quotes() {
        let speaker = |s: &str, name: &str| {
            let at = s.find(name).unwrap();
            is_speaker(s, at..at + name.len())
        };
        assert!(speaker(
            "Wages will rise, union leader Mara Quist said.",
            "Mara Quist"
        ));
        assert!(speaker(
            "Rates fell, according to shop steward Pavel Roth.",
            "Pavel Roth"
        ));
        assert!(speaker(
            "Ines Vale, the port director, told reporters so.",
            "Ines Vale"
        ));
        assert!(speaker("Lind (2019) claimed the berth was full.", "Lind"));
        assert!(speaker(
            "Quist's vehement protest and her call that it end.",
            "Quist"
        ));
        assert!(!speaker(
            "Norland rejected the demand, a key request of Quist.",
            "Quist"
        ));
        assert!(!speaker(
            "Norland rejected the demand, a key request of Quist.",
            "Norland"
        ));
    }

    #[test]
    fn a_source_named_in_a_tag_of_its_own() {
        let tag = |s: &str, name: &str| {
            let at = s.find(name).unwrap();
            attribution_tag(s, at..at + name.len()).map(|r| s[r].to_string())
        };
        let s = "A crane driver was hurt, port director Ines Vale said.";
        assert_eq!(
            tag(s, "Ines Vale").as_deref(),
            Some(", port director Ines Vale said.")
        );
        let s = "According to Tass, a truck driver was held.";
        assert_eq!(tag(s, "Tass").as_deref(), Some("According to Tass"));
        // "İ" is longer in lower case: the tag is found in the text as written.
        let s = "İzmir's ferries stopped, according to Ines Vale.";
        assert_eq!(
            tag(s, "Ines Vale").as_deref(),
            Some("according to Ines Vale")
        );
        let s = "\"It will reopen,\" the harbour master, Tomas Lind, said.";
        assert_eq!(
            tag(s, "Tomas Lind").as_deref(),
            Some(" the harbour master, Tomas Lind, said.")
        );
        let s = "“Ships were hit,” the port authority said on its website.";
        assert_eq!(
            tag(s, "port authority").as_deref(),
            Some(" the port authority said on its website.")
        );
        // A speaker opening the sentence tags it up to what is said.
        assert_eq!(
            tag("Ines Vale said the driver was hurt.", "Ines Vale").as_deref(),
            Some("Ines Vale said")
        );
        let s = "Port director Ines Vale wrote on Facebook that a crane fell.";
        assert_eq!(
            tag(s, "Ines Vale").as_deref(),
            Some("Port director Ines Vale wrote on Facebook that")
        );
        assert_eq!(tag("A crane fell on Ines Vale.", "Ines Vale"), None);
    }

    #[test]
    fn a_common_word_opening_a_clause_is_no_name() {
        for s in [
            "Harbour, May 2 (Wire) A tug sank at dawn.",
            "Formation of a committee: Both sides agreed to it.",
            "After videos showed UAVs taking off, the port closed.",
        ] {
            let people = found(s, AnswerType::Person);
            assert!(
                !people
                    .iter()
                    .any(|p| ["A", "Both", "Formation", "UAVs"].contains(p)),
                "{s}: {people:?}"
            );
        }
    }

    #[test]
    fn a_participle_opening_a_sentence_is_no_name() {
        for s in [
            "According to the agency, a driver was held.",
            "Speaking from the capital, he said more.",
        ] {
            let people = found(s, AnswerType::Person);
            assert!(
                !people.iter().any(|p| p.ends_with("ing")),
                "{s}: {people:?}"
            );
        }
        assert_eq!(found("Fleming said so.", AnswerType::Person), ["Fleming"]);
        assert_eq!(found("Beijing is big.", AnswerType::Person), ["Beijing"]);
    }

    #[test]
    fn finds_the_name_an_abbreviation_stands_for() {
        let cases = [
            (
                "The Northern Rowing League (NRL) champion crew won.",
                "NRL",
                Some("Northern Rowing League"),
            ),
            (
                "Since 1990 the Fair of the Lakes (FOTL) fills the town.",
                "FOTL",
                Some("Fair of the Lakes"),
            ),
            (
                "It led to fluid thermodynamics (or FTD), a new field.",
                "FTD",
                Some("fluid thermodynamics"),
            ),
            (
                "The party was the RPA or Rassemblement Pour les Arts (the Arts Rally).",
                "RPA",
                Some("Rassemblement Pour les Arts"),
            ),
            ("Both AFC and NFC teams wore white.", "AFC", None),
        ];
        for (sentence, abbreviation, expected) in cases {
            let found = spelt_out(sentence, abbreviation).map(|r| &sentence[r]);
            assert_eq!(found, expected, "{sentence}");
        }
    }

    #[test]
    fn an_abbreviation_of_common_words_names_a_thing() {
        let common = |sentence: &str, abbreviation: &str| {
            let at = sentence.find(abbreviation).unwrap();
            abbreviates_common_words(sentence, at..at + abbreviation.len())
        };
        assert!(common(
            "taken by synthetic aperture radar (SAR) satellites",
            "SAR"
        ));
        assert!(!common("the Security Service of Ukraine (SBU) said", "SBU"));
        assert!(!common("SAR satellites took them", "SAR"));
    }

    #[test]
    fn a_common_place_noun_after_a_name_makes_it_a_place_for_certain() {
        let s = "A crane fell in the Upper Sandvik district on Friday.";
        let kinds: Vec<(&str, AnswerType, bool)> = candidates(s)
            .into_iter()
            .map(|c| (&s[c.range], c.kind, c.certain))
            .collect();
        assert!(
            kinds.contains(&("Upper Sandvik", AnswerType::Place, true)),
            "{kinds:?}"
        );
    }
}
