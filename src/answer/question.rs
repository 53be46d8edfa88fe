//! Question analysis: what kind of answer is wanted, and which terms carry the question.

use serde::Serialize;

use super::spans;
use crate::index::analyzer;
use crate::lexicon::{
    abbreviation_names, derived_forms, is_determiner, is_dictionary_word, is_inflection_of,
    is_person_noun, is_stop_word, names_standing_for, related_nouns, report_words, verb_synonyms,
};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Most words to search for in one question: sentence ranking keeps which of them a
/// sentence says as the bits of a `u64`.
pub const MAX_TERMS: usize = 64;

/// The kind of answer a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    /// A person or organisation: "who leads …?"
    Person,
    /// A count or quantity: "how many …?"
    Number,
    /// An amount of money: "how much did … cost?"
    Money,
    /// A percentage: "what share …?"
    Percent,
    /// A place: "where …?"
    Place,
    /// A date or time: "when …?", "what time …?"
    Date,
    /// A length of time: "how long …?"
    Duration,
    /// A name something was given: "what was it codenamed?"
    Name,
    /// A description or definition: "what …?", "why …?", "how …?"
    Description,
}

/// How much a question term matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A name: "Russia", "SBU". Its absence from the corpus means no answer.
    Proper,
    /// The thing asked about: "drones" in "how many drones". When it is counted, the same
    /// rule as for names.
    Focal,
    /// A number in the question: "2022".
    Number,
    /// Any other content word.
    Plain,
    /// The question's main verb ("held" in "where are the talks being held?"): answer
    /// sentences often say it in other words.
    Verb,
    /// The answer-type word of "what year", "which city": rarely in the answer sentence.
    TypeWord,
}

/// One content word of the question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionTerm {
    /// The word as written.
    pub word: String,
    /// Its word's position in the question.
    pub position: usize,
    /// Its analyzed index term.
    pub term: String,
    pub role: Role,
    /// Analyzed terms of more specific names for it ("bomber" for "warplanes"), matched
    /// with less weight.
    pub expansions: Vec<String>,
    /// Analyzed other words of its most frequent sense as a verb ("begin" for "start",
    /// "speak" for "talk"), and the words of its derivation ("invade" for "invasion",
    /// "economy" for "economic"): searched for only when the corpus never has the word
    /// itself, as verb synonyms collide with common nouns; a sentence that says one instead
    /// of the word is credited as for an expansion.
    pub synonyms: Vec<String>,
    /// The proper-noun term that qualifies it ("russia" for "delegation" in "Russia's
    /// delegation"), then the terms of the names that stand for it ("moscow",
    /// "kremlin"); empty if none.
    pub qualifiers: Vec<String>,
    /// Other ways the corpus writes it, matched as fully as the term: joined with its
    /// neighbour ("spiderweb" for "spider web"), British or American ("centre", "defense").
    pub spellings: Vec<String>,
    /// The words of the name the passages define the term by, an abbreviation in brackets
    /// after it ("Security", "Service" for "SBU"), in lower case; empty if none.
    pub defined_by: Vec<String>,
}

impl QuestionTerm {
    /// Another spelling of the term the corpus has, matched and searched as the term. It
    /// is one of the term's expansions too, for all that asks whether the corpus has any
    /// of the term's words.
    fn add_spelling(&mut self, spelling: String) {
        if !self.expansions.contains(&spelling) {
            self.expansions.push(spelling.clone());
        }
        if !self.spellings.contains(&spelling) {
            self.spellings.push(spelling);
        }
    }

    /// Whether the name written in `text` up to byte `end` spells out the term, an
    /// abbreviation: "The Associated Press" for "AP". The whole run of capitalised words
    /// must spell it (with or without a leading "The"): "US" is no "Ukrainian Security
    /// Service".
    pub fn spelt_out_before(&self, text: &str, end: usize) -> bool {
        let Some(acronym) = acronym(&self.word) else {
            return false;
        };
        let words: Vec<&str> = text[..end]
            .rsplit(|c: char| !c.is_alphanumeric() && c != '&')
            .filter(|w| !w.is_empty())
            .take(2 * acronym.len() + 2)
            .collect();
        let run: Vec<&str> = words
            .iter()
            .take_while(|w| w.starts_with(char::is_uppercase) || ABBREVIATION_LINKS.contains(w))
            .copied()
            .collect();
        if run.len() == words.len() {
            return false; // a longer run than any spelling of the abbreviation
        }
        let run: Vec<&str> = run.into_iter().rev().collect();
        spells(&run, acronym)
    }

    /// How much the term counts in a question asking for `kind`. The focal word counts
    /// more where the answer is a typed span, which must stand beside it ("117 drones");
    /// in a question asking what, it names the kind of the answer ("what chemical
    /// mediates …?"), which the answer sentence names rather than says.
    pub fn weight(&self, kind: AnswerType) -> f32 {
        match self.role {
            Role::Proper => 1.5,
            Role::Focal if kind == AnswerType::Description => 1.0,
            Role::Focal => 1.3,
            Role::Number => 1.2,
            Role::Plain => 1.0,
            Role::Verb => 0.6,
            Role::TypeWord => 0.3,
        }
    }
}

/// An analysed question.
#[derive(Debug, Clone)]
pub struct Question {
    pub text: String,
    pub answer_type: AnswerType,
    /// It asks what a name is ("who is Rustem Umerov?"): a sentence saying so answers.
    pub defines: bool,
    /// It only asks what one to three words are: "who is medinsky?", "what's the sbu"
    /// (typed in lower case, they may be a name); not "who is leading the team?" nor "what
    /// is the AFC short for?".
    pub asks_what_is: bool,
    /// It asks where, not which place ("which country refused?" asks who acted): the
    /// answer says where something is or happened ("where …?", "what region is it in?").
    pub asks_where: bool,
    /// It asks who said something ("who said Russia rejected it?", "who confirmed the
    /// toll?"): the answer is the one a sentence quotes or reports, not a name in what
    /// is said.
    pub asks_speaker: bool,
    /// It asks for a person's name ("what is the driver's name?"): a noun for people
    /// ("the port director") is none.
    pub asks_name: bool,
    /// The term of the place a where-question asks within ("where in Istanbul …?"): the
    /// answer is a place inside it.
    pub within: Option<String>,
    /// What the answer must measure beyond its type ("what time", "how far"), if anything.
    pub measure: Option<Measure>,
    /// The end of a journey a where-question asks for, if it asks for one.
    pub heading: Option<Heading>,
    /// The abbreviation it asks to spell out ("what does the AFC stand for?"): the answer
    /// is the long form a sentence writes beside it.
    pub spells_out: Option<String>,
    /// In a question asking for its verb's object ("who did Fidan call?"), the positions
    /// of its subject's words: the subject is no answer, and standing beside it is no
    /// evidence of being one.
    pub object_subject: Option<std::ops::Range<usize>>,
    pub terms: Vec<QuestionTerm>,
    /// Terms of the months it is restricted to ("died in May"): an answer must come from a
    /// passage that says them.
    pub periods: Vec<String>,
    /// The initials of its runs of capitalised words ("MVP" for "Most Valuable Player"),
    /// and the abbreviations it writes ("NFC"): what `abbreviates` compares names with.
    initialisms: Vec<String>,
    acronyms: Vec<String>,
}

/// What a figure or date must measure: "what time" is not answered by "Monday", nor "how
/// far" by "four airbases".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// "what time …?": a time of day ("10:50 p.m.", "1pm").
    TimeOfDay,
    /// "how far / tall / deep / wide …?": a figure with a unit of length.
    Length,
    /// "how fast …?": a figure with a unit of speed.
    Speed,
    /// "how heavy …?": a figure with a unit of weight.
    Weight,
    /// "how old …?", "what age …?": a figure the sentence gives as an age ("aged 54",
    /// "a 54-year-old", "Medinsky, 54,").
    Age,
}

/// The end of a journey a where-question asks for: "where did the train leave from?" is
/// not answered by where it was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    From,
    To,
}

impl Heading {
    /// The end a preposition before a place gives it: "from Klimov", "to Moscow".
    pub fn of_preposition(word: &str) -> Option<Heading> {
        match word {
            "from" => Some(Heading::From),
            "to" | "towards" | "toward" => Some(Heading::To),
            _ => None,
        }
    }
}

/// The end of a journey a where-question asks for: its last word ("… start from?",
/// "… going to?"), or a verb of leaving or heading somewhere.
fn heading_asked(lower: &[String]) -> Option<Heading> {
    const FROM_VERBS: &[&str] = &[
        "originate",
        "originated",
        "originates",
        "depart",
        "departed",
    ];
    const TO_VERBS: &[&str] = &["going", "headed", "heading", "bound", "destined"];
    let has = |verbs: &[&str]| lower.iter().any(|w| verbs.contains(&w.as_str()));
    let by_verb = || {
        if has(FROM_VERBS) {
            Some(Heading::From)
        } else {
            has(TO_VERBS).then_some(Heading::To)
        }
    };
    lower
        .last()
        .and_then(|last| Heading::of_preposition(last))
        .or_else(by_verb)
}

/// Why a question cannot be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// Nothing but whitespace was asked.
    #[error("the question is empty: ask something like \"how many drones were used?\"")]
    Empty,
    /// The question is longer than any real question.
    #[error("the question is {0} characters long; keep it under {MAX_QUESTION_CHARS}")]
    TooLong(usize),
    /// The question names more things than a question can ask about.
    #[error(
        "the question has {0} words to search for; ask about one thing at a time (at most {MAX_TERMS})"
    )]
    TooManyTerms(usize),
    /// The question has only function words.
    #[error("the question has no words to search for; name what you want to know about")]
    NoContent,
}

const WH_WORDS: &[&str] = &[
    "who", "whom", "whose", "what", "which", "when", "where", "why", "how",
];

/// Words that ask rather than describe; never search terms.
const QUESTION_WORDS: &[&str] = &[
    "many",
    "much",
    "long",
    "old",
    "far",
    "often",
    "kind",
    "kinds",
    "type",
    "types",
    "sort",
    "sorts",
    "name",
    "named",
    "tell",
    "please",
    "know",
    // Verbs saying only that an event took place: "where is the round happening?" asks
    // where the round is, and reports write "held", "fought", or no verb at all.
    "happen",
    "happened",
    "happens",
    "happening",
    "occur",
    "occurs",
    "occurred",
    "occurring",
    // Words of emphasis or approximation: "roughly how much …?", "what time did it
    // actually start?" ask what the bare question asks.
    "exactly",
    "precisely",
    "actually",
    "really",
    "basically",
    "roughly",
    "approximately",
    "according",
    "list",
    "describe",
    "explain",
    "give",
    "show",
    "find",
    "define",
    // Words that frame the question rather than name its subject ("what entity …", "an
    // example of", "besides Warsaw", "regarding the treaty", "another name for"): the
    // answer sentence just says the thing.
    "entity",
    "example",
    "examples",
    "besides",
    "regarding",
    "another",
];

/// Whether a word after the word `before` asks rather than describes (`QUESTION_WORDS`):
/// "list" in "list the sources", not in "how many are on the list?".
fn is_question_word(word: &str, before: Option<&str>) -> bool {
    const NOUNS: &[&str] = &["list", "show", "find"];
    QUESTION_WORDS.contains(&word) && !(NOUNS.contains(&word) && before.is_some_and(is_determiner))
}

/// Whether a who-question's verb reports speech: "who said …", "who has confirmed …".
fn asks_speaker(lower: &[String]) -> bool {
    // Fewer than the verbs reports write after a speaker (`spans::is_speaker`): "who
    // wrote …?" asks for an author, "who added …?" for whoever added something.
    const SPEECH: &[&str] = &[
        "say",
        "says",
        "said",
        "tell",
        "told",
        "state",
        "stated",
        "announce",
        "announced",
        "confirm",
        "confirmed",
        "claim",
        "claimed",
        "declare",
        "declared",
        "report",
        "reported",
        "warn",
        "warned",
    ];
    let verb = lower.iter().skip(1).position(|w| {
        !matches!(
            w.as_str(),
            "did" | "does" | "has" | "had" | "first" | "just"
        )
    });
    // "who reported on the sideline?" asks for a reporter, not a source.
    let reports_on = |v: usize| {
        lower[v].starts_with("report")
            && matches!(lower.get(v + 1).map(String::as_str), Some("on" | "from"))
    };
    lower.first().is_some_and(|w| w == "who")
        && verb.is_some_and(|v| SPEECH.contains(&lower[v + 1].as_str()) && !reports_on(v + 1))
}

impl Question {
    pub fn analyse(text: &str) -> Result<Question, QuestionError> {
        let trimmed = text.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            return Err(QuestionError::Empty);
        }
        if chars > MAX_QUESTION_CHARS {
            return Err(QuestionError::TooLong(chars));
        }
        let expanded = main_clause_first(&spell_out_world_wars(&expand_contractions(
            &without_request(trimmed),
        )));
        let words = words(&expanded);
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let spelt = abbreviation_asked(&words, &lower);
        let (answer_type, type_word) = if spelt.is_some() {
            (AnswerType::Name, None)
        } else {
            answer_type(&words, &lower)
        };
        let defines = lower
            .iter()
            .position(|w| WH_WORDS.contains(&w.as_str()))
            .is_some_and(|wh| asks_what_a_name_is(&words, &lower, wh));
        let asks_what_is = subject_of_what_is(&lower, 0).is_some_and(|subject| {
            let subject = &lower[subject..];
            subject.len() <= 3
                && !subject[0].ends_with("ing")
                && !subject.iter().any(|w| is_stop_word(w))
        });
        let focal = focal_index(&words, &lower);
        let verb = main_verb_index(&lower);
        // "who did Fidan call?", "whom will the court hear?": the words between the
        // auxiliary and the verb are its subject.
        let object_subject = verb.filter(|&v| {
            v > 2
                && matches!(lower[0].as_str(), "who" | "whom")
                && DO_FORMS.contains(&lower[1].as_str())
                && !BE_FORMS.contains(&lower[2].as_str())
                // "who did the most damage?": no subject, so "did" is the verb.
                && lower[2..v].iter().any(|w| !is_stop_word(w))
        });

        // "what is Peskov's job?" asks what Peskov is: the job is no word to find.
        let job = job_word(&lower).filter(|_| defines);
        let mut terms: Vec<QuestionTerm> = Vec::new();
        let mut pending_qualifier: Vec<String> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let possessive = word.ends_with("'s") || word.ends_with("’s");
            let bare = word.trim_end_matches("'s").trim_end_matches("’s");
            let low = bare.to_lowercase();
            if is_stop_word(&low)
                || WH_WORDS.contains(&low.as_str())
                || is_question_word(&low, i.checked_sub(1).map(|k| lower[k].as_str()))
                || is_take_place(&lower, i)
                || is_semi_modal(&lower, i)
                || (spelt.is_some() && is_abbreviation_word(&low))
                || job == Some(i)
            {
                // A name qualifies the noun after it across "the", not across "according"
                // ("at Belaya according to Ford").
                if !is_stop_word(&low) {
                    pending_qualifier.clear();
                }
                continue;
            }
            let Some(term) = analyzer::terms(bare).into_iter().map(|t| t.term).next() else {
                continue;
            };
            // A chat abbreviation ("UAVs", "POWs") is a common noun, however it is written.
            let capitalised = bare.chars().next().is_some_and(char::is_uppercase)
                && report_words(&low).is_empty();
            let role = if Some(i) == type_word {
                Role::TypeWord
            } else if bare.chars().all(|c| c.is_ascii_digit()) {
                Role::Number
            } else if spans::is_weekday(&low) {
                // "monday's talks": a day that reports give as a date as often as by name,
                // no name qualifying the talks.
                Role::Plain
            } else if capitalised {
                Role::Proper
            } else if Some(i) == focal {
                Role::Focal
            } else if Some(i) == verb && !MONEY_WORDS.contains(&low.as_str()) {
                // "cost" in "how much did it cost?" is what is asked about, not a paraphrasable verb.
                Role::Verb
            } else {
                Role::Plain
            };
            // A name before a verb is its subject ("Genghis Khan send"), qualifying nothing.
            let qualifiers = std::mem::take(&mut pending_qualifier);
            let qualifiers = if role == Role::Verb {
                Vec::new()
            } else {
                qualifiers
            };
            if role == Role::Proper && (possessive || is_modifier_position(&words, i)) {
                pending_qualifier = std::iter::once(term.clone())
                    .chain(analyzed_all(&names_standing_for(&low)))
                    .collect();
            }
            if terms.iter().any(|t| t.term == term) {
                continue;
            }
            // A figure is no other name for a word (WordNet lists "five" under "die").
            let analyzed = |words: &[&str]| -> Vec<String> {
                words
                    .iter()
                    .filter(|w| !is_stop_word(w))
                    .filter_map(|w| analyzer::terms(w).into_iter().next().map(|t| t.term))
                    .filter(|t| *t != term && !t.chars().all(|c| c.is_ascii_digit()))
                    .collect()
            };
            let (mut expansions, synonyms) = match role {
                Role::Focal | Role::Plain | Role::Verb => {
                    let mut synonyms = analyzed(verb_synonyms(&low));
                    for word in analyzed(derived_forms(&low)) {
                        if !synonyms.contains(&word) {
                            synonyms.push(word);
                        }
                    }
                    (analyzed(related_nouns(&low)), synonyms)
                }
                Role::Proper => (analyzed(&names_standing_for(&low)), Vec::new()),
                _ => (Vec::new(), Vec::new()),
            };
            // "what did he call the country?" asks what it was named, not whom he phoned.
            let said_as = if answer_type == AnswerType::Name
                && (low == "call" || is_inflection_of(&low, "call"))
            {
                NAMING_WORDS
            } else {
                report_words(&low)
            };
            for word in analyzed(said_as)
                .into_iter()
                .chain(analyzed(common_noun_names(bare).unwrap_or_default()))
            {
                if !expansions.contains(&word) {
                    expansions.push(word);
                }
            }
            terms.push(QuestionTerm {
                word: bare.to_string(),
                position: i,
                term,
                role,
                expansions,
                synonyms,
                qualifiers,
                spellings: Vec::new(),
                defined_by: Vec::new(),
            });
            // The later parts of a hyphenated name or designation tell it apart: "Tu-160"
            // is no "Tu-22M3", "al-Qaeda" no other "al-", "Gay-Lussac" no other Gay. Those
            // of a common word are words of their own ("level" in "upper-level").
            let parts = analyzer::terms(bare).into_iter().skip(1).filter_map(|t| {
                let written = &bare[t.range.clone()];
                let named = written.starts_with(char::is_uppercase);
                let numbered = t.term.contains(|c: char| c.is_ascii_digit());
                // Not the letters of an abbreviation ("U.S.").
                if named && t.term.len() > 1 || numbered {
                    let role = if capitalised || named {
                        Role::Proper
                    } else {
                        Role::Number
                    };
                    return Some((designation_singular(t.term), role));
                }
                let plain = !capitalised && t.term.len() > 2 && !is_stop_word(written);
                plain.then_some((t.term, Role::Plain))
            });
            for (part, role) in parts {
                if terms.iter().any(|t| t.term == part) {
                    continue;
                }
                terms.push(QuestionTerm {
                    word: bare.to_string(),
                    position: i,
                    term: part,
                    role,
                    expansions: Vec::new(),
                    synonyms: Vec::new(),
                    qualifiers: Vec::new(),
                    spellings: Vec::new(),
                    defined_by: Vec::new(),
                });
            }
        }
        qualify_by_of(&words, &mut terms);
        if terms.is_empty() {
            return Err(QuestionError::NoContent);
        }
        if terms.len() > MAX_TERMS {
            return Err(QuestionError::TooManyTerms(terms.len()));
        }
        let measure = match type_word {
            Some(i) if lower[i] == "time" => Some(Measure::TimeOfDay),
            // "the age difference": a difference, not the measure itself.
            Some(i)
                if matches!(
                    lower.get(i + 1).map(String::as_str),
                    Some("difference" | "gap")
                ) =>
            {
                None
            }
            Some(i) => measure_named(&lower[i]).or_else(|| measure_asked(&lower)),
            None => measure_asked(&lower),
        };
        let within = lower
            .windows(2)
            .position(|w| w[0] == "where" && w[1] == "in")
            .and_then(|i| terms.iter().find(|t| t.position == i + 2))
            .map(|t| t.term.clone());
        let periods = terms
            .iter()
            .filter(|t| is_period(&lower, t.position))
            .map(|t| t.term.clone())
            .collect();
        let text_words: Vec<&str> = trimmed
            .split(|c: char| !c.is_alphanumeric() && c != '&')
            .filter(|w| !w.is_empty())
            .collect();
        let initialisms = (0..text_words.len())
            .flat_map(|i| initials(&text_words[i..]).skip(1).collect::<Vec<_>>())
            .collect();
        let acronyms = text_words
            .iter()
            .filter_map(|w| acronym(w))
            .map(str::to_string)
            .collect();
        // "where …?", or a place question ending on its preposition ("what region is the
        // base in?").
        let asks_where = answer_type == AnswerType::Place
            && (lower.iter().any(|w| w == "where")
                || lower
                    .last()
                    .is_some_and(|w| matches!(w.as_str(), "in" | "at")));
        Ok(Question {
            text: trimmed.to_string(),
            answer_type,
            defines,
            asks_what_is,
            asks_where,
            heading: asks_where.then(|| heading_asked(&lower)).flatten(),
            asks_speaker: answer_type == AnswerType::Person && asks_speaker(&lower),
            asks_name: answer_type == AnswerType::Person
                && lower.iter().any(|w| w == "name" || w == "names"),
            within,
            measure,
            spells_out: spelt.map(|i| words[i].to_string()),
            object_subject: object_subject.map(|verb| 2..verb),
            terms,
            periods,
            initialisms,
            acronyms,
        })
    }

    /// The question with its lower-case words that `is_name` says are names written
    /// capitalised, as the reports write them ("who's in russia's delegation?" typed in
    /// chat asks about Russia), and its capitalised first word in lower case if `is_name`
    /// says it is none ("Age limit for the swap?"); none when nothing changes.
    pub fn recased(&self, is_name: impl Fn(&str) -> bool) -> Option<String> {
        let names: Vec<&str> = self
            .terms
            .iter()
            .filter(|t| matches!(t.role, Role::Plain | Role::Focal | Role::Verb))
            .map(|t| t.word.as_str())
            .filter(|w| w.chars().all(|c| !c.is_uppercase()) && is_name(w))
            .collect();
        let opener = self.terms.first().filter(|t| {
            t.position == 0
                && t.role == Role::Proper
                && self.text.starts_with(&t.word)
                && t.word.chars().skip(1).all(|c| !c.is_uppercase())
                && !is_name(&t.word)
        });
        if names.is_empty() && opener.is_none() {
            return None;
        }
        let mut text = names
            .iter()
            .fold(self.text.clone(), |text, name| capitalise_word(&text, name));
        if opener.is_some() {
            let mut chars = text.chars();
            text = chars
                .next()
                .into_iter()
                .flat_map(char::to_lowercase)
                .chain(chars)
                .collect();
        }
        Some(text)
    }

    /// Lets unseen verbs fall back on their synonyms: "start" finds "begin" in a corpus
    /// that never says "start".
    pub fn back_off_unseen(&mut self, doc_freq: impl Fn(&str) -> u64) {
        for term in &mut self.terms {
            if doc_freq(&term.term) == 0 {
                let synonyms = std::mem::take(&mut term.synonyms);
                term.expansions
                    .extend(synonyms.into_iter().filter(|s| doc_freq(s) > 0));
            }
        }
    }

    /// Finds the other spellings the corpus has of each term: two neighbouring words it
    /// writes as one ("quarter back", "spider web"), and a word's British or American form.
    pub fn find_spellings(&mut self, doc_freq: impl Fn(&str) -> u64) {
        // The word's term, if the corpus has it and the question does not already.
        let known = |word: &str, terms: &[QuestionTerm]| {
            let term = analyzer::terms(word).into_iter().next()?.term;
            (doc_freq(&term) > 0 && terms.iter().all(|q| q.term != term)).then_some(term)
        };
        for k in 0..self.terms.len() {
            let word = self.terms[k].word.to_lowercase();
            let mut others = other_spellings(&word);
            // Only a name the corpus writes as asked: an unseen one ("Zelenskyy" where reports
            // write Zelensky) keeps its fuzzy search, which its transliterations would replace.
            if !is_dictionary_word(&word) && doc_freq(&self.terms[k].term) > 0 {
                others.extend(transliterations(&word));
            }
            let others: Vec<String> = others
                .iter()
                .filter_map(|w| known(w, &self.terms))
                .collect();
            for other in others {
                self.terms[k].add_spelling(other);
            }
            if k == 0 {
                continue;
            }
            let (a, b) = (&self.terms[k - 1], &self.terms[k]);
            if b.position != a.position + 1 || a.word == b.word {
                continue;
            }
            let Some(joined) = known(&format!("{}{}", a.word, b.word), &self.terms) else {
                continue;
            };
            for t in &mut self.terms[k - 1..=k] {
                t.add_spelling(joined.clone());
            }
        }
    }

    /// Drops a word of a name that the corpus lacks in every spelling when it stands beside
    /// a word of the name the corpus has: "Neik Stam" is a misspelling of "Niek Stam", and
    /// is searched as "Stam".
    pub fn drop_misspelt_names(&mut self, known: impl Fn(&str) -> bool) {
        let is_known = |t: &QuestionTerm| known(&t.term) || t.expansions.iter().any(|e| known(e));
        let misspelt: Vec<bool> = self
            .terms
            .iter()
            .map(|t| {
                t.role == Role::Proper
                    && !is_known(t)
                    && self.terms.iter().any(|o| {
                        matches!(o.role, Role::Proper | Role::Number)
                            && o.position.abs_diff(t.position) == 1
                            && is_known(o)
                    })
            })
            .collect();
        let mut k = 0;
        self.terms.retain(|_| {
            k += 1;
            !misspelt[k - 1]
        });
    }

    /// Whether the corpus must contain a term for the question to be answerable: a name,
    /// or the thing counted ("submarines" in "how many submarines …"). The thing a
    /// what-question names is not: texts give the answer without the category ("Gap" for
    /// "what clothing company …"). The question's first word is capitalised whatever it
    /// is ("Whic", "Unsurprisingly"): it names nothing for sure. Nor is an abbreviation of a
    /// common noun ("TV"): a text may write the noun ("a television ad") or neither.
    pub fn requires(&self, term: &QuestionTerm) -> bool {
        let counted = matches!(
            self.answer_type,
            AnswerType::Number | AnswerType::Money | AnswerType::Percent
        );
        let name = term.role == Role::Proper
            && !self.text.starts_with(&term.word)
            && common_noun_names(&term.word).is_none();
        name || term.role == Role::Focal && counted
    }

    /// Whether `term` is a word of the subject of a question for its verb's object.
    pub fn in_subject(&self, term: &QuestionTerm) -> bool {
        self.object_subject
            .as_ref()
            .is_some_and(|s| s.contains(&term.position))
    }

    /// Whether an analyzed term is one of the question's.
    pub fn has_term(&self, term: &str) -> bool {
        self.terms.iter().any(|t| t.term == term)
    }

    /// Whether `name` abbreviates a name of the question or spells out one of its
    /// abbreviations: "MVP" says nothing new to "who was the Most Valuable Player?", nor
    /// "National Football Conference" to "who won the NFC title?".
    pub fn abbreviates(&self, name: &str) -> bool {
        if let Some(acronym) = acronym(name) {
            return self.initialisms.iter().any(|run| run == acronym);
        }
        let words = spans::defining_words(name.split_whitespace());
        let defines = |t: &QuestionTerm| {
            !words.is_empty()
                && words
                    .iter()
                    .all(|w| t.defined_by.contains(&w.to_lowercase()))
        };
        self.terms.iter().any(defines)
            || !self.acronyms.is_empty()
                && self
                    .acronyms
                    .iter()
                    .any(|a| spells(&name.split_whitespace().collect::<Vec<_>>(), a))
    }

    /// Learns the abbreviations among the question's names that `texts` define in
    /// brackets ("Ukrainian Security Service (SBU)"), so that each is also found by the
    /// words of its name, however its letters were transliterated: a report may say "SBU"
    /// once and "Ukraine's Security Service" after.
    pub fn learn_abbreviations<'t>(&mut self, texts: impl Iterator<Item = &'t str> + Clone) {
        for term in &mut self.terms {
            let letters = term.word.chars().count();
            if term.role != Role::Proper
                || !(2..=6).contains(&letters)
                || !term.word.chars().all(char::is_alphabetic)
            {
                continue;
            }
            let abbreviation = term.word.to_uppercase();
            for text in texts.clone() {
                for word in spans::defined_by(text, &abbreviation) {
                    let lower = word.to_lowercase();
                    if term.defined_by.contains(&lower) {
                        continue;
                    }
                    if let Some(defining) = analyzer::terms(word).into_iter().next()
                        && defining.term != term.term
                        && !term.expansions.contains(&defining.term)
                    {
                        term.expansions.push(defining.term);
                    }
                    term.defined_by.push(lower);
                }
            }
        }
    }
}

/// The words before "for" that ask what an abbreviation stands for: "what does the LEM
/// stand for?", "what is QED short for?".
const STANDS: &[&str] = &["stand", "stands", "stood", "short"];

/// Words of a question asking what an abbreviation stands for, which its answer does not
/// repeat: its `STANDS`, and the nouns for an abbreviation.
fn is_abbreviation_word(word: &str) -> bool {
    STANDS.contains(&word) || matches!(word, "acronym" | "abbreviation" | "initials")
}

/// The word a question asks to spell out, before "stand(s) for" or "short for" and past a
/// word saying it is an abbreviation ("the LMP acronym"): two capitals or more ("AFC",
/// "vBNS"), or a short name in a question typed in lower case.
fn abbreviation_asked(words: &[&str], lower: &[String]) -> Option<usize> {
    let asks = lower
        .windows(2)
        .position(|pair| STANDS.contains(&pair[0].as_str()) && pair[1] == "for")?;
    let before = lower[..asks]
        .iter()
        .rposition(|w| !is_abbreviation_word(w))?;
    let word = words[before];
    let capitals = word.chars().filter(char::is_ascii_uppercase).count();
    // Typed in chat ("what does uvga stand for"), a short word is taken for an
    // abbreviation once the passages are found to write it as a name and it is asked
    // capitalised ("Uvga"): "what does the party stand for?" asks no such thing.
    let chat_form = capitals == 1
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && (2..=5).contains(&word.len())
        && words
            .iter()
            .enumerate()
            .skip(1)
            .all(|(i, w)| i == before || !w.contains(char::is_uppercase));
    ((capitals >= 2 || chat_form) && word.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(before)
}

/// The one-word names of an abbreviation WordNet reads as a common noun ("TV", "CEOs"):
/// `None` for any other word.
fn common_noun_names(word: &str) -> Option<&'static [&'static str]> {
    acronym(word).and_then(|a| abbreviation_names(&a.to_lowercase()))
}

/// A word in capitals of two letters or more ("NFL", "MVPs"), without a plural "s".
fn acronym(word: &str) -> Option<&str> {
    let bare = word.strip_suffix('s').unwrap_or(word);
    (bare.len() >= 2 && bare.chars().all(|c| c.is_ascii_uppercase())).then_some(bare)
}

/// Words linking the words of a name that an abbreviation gives no letter: "Security
/// Service of Ukraine", "Procter & Gamble" (`spans::NAME_LINKS` link any name: "de", "van").
const ABBREVIATION_LINKS: &[&str] = &["of", "the", "and", "for", "on", "&"];

/// The initials of the capitalised words from the start of `words`, one string for each
/// longer run ("N", "NF", "NFL" for "National Football League"); linking words ("of",
/// "the", "and") are passed over and end no run.
fn initials<'w>(words: &'w [&'w str]) -> impl Iterator<Item = String> + 'w {
    let mut letters = String::new();
    words
        .iter()
        .take_while(|w| w.starts_with(char::is_uppercase) || ABBREVIATION_LINKS.contains(w))
        .filter(|w| w.starts_with(char::is_uppercase))
        .map(move |w| {
            letters.extend(w.chars().next());
            letters.clone()
        })
}

/// Whether a name's initials, with or without a leading "The", spell `acronym`: "AP" for
/// "The Associated Press", "TNW" for "The Northern Wire".
fn spells(name: &[&str], acronym: &str) -> bool {
    let start = name
        .iter()
        .position(|w| !(ABBREVIATION_LINKS.contains(w) || *w == "The"))
        .unwrap_or(name.len());
    [0, start].iter().any(|&k| {
        initials(&name[k..])
            .last()
            .is_some_and(|spelt| spelt == acronym)
    })
}

/// Whether the word at `i` names a month after a preposition ("in May"; "may" is a month
/// there, not a modal). Years are left out: a year often frames a whole article (a season,
/// an election) that its paragraphs do not repeat.
fn is_period(lower: &[String], i: usize) -> bool {
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const BEFORE: &[&str] = &[
        "in", "during", "since", "until", "by", "before", "after", "of",
    ];
    i > 0 && BEFORE.contains(&lower[i - 1].as_str()) && MONTHS.contains(&lower[i].as_str())
}

/// The analyzed terms of words.
fn analyzed_all(words: &[&str]) -> impl Iterator<Item = String> {
    words
        .iter()
        .filter_map(|w| analyzer::terms(w).into_iter().next().map(|t| t.term))
}

/// The question without the request around it: "can you tell me who leads …", "do you
/// know …", "… pls". Its words are no part of what is asked, and "can" or "know" would be
/// read as the question's verb, nor should they move its vector. A request around nothing
/// is left as typed.
pub fn without_request(text: &str) -> String {
    static OPENING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?xi)^
            (?:(?:hey|hi|hello|ok|okay|so|um|and|also|quick\s+question)\b[\s,:!.]*)*
            (?:(?:please|pls|plz)\s+)?
            (?:
                (?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone|anybody)\s+
                    (?:please\s+|pls\s+)?(?:tell|show|give|remind)\s+(?:me|us)
              | (?:do|does)\s+(?:you|u|someone|somebody|anyone|anybody)\s+know
              | (?:tell|show|remind)\s+(?:me|us)
              | i\s+(?:want|would\s+like|wanna|need)\s+to\s+know
              | i(?:'m|\s+am)?\s+wondering | i\s+wonder | any\s+idea
            )\b[\s,:]*",
        )
        .expect("valid pattern")
    });
    static CLOSING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)[\s,]+(?:please|pls|plz|thanks|thank\s+you|thx|ty)[\s?.!]*$")
            .expect("valid pattern")
    });
    let inner = OPENING.find(text).map_or(text, |m| &text[m.end()..]);
    let inner = match CLOSING.find(inner) {
        Some(m) => format!("{}?", &inner[..m.start()]),
        None => inner.to_string(),
    };
    if inner
        .trim_matches(|c: char| !c.is_alphanumeric())
        .is_empty()
    {
        text.to_string()
    } else {
        inner
    }
}

/// Spells out a question word's contraction as people type it in chat: "who's" → "who is",
/// "where'd" → "where did", "whats" → "what is".
fn expand_contractions(text: &str) -> String {
    static CONTRACTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(who|what|where|when|why|how|which)(?:['’](s|re|d|ll|ve)|(s))\b")
            .expect("valid pattern")
    });
    CONTRACTION
        .replace_all(text, |c: &regex::Captures| {
            let verb = match c.get(2).or(c.get(3)).map_or("", |m| m.as_str()) {
                "re" | "RE" => "are",
                "d" | "D" => "did",
                "ll" | "LL" => "will",
                "ve" | "VE" => "have",
                _ => "is",
            };
            format!("{} {verb}", &c[1])
        })
        .into_owned()
}

/// Puts the question before a clause that frames it: "When violence is used, what is it
/// called?" asks what, not when, and reads "what is it called, When violence is used?". A
/// "when" or "where" that opens a clause has no auxiliary after it ("When did …" asks).
fn main_clause_first(text: &str) -> String {
    let words: Vec<(usize, String)> = text
        .split_whitespace()
        .map(|w| {
            let offset = w.as_ptr() as usize - text.as_ptr() as usize;
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            (offset, bare.to_lowercase())
        })
        .collect();
    let opens_clause = matches!(words.first(), Some((_, w)) if w == "when" || w == "where")
        && words.get(1).is_some_and(|(_, w)| {
            !(BE_FORMS.contains(&w.as_str())
                || DO_FORMS.contains(&w.as_str())
                || matches!(w.as_str(), "has" | "have" | "had"))
        });
    let asks = words.iter().skip(2).find(|(_, w)| {
        matches!(
            w.as_str(),
            "what" | "which" | "who" | "whom" | "whose" | "how"
        )
    });
    match asks {
        Some(&(at, _)) if opens_clause => {
            let question = text[at..].trim_end().trim_end_matches('?').trim_end();
            let clause = text[..at].trim_end().trim_end_matches([',', ';']);
            format!("{question}, {clause}?")
        }
        _ => text.to_string(),
    }
}

/// Spells out the world wars as reports write them: "WWII", "WW2", "WW-I" → "World War II".
fn spell_out_world_wars(text: &str) -> String {
    static WORLD_WAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\bWW[- ]?(II|I|2|1)\b").expect("valid pattern")
    });
    WORLD_WAR
        .replace_all(text, |c: &regex::Captures| {
            let number = match c[1].to_ascii_uppercase().as_str() {
                "II" | "2" => "II",
                _ => "I",
            };
            format!("World War {number}")
        })
        .into_owned()
}

/// `text` with every whole-word `word` capitalised.
fn capitalise_word(text: &str, word: &str) -> String {
    let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let (before, after) = (&rest[..at], &rest[at + word.len()..]);
        out.push_str(before);
        let whole = !is_word_char(out.chars().next_back()) && !is_word_char(after.chars().next());
        let mut chars = word.chars();
        match chars.next() {
            Some(first) if whole => out.extend(first.to_uppercase().chain(chars)),
            _ => out.push_str(word),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// "take place" in any tense, which says no more than "happen" does.
fn is_take_place(lower: &[String], i: usize) -> bool {
    const TAKE: &[&str] = &["take", "takes", "took", "taken", "taking"];
    let take_at = |k: usize| lower.get(k).is_some_and(|w| TAKE.contains(&w.as_str()));
    let place_at = |k: usize| lower.get(k).is_some_and(|w| w == "place");
    (take_at(i) && place_at(i + 1)) || (place_at(i) && i > 0 && take_at(i - 1))
}

/// "supposed to" and "meant to", which say only that something was planned: "when were
/// the talks supposed to start?" asks when they were to start.
fn is_semi_modal(lower: &[String], i: usize) -> bool {
    matches!(lower[i].as_str(), "supposed" | "meant") && lower.get(i + 1).is_some_and(|w| w == "to")
}

/// A name after "of" qualifies the word before it: "the president of France".
fn qualify_by_of(words: &[&str], terms: &mut [QuestionTerm]) {
    for k in 1..terms.len() {
        let (name, word) = (&terms[k], &terms[k - 1]);
        let of_between = name.position == word.position + 2
            && words[word.position + 1].eq_ignore_ascii_case("of");
        if name.role == Role::Proper
            && word.role != Role::Proper
            && word.qualifiers.is_empty()
            && of_between
        {
            let qualifiers = std::iter::once(name.term.clone())
                .chain(analyzed_all(&names_standing_for(&name.word.to_lowercase())))
                .collect();
            terms[k - 1].qualifiers = qualifiers;
        }
    }
}

/// A proper noun directly before a lower-case content word qualifies it: "Russian
/// warplanes", not "Belaya from Ukraine"; nor when the name is the subject right after an
/// auxiliary, which the verb follows ("did Aristotle refer", "does Harvard compete").
fn is_modifier_position(words: &[&str], i: usize) -> bool {
    let capitalised = |w: &&str| w.starts_with(char::is_uppercase);
    let run_start = words[..i]
        .iter()
        .rposition(|w| !capitalised(w))
        .map_or(0, |k| k + 1);
    let subject = run_start > 0 && DO_FORMS.contains(&words[run_start - 1].to_lowercase().as_str());
    !subject
        && words.get(i + 1).is_some_and(|next| {
            next.chars().next().is_some_and(char::is_lowercase)
                && !is_stop_word(&next.to_lowercase())
        })
}

/// A designation's number without a plural's "s" ("tu-22s" are so many Tu-22); a decade
/// ("mid-1990s", "80s") keeps it.
fn designation_singular(term: String) -> String {
    match term.strip_suffix('s') {
        Some(digits)
            if !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
                && !(matches!(digits.len(), 2 | 4) && digits.ends_with('0')) =>
        {
            digits.to_string()
        }
        _ => term,
    }
}

/// Words of the question, keeping inner apostrophes, hyphens and dots ("Russia's", "U.S.").
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.' | '$' | '%')))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The unit a "how far / fast / heavy …" question asks its figure in.
fn measure_asked(lower: &[String]) -> Option<Measure> {
    let how = lower.iter().position(|w| w == "how")?;
    match lower.get(how + 1)?.as_str() {
        // Not "how high": temperatures and prices run high too.
        "far" | "tall" | "deep" | "wide" => Some(Measure::Length),
        "fast" => Some(Measure::Speed),
        "heavy" => Some(Measure::Weight),
        "old" => Some(Measure::Age),
        _ => None,
    }
}

/// The unit a measure's noun asks its figure in: "what's the speed of the Tu-160?".
fn measure_named(word: &str) -> Option<Measure> {
    match word {
        "distance" | "height" | "altitude" | "length" | "depth" | "width" => Some(Measure::Length),
        "speed" => Some(Measure::Speed),
        "weight" => Some(Measure::Weight),
        "age" => Some(Measure::Age),
        _ => None,
    }
}

/// The expected answer type, and the index of the type word ("year" in "what year").
fn answer_type(words: &[&str], lower: &[String]) -> (AnswerType, Option<usize>) {
    use AnswerType::*;
    let at = |i: usize| lower.get(i).map(String::as_str).unwrap_or("");
    let Some(wh) = lower.iter().position(|w| WH_WORDS.contains(&w.as_str())) else {
        return phrase_type(words, lower, 0).unwrap_or((Description, None));
    };
    match at(wh) {
        // "who is Rustem Umerov?" asks for a description of a name, not for another name.
        "who" | "what" if asks_what_a_name_is(words, lower, wh) => (Description, None),
        "who" | "whom" | "whose" => (Person, None),
        "when" => (Date, None),
        "where" => (Place, None),
        "why" => (Description, None),
        "how" => match at(wh + 1) {
            "many" | "old" => (Number, None),
            "much"
                if lower[wh + 2..]
                    .iter()
                    .any(|w| MONEY_WORDS.contains(&w.as_str())) =>
            {
                (Money, None)
            }
            "much" | "far" | "fast" | "big" | "large" | "tall" | "high" | "deep" | "wide"
            | "heavy" => (Number, None),
            "long" => (Duration, None),
            _ => (Description, None),
        },
        _ => {
            // what/which: the first common content word after the wh-word decides ("which
            // NFL team" asks for a team).
            let next = (wh + 1..lower.len())
                .find(|&i| !is_stop_word(at(i)) && !words[i].starts_with(char::is_uppercase));
            let Some(i) = next else {
                return (Description, None);
            };
            // "what was the operation codenamed?", "what did Zelensky call the outcome?" —
            // not "which union called the strike?", where calling is no naming.
            let naming = lower.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "call"
                        | "calls"
                        | "called"
                        | "named"
                        | "codenamed"
                        | "nicknamed"
                        | "dubbed"
                        | "titled"
                )
            });
            let auxiliary = lower[wh + 1..]
                .iter()
                .take_while(|w| is_stop_word(w))
                .any(|w| BE_FORMS.contains(&w.as_str()) || DO_FORMS.contains(&w.as_str()));
            if naming && auxiliary {
                return (Name, None);
            }
            match type_word(at(i)) {
                Some(kind) => (kind, Some(i)),
                None => phrase_type(words, lower, i).unwrap_or((Description, None)),
            }
        }
    }
}

/// The answer type a noun phrase asks for when it opens a question without a question
/// word ("death toll in the Bryansk crash?") or follows "what" ("what is the death
/// toll?"): the name of a person ("name of the negotiator", "the negotiator's name") asks
/// for a person and of a place for a place, any other name for a name; otherwise the
/// phrase's type word ("toll", "leader"), if it has one.
fn phrase_type(
    words: &[&str],
    lower: &[String],
    from: usize,
) -> Option<(AnswerType, Option<usize>)> {
    let bare = |i: usize| {
        lower[i]
            .trim_end_matches("'s")
            .trim_end_matches("’s")
            .to_string()
    };
    // The noun phrase starting at the first content word from `i`.
    let phrase = |i: usize| {
        let start = (i..lower.len()).find(|&i| !is_stop_word(&lower[i]))?;
        let end = (start..lower.len())
            .find(|&i| is_stop_word(&lower[i]) && !PHRASE_LINKS.contains(&lower[i].as_str()))
            .unwrap_or(lower.len());
        Some((start, end))
    };
    let (start, end) = phrase(from)?;
    let common =
        |i: &usize| !is_stop_word(&lower[*i]) && !words[*i].starts_with(char::is_uppercase);
    let type_of = |i: usize| type_word(&bare(i));
    if let Some(n) = (start..end).find(|&i| matches!(bare(i).as_str(), "name" | "names")) {
        let head = if lower.get(n + 1).is_some_and(|w| w == "of") {
            phrase(n + 2).and_then(|(start, end)| (start..end).rev().find(common))
        } else {
            (start..n).rev().find(common)
        };
        let kind = match head {
            Some(h) if is_person_noun(&bare(h)) => AnswerType::Person,
            Some(h) => match type_of(h) {
                Some(kind @ (AnswerType::Person | AnswerType::Place)) => kind,
                _ => AnswerType::Name,
            },
            None => AnswerType::Name,
        };
        return Some((kind, None));
    }
    (start..end)
        .filter(common)
        .find_map(|i| Some((type_of(i)?, Some(i))))
}

/// Where the subject of "who is/was X" or "what is (the) X" begins, if the question is one.
fn subject_of_what_is(lower: &[String], wh: usize) -> Option<usize> {
    let at = |i: usize| lower.get(i).map_or("", String::as_str);
    let article = at(wh) == "what" && ["the", "a", "an"].contains(&at(wh + 2));
    let subject = wh + 2 + usize::from(article);
    (matches!(at(wh), "who" | "what") && BE_FORMS.contains(&at(wh + 1)) && lower.len() > subject)
        .then_some(subject)
}

/// "who is Rustem Umerov?", "what is the SBU?", "what is Peskov's job?": the subject is
/// only a name, or the job of one, and the question asks what it is ("who is the
/// President?" asks for a name).
fn asks_what_a_name_is(words: &[&str], lower: &[String], wh: usize) -> bool {
    subject_of_what_is(lower, wh).is_some_and(|subject| {
        let name = &words[subject..words.len() - usize::from(job_word(lower).is_some())];
        !name.is_empty() && name.iter().all(|w| w.starts_with(char::is_uppercase))
    })
}

/// The position of the word a question ending "… X's job?" asks for X's job by ("job",
/// "title", "position", "role", "occupation", "profession").
fn job_word(lower: &[String]) -> Option<usize> {
    const JOBS: &[&str] = &[
        "job",
        "title",
        "position",
        "role",
        "occupation",
        "profession",
    ];
    let last = lower.len().checked_sub(1)?;
    let owner = lower.get(last.checked_sub(1)?)?;
    (JOBS.contains(&lower[last].as_str()) && (owner.ends_with("'s") || owner.ends_with("’s")))
        .then_some(last)
}

/// A word's British and American forms: "centre" / "center", "colour" / "color",
/// "organise" / "organize", "defence" / "defense", "travelled" / "traveled",
/// "catalogue" / "catalog". Only forms the corpus has are kept, so the rules may
/// overreach.
fn other_spellings(word: &str) -> Vec<String> {
    const ENDINGS: &[(&str, &str)] = &[
        ("our", "or"),
        ("ours", "ors"),
        ("oured", "ored"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("isation", "ization"),
        ("isations", "izations"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("tre", "ter"),
        ("tres", "ters"),
        ("ence", "ense"),
        ("ences", "enses"),
        ("ogue", "og"),
        ("ogues", "ogs"),
        ("elled", "eled"),
        ("elling", "eling"),
        ("eller", "eler"),
        ("alled", "aled"),
        ("alling", "aling"),
    ];
    if word.chars().count() < 5 {
        return Vec::new();
    }
    ENDINGS
        .iter()
        .flat_map(|&(british, american)| [(british, american), (american, british)])
        .filter_map(|(from, to)| {
            let stem = word.strip_suffix(from)?;
            (stem.chars().count() >= 3).then(|| format!("{stem}{to}"))
        })
        .collect()
}

/// The other ways English writes a name's Slavic ending: "Zelensky", "Zelenskyy",
/// "Zelenskiy"; "Sergey", "Sergei".
fn transliterations(word: &str) -> Vec<String> {
    const ENDINGS: &[&[&str]] = &[&["y", "yy", "iy", "yi", "i"], &["ey", "ei"]];
    if word.chars().count() < 5 {
        return Vec::new();
    }
    ENDINGS
        .iter()
        .flat_map(|group| {
            // The longest ending of the group that the word has.
            let ending = group
                .iter()
                .filter(|e| word.ends_with(*e))
                .max_by_key(|e| e.len());
            ending.into_iter().flat_map(move |ending| {
                let stem = &word[..word.len() - ending.len()];
                group
                    .iter()
                    .filter(move |e| *e != ending)
                    .map(move |e| format!("{stem}{e}"))
            })
        })
        .collect()
}

const MONEY_WORDS: &[&str] = &[
    "cost", "costs", "money", "price", "paid", "pay", "worth", "damage", "budget", "spend",
    "spent", "fund", "funding", "aid", "dollars", "euros", "pounds", "value",
];

/// The answer type a type word asks for.
fn type_word(word: &str) -> Option<AnswerType> {
    TYPE_WORDS
        .iter()
        .find(|(t, _)| *t == word)
        .map(|&(_, kind)| kind)
}

const TYPE_WORDS: &[(&str, AnswerType)] = &[
    ("year", AnswerType::Date),
    ("date", AnswerType::Date),
    ("day", AnswerType::Date),
    ("month", AnswerType::Date),
    ("time", AnswerType::Date),
    ("century", AnswerType::Date),
    ("decade", AnswerType::Date),
    ("percentage", AnswerType::Percent),
    ("percent", AnswerType::Percent),
    ("proportion", AnswerType::Percent),
    ("share", AnswerType::Percent),
    ("city", AnswerType::Place),
    ("country", AnswerType::Place),
    ("place", AnswerType::Place),
    ("town", AnswerType::Place),
    ("region", AnswerType::Place),
    ("location", AnswerType::Place),
    ("state", AnswerType::Place),
    ("province", AnswerType::Place),
    ("venue", AnswerType::Place),
    ("person", AnswerType::Person),
    ("organisation", AnswerType::Person),
    ("organization", AnswerType::Person),
    ("company", AnswerType::Person),
    ("group", AnswerType::Person),
    ("team", AnswerType::Person),
    ("union", AnswerType::Person),
    ("firm", AnswerType::Person),
    ("club", AnswerType::Person),
    ("band", AnswerType::Person),
    ("party", AnswerType::Person),
    ("agency", AnswerType::Person),
    // Those who report: "which outlet reported …?".
    ("outlet", AnswerType::Person),
    ("newspaper", AnswerType::Person),
    ("broadcaster", AnswerType::Person),
    ("magazine", AnswerType::Person),
    ("publication", AnswerType::Person),
    ("ministry", AnswerType::Person),
    ("committee", AnswerType::Person),
    ("airline", AnswerType::Person),
    ("university", AnswerType::Person),
    ("player", AnswerType::Person),
    ("leader", AnswerType::Person),
    ("chief", AnswerType::Person),
    ("president", AnswerType::Person),
    ("author", AnswerType::Person),
    ("number", AnswerType::Number),
    ("amount", AnswerType::Number),
    ("population", AnswerType::Number),
    ("toll", AnswerType::Number),
    // Measures: answered by a number with its unit.
    ("speed", AnswerType::Number),
    ("distance", AnswerType::Number),
    ("height", AnswerType::Number),
    ("altitude", AnswerType::Number),
    ("weight", AnswerType::Number),
    ("length", AnswerType::Number),
    ("depth", AnswerType::Number),
    ("width", AnswerType::Number),
    ("age", AnswerType::Number),
    ("tally", AnswerType::Number),
    ("cost", AnswerType::Money),
    ("price", AnswerType::Money),
    ("codename", AnswerType::Name),
    ("nickname", AnswerType::Name),
];

/// What reports write for the calling of a name: "labelling the country a …".
const NAMING_WORDS: &[&str] = &["name", "dub", "label", "nickname"];

pub const BE_FORMS: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];
/// Auxiliaries after which the question's main verb comes last: "did … estimate",
/// "will … start".
const DO_FORMS: &[&str] = &[
    "do", "does", "did", "will", "would", "can", "could", "should", "may", "might", "must",
];

/// The main verb of a question with an auxiliary: the last content word after "did …"
/// ("did the SBU estimate"), a participle after "was …" ("was the operation planned"), or
/// the word right after a form of "be" at the end ("were used", "being held").
fn main_verb_index(lower: &[String]) -> Option<usize> {
    let last = (0..lower.len()).rev().find(|&i| !is_stop_word(&lower[i]))?;
    let aux = lower[..last]
        .iter()
        .position(|w| DO_FORMS.contains(&w.as_str()) || BE_FORMS.contains(&w.as_str()))?;
    let word = lower[last].as_str();
    // "what did Zelensky call the result?", "who did they tell about the 40 planes?": a
    // word after a determiner or a figure is the verb's object.
    let figure = || {
        analyzer::terms(&lower[last - 1])
            .first()
            .is_some_and(|t| t.term.chars().all(|c| c.is_ascii_digit()))
    };
    if is_determiner(&lower[last - 1]) || figure() {
        return None;
    }
    let after_be = BE_FORMS.contains(&lower[last - 1].as_str());
    let do_support = DO_FORMS.contains(&lower[aux].as_str()) && last > aux + 1;
    let participle = BE_FORMS.contains(&lower[aux].as_str()) && (word.ends_with("ed") || after_be);
    (after_be || do_support || participle).then_some(last)
}

/// The thing asked about: the first common word of the phrase the question word opens
/// ("warplanes" in "how many Russian warplanes", "genre" in "what genre of music"). The
/// phrase ends at the first function word other than an article or "of" (in "what was
/// culled?" nothing is the focal word), and at a type word, which is its head ("what
/// player punched the ball?" asks for a player, not about punching).
fn focal_index(words: &[&str], lower: &[String]) -> Option<usize> {
    let wh = lower
        .iter()
        .position(|w| matches!(w.as_str(), "how" | "what" | "which" | "who"))?;
    if lower[wh] == "who" {
        return who_focal_index(words, lower, wh);
    }
    let mut i = wh + 1;
    if lower[wh] == "how" {
        if !matches!(lower.get(i).map(String::as_str), Some("many" | "much")) {
            return None;
        }
        i += 1;
    }
    for j in i..lower.len() {
        let w = lower[j].as_str();
        // A type word heads the phrase ("what player punched…"); a plural after "how
        // many" is what is counted ("how many years").
        if is_stop_word(w) && !PHRASE_LINKS.contains(&w) || type_word(w).is_some() {
            return None;
        }
        if !is_stop_word(w)
            && !QUESTION_WORDS.contains(&w)
            && (!words[j].starts_with(char::is_uppercase) || !report_words(w).is_empty())
        {
            // What "how many" counts is the plural its phrase ends on: "bombers" in "how
            // many long range bombers", "strikes" in "how many drone strikes".
            let plural = |k: usize| {
                let w = lower[k].as_str();
                w.len() > 3
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !is_stop_word(w)
                    && !words[k].starts_with(char::is_uppercase)
            };
            if lower[wh] == "how" && !plural(j) {
                return (j + 1..lower.len())
                    .take_while(|&k| plural(k))
                    .last()
                    .or(Some(j));
            }
            return Some(j);
        }
    }
    None
}

/// The head of "who is [the] X": the last common word of the phrase after the verb
/// ("president" in "who is the president of France?", "negotiator" in "who is Russia's
/// top negotiator?").
fn who_focal_index(words: &[&str], lower: &[String], wh: usize) -> Option<usize> {
    if !BE_FORMS.contains(&lower.get(wh + 1)?.as_str()) {
        return None;
    }
    let start = wh + 2;
    let end = (start..lower.len())
        .find(|&i| is_stop_word(&lower[i]) && !PHRASE_LINKS.contains(&lower[i].as_str()))
        .unwrap_or(lower.len());
    (start..end).rev().find(|&i| {
        !is_stop_word(&lower[i])
            && !QUESTION_WORDS.contains(&lower[i].as_str())
            && !words[i].starts_with(char::is_uppercase)
    })
}

/// Function words inside the phrase a question word opens: "how many of the drones".
const PHRASE_LINKS: &[&str] = &["of", "the", "a", "an"];

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(q: &str) -> Question {
        Question::analyse(q).unwrap()
    }

    /// The question's search terms.
    fn terms(q: &str) -> Vec<String> {
        analysed(q).terms.into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn a_clause_framing_the_question_does_not_ask() {
        let cases = [
            (
                "When violence is used, what is civil disobedience sometimes called?",
                AnswerType::Name,
            ),
            (
                "When the rocks melt again what is formed?",
                AnswerType::Description,
            ),
            (
                "Where the river bends, which town stands?",
                AnswerType::Place,
            ),
            ("When did the strike begin?", AnswerType::Date),
            (
                "Where was the treaty signed, and who signed it?",
                AnswerType::Place,
            ),
        ];
        for (q, kind) in cases {
            assert_eq!(analysed(q).answer_type, kind, "{q}");
        }
        assert_eq!(
            main_clause_first("When the rocks melt again what is formed?"),
            "what is formed, When the rocks melt again?"
        );
    }

    #[test]
    fn questions_asking_what_a_name_is() {
        let defines = |q: &str| Question::analyse(q).unwrap().defines;
        assert!(defines("who is Rustem Umerov?") && defines("what's the SBU?"));
        assert!(defines("what was the Ciragan Palace"));
        assert!(!defines("who is the President?") && !defines("what is Warsaw's symbol?"));
        assert!(!defines("who is medinsky?") && !defines("who leads the Russian delegation?"));
        // Typed in lower case, the subject may yet be a name: the passages tell.
        let asks = |q: &str| Question::analyse(q).unwrap().asks_what_is;
        assert!(asks("who is medinsky?") && asks("whats the sbu"));
        assert!(!asks("who is leading ukraine's team?") && !asks("what is the AFC short for?"));
    }

    #[test]
    fn every_part_of_a_hyphenated_common_word_is_a_term() {
        let q = Question::analyse("what are upper-level co-teaching schools called?").unwrap();
        let terms: Vec<(&str, Role)> = q.terms.iter().map(|t| (t.term.as_str(), t.role)).collect();
        for part in ["upper", "level", "teach"] {
            assert!(terms.iter().any(|(t, _)| *t == part), "{part}: {terms:?}");
        }
        assert!(terms.contains(&("level", Role::Plain)), "{terms:?}");
        // A designation's later part stays what tells it apart.
        let q = Question::analyse("how fast is the Tu-160?").unwrap();
        assert!(
            q.terms
                .iter()
                .any(|t| t.term == "160" && t.role == Role::Proper)
        );
    }

    #[test]
    fn words_typed_apart_take_the_word_the_corpus_writes() {
        let mut q = Question::analyse("who was the oldest quarter back to play?").unwrap();
        q.find_spellings(|term| u64::from(term == "quarterback"));
        let spellings = |word: &str| {
            let term = q.terms.iter().find(|t| t.word == word).unwrap();
            term.spellings.clone()
        };
        assert_eq!(spellings("quarter"), ["quarterback"]);
        assert_eq!(spellings("back"), ["quarterback"]);
        assert!(spellings("oldest").is_empty());
    }

    #[test]
    fn a_name_takes_the_transliterations_the_corpus_writes() {
        let mut q = Question::analyse("what did zelensky tell sergey?").unwrap();
        let corpus = [
            "zelenski",
            "zelenskyy",
            "zelenskiy",
            "sergey",
            "sergei",
            "tell",
        ];
        q.find_spellings(|term| u64::from(corpus.contains(&term)));
        let spellings = |word: &str| {
            let term = q
                .terms
                .iter()
                .find(|t| t.word.eq_ignore_ascii_case(word))
                .unwrap();
            term.spellings.clone()
        };
        assert_eq!(spellings("zelensky"), ["zelenskyy", "zelenskiy"]);
        assert_eq!(spellings("sergey"), ["sergei"]);
        assert!(transliterations("zelensky").contains(&"zelenskyi".to_string()));
        // Too short to tell a name's ending from a word's.
        assert!(transliterations("tell").is_empty());
    }

    #[test]
    fn british_and_american_forms() {
        for (word, other) in [
            ("centre", "center"),
            ("colour", "color"),
            ("behaviors", "behaviours"),
            ("recognised", "recognized"),
            ("defense", "defence"),
            ("offences", "offenses"),
            ("travelled", "traveled"),
            ("signaling", "signalling"),
            ("catalogue", "catalog"),
            ("analyse", "analyze"),
        ] {
            assert!(other_spellings(word).contains(&other.to_string()), "{word}");
        }
        // Another vowel before the double l: "filling" is no "filing".
        assert!(other_spellings("filling").is_empty());
        assert!(other_spellings("tour").is_empty());
    }

    #[test]
    fn answer_types() {
        let cases = [
            ("who leads Russia's delegation?", AnswerType::Person),
            ("how many drones were used?", AnswerType::Number),
            ("how much did the bridge cost?", AnswerType::Money),
            ("where are the talks held?", AnswerType::Place),
            ("when did the attack happen?", AnswerType::Date),
            ("what time does the second round begin?", AnswerType::Date),
            ("how long was the operation planned?", AnswerType::Duration),
            ("what was the drone operation codenamed?", AnswerType::Name),
            ("what percentage of carriers was lost?", AnswerType::Percent),
            ("in which city were the talks?", AnswerType::Place),
            ("what is the nickname of the A167?", AnswerType::Name),
            ("why did the talks fail?", AnswerType::Description),
            ("who is Rustem Umerov?", AnswerType::Description),
            ("who is Russia's foreign minister?", AnswerType::Person),
            ("what did Zelensky call the outcome?", AnswerType::Name),
            ("which union called the strike?", AnswerType::Person),
            ("drone strike damage", AnswerType::Description),
            // As people type them in chat.
            ("who's Russia's top negotiator?", AnswerType::Person),
            ("where's the second round happening?", AnswerType::Place),
            ("whats the death toll", AnswerType::Number),
            (
                "what's the name of Ukraine's defence minister?",
                AnswerType::Person,
            ),
            ("death toll in the Bryansk crash?", AnswerType::Number),
            ("what's the speed of the Tu-160?", AnswerType::Number),
            ("name of the Russian negotiator?", AnswerType::Person),
            ("the Russian negotiator's name", AnswerType::Person),
            ("name of the operation?", AnswerType::Name),
            ("codename of the drone op?", AnswerType::Name),
            ("name of the SBU chief?", AnswerType::Person),
            ("whose drones were they?", AnswerType::Person),
        ];
        for (q, expected) in cases {
            assert_eq!(analysed(q).answer_type, expected, "{q}");
        }
    }

    #[test]
    fn a_weekday_is_no_name_qualifying_the_talks() {
        // Reports date the talks ("on 2 June") as often as they name the day.
        let q = analysed("how long did Monday's talks last?");
        let monday = q.terms.iter().find(|t| t.term == "monday").unwrap();
        assert_eq!(monday.role, Role::Plain);
        assert!(q.terms.iter().all(|t| t.qualifiers.is_empty()));
    }

    #[test]
    fn measures_asked() {
        let cases = [
            (
                "what time does the second round begin?",
                Some(Measure::TimeOfDay),
            ),
            ("how far is Belaya from Ukraine?", Some(Measure::Length)),
            ("how tall is the tower?", Some(Measure::Length)),
            ("how fast can a Tu-160 fly?", Some(Measure::Speed)),
            ("what's the speed of the Tu-160?", Some(Measure::Speed)),
            ("how old is Medinsky?", Some(Measure::Age)),
            ("age limit for the prisoner swap?", Some(Measure::Age)),
            ("what was the age difference between them?", None),
            ("how many drones were used?", None),
            ("how big was the explosion?", None),
            ("when did the attack happen?", None),
        ];
        for (q, expected) in cases {
            assert_eq!(analysed(q).measure, expected, "{q}");
        }
    }

    #[test]
    fn terms_roles_and_qualifiers() {
        let q = analysed("who leads Russia's delegation?");
        let roles: Vec<(&str, Role)> = q.terms.iter().map(|t| (t.term.as_str(), t.role)).collect();
        assert_eq!(
            roles,
            [
                ("lead", Role::Plain),
                ("russia", Role::Proper),
                ("deleg", Role::Plain)
            ]
        );
        assert_eq!(q.terms[2].qualifiers, ["russia", "moscow", "kremlin"]);
        let q = analysed("how many soldiers did Genghis Khan send?");
        assert!(
            q.terms.iter().all(|t| t.qualifiers.is_empty()),
            "a subject qualifies no verb"
        );
        let q = analysed("what did Aristotle refer to forced motion as?");
        assert!(
            q.terms.iter().all(|t| t.qualifiers.is_empty()),
            "a subject qualifies no verb"
        );
        let q = analysed("how far is Belaya from Ukraine?");
        assert!(
            q.terms.iter().all(|t| t.qualifiers.is_empty()),
            "a preposition parts two names"
        );

        let q = analysed("how many Russian warplanes were hit?");
        assert_eq!(q.terms[1].role, Role::Focal);

        let q = analysed("how many tanks were destroyed?");
        assert_eq!(q.terms[0].role, Role::Focal);
        assert_eq!(q.terms[0].term, "tank");

        let roles = |q: &str| -> Vec<Role> { analysed(q).terms.iter().map(|t| t.role).collect() };
        assert_eq!(
            roles("where are the peace talks being held?"),
            [Role::Plain, Role::Plain, Role::Verb]
        );
        assert_eq!(
            roles("who did Rubio speak with?"),
            [Role::Proper, Role::Verb]
        );
        // The last word after a determiner or a figure is the object, not the verb.
        assert_eq!(
            roles("what did Zelensky call the result?"),
            [Role::Proper, Role::Plain, Role::Plain]
        );
        assert_eq!(
            roles("who did Kyiv talk to about the 40 planes?"),
            [Role::Proper, Role::Plain, Role::Number, Role::Plain]
        );
        assert_eq!(
            roles("how many people were on board the train?"),
            [Role::Focal, Role::Plain, Role::Plain]
        );

        let q = analysed("In what year did the war begin?");
        assert_eq!(
            q.terms.iter().find(|t| t.term == "year").unwrap().role,
            Role::TypeWord
        );

        // The focal word counts more only where a typed span must stand beside it.
        let focal_weight = |asked: &str| {
            let q = analysed(asked);
            let focal = q.terms.iter().find(|t| t.role == Role::Focal).unwrap();
            focal.weight(q.answer_type)
                / q.terms
                    .iter()
                    .find(|t| t.role == Role::Plain)
                    .unwrap()
                    .weight(q.answer_type)
        };
        assert!(focal_weight("how many drones hit the airbases?") > 1.0);
        assert_eq!(
            focal_weight("what chemical mediates hypersensitivity?"),
            1.0
        );

        // Framing words are not searched.
        let q = analysed("What entity is an example of a ruling body besides the council?");
        let terms: Vec<&str> = q.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["rule", "bodi", "council"]);

        // "types of" asks for a kind of organism, as "type of" does: the answer names the
        // kind and seldom says "type".
        for asked in [
            "In what type of organisms did it evolve?",
            "In what types of organisms did it evolve?",
        ] {
            let q = analysed(asked);
            assert!(q.terms.iter().all(|t| t.term != "type"), "{asked}");
            assert_eq!(q.terms[0].term, "organism");
            assert_eq!(q.terms[0].role, Role::Focal);
        }
    }

    #[test]
    fn a_month_after_a_preposition_restricts_the_question() {
        assert_eq!(analysed("how many soldiers died in may?").periods, ["may"]);
        assert_eq!(
            analysed("what happened during October 2024?").periods,
            ["octob"]
        );
        assert!(analysed("how many people may die?").periods.is_empty());
        assert!(analysed("who won in 2015?").periods.is_empty());
    }

    #[test]
    fn words_the_reports_write_as_names_are_names() {
        let q = analysed("who's in russia's delegation?");
        let recased = q.recased(|w| w == "russia").unwrap();
        assert_eq!(recased, "who's in Russia's delegation?");
        let q = analysed(&recased);
        assert_eq!(q.terms[0].role, Role::Proper);
        assert_eq!(q.terms[1].qualifiers[0], "russia");
        assert_eq!(
            analysed("is prussia or russia bigger?").recased(|w| w == "russia"),
            Some("is prussia or Russia bigger?".to_string())
        );
        assert_eq!(
            analysed("how many drones were used?").recased(|_| false),
            None
        );
        // The first word is capitalised whatever it is: a name only if the reports say so.
        let q = analysed("Age limit for the prisoner swap?");
        assert_eq!(q.terms[0].role, Role::Proper);
        let recased = q.recased(|_| false).unwrap();
        assert_eq!(recased, "age limit for the prisoner swap?");
        assert_ne!(analysed(&recased).terms[0].role, Role::Proper);
        assert_eq!(
            analysed("Zelensky said what?").recased(|w| w == "Zelensky"),
            None
        );
    }

    #[test]
    fn a_hyphenated_name_or_designation_is_searched_by_its_parts() {
        let terms = |q: &str| -> Vec<(String, Role)> {
            analysed(q)
                .terms
                .into_iter()
                .map(|t| (t.term, t.role))
                .collect()
        };
        assert_eq!(
            terms("what's the speed of the Tu-160?"),
            [
                ("speed".to_string(), Role::TypeWord),
                ("tu".to_string(), Role::Proper),
                ("160".to_string(), Role::Proper)
            ]
        );
        assert_eq!(
            terms("gold produced in 1851-1860?").last(),
            Some(&("1860".to_string(), Role::Number))
        );
        let names: Vec<String> = terms("what did al-Qaeda and the U.S. agree?")
            .into_iter()
            .filter(|(_, role)| *role == Role::Proper)
            .map(|(term, _)| term)
            .collect();
        assert_eq!(names, ["qaeda", "u"]);
        let number = |q: &str| {
            let mut terms = terms(q).into_iter().map(|(term, _)| term);
            terms.rfind(|t| t.contains(|c: char| c.is_ascii_digit()))
        };
        assert_eq!(number("how many tu-22s were hit?").as_deref(), Some("22"));
        assert_eq!(number("how many Tu-160s flew?").as_deref(), Some("160"));
        assert_eq!(
            number("what music of the mid-1990s sold?").as_deref(),
            Some("1990s")
        );
    }

    #[test]
    fn an_abbreviation_is_spelt_out_by_a_whole_name() {
        let q = analysed("what did AP and the US count?");
        let term = |word: &str| q.terms.iter().find(|t| t.word == word).unwrap();
        let spelt = |word: &str, text: &str| term(word).spelt_out_before(text, text.len());
        assert!(spelt("AP", "photos analyzed by The Associated Press"));
        assert!(q.abbreviates("The Associated Press"));
        let tnw = analysed("what did TNW count?");
        assert!(tnw.terms[0].spelt_out_before("by The Northern Wire", 20));
        assert!(spelt("US", "a deal with the United States"));
        assert!(!spelt("US", "officers of Ukraine's Security Service"));
        assert!(!spelt("AP", "the Associated"));
    }

    #[test]
    fn a_request_word_after_a_determiner_is_a_noun() {
        assert_eq!(
            terms("how many children are on the list?"),
            ["child", "list"]
        );
        assert_eq!(terms("list the children returned"), ["child", "return"]);
    }

    #[test]
    fn a_name_qualifies_no_noun_past_a_question_word() {
        let qualifiers = |q: &str, term: &str| {
            analysed(q)
                .terms
                .into_iter()
                .find(|t| t.term == term)
                .map(|t| t.qualifiers)
        };
        assert_eq!(
            qualifiers("how many jets burned at Belaya according to Ford?", "ford"),
            Some(Vec::new())
        );
        assert_eq!(
            qualifiers("who leads Ukraine's own team?", "team"),
            Some(vec![
                "ukrain".to_string(),
                "kyiv".to_string(),
                "kiev".to_string()
            ])
        );
    }

    #[test]
    fn verbs_of_occurrence_are_not_searched() {
        assert_eq!(
            terms("where's the second round happening?"),
            ["second", "round"]
        );
        assert_eq!(terms("when did the battle occur?"), ["battl"]);
        assert_eq!(terms("where did the talks take place?"), ["talk"]);
        assert_eq!(terms("which place did they take?"), ["place", "take"]);
    }

    #[test]
    fn no_figure_stands_for_a_word() {
        let q = analysed("how many soldiers died?");
        let die = q.terms.iter().find(|t| t.term == "die").unwrap();
        assert!(
            die.expansions.iter().all(|e| e.parse::<u64>().is_err()),
            "{die:?}"
        );
    }

    #[test]
    fn the_focal_word_stands_in_the_question_words_phrase() {
        let focal = |q: &str| -> Option<String> {
            analysed(q)
                .terms
                .into_iter()
                .find(|t| t.role == Role::Focal)
                .map(|t| t.word)
        };
        assert_eq!(
            focal("how many of the drones were shot down?").unwrap(),
            "drones"
        );
        assert_eq!(
            focal("how many long range bombers were hit?").unwrap(),
            "bombers"
        );
        assert_eq!(focal("how many people died?").unwrap(), "people");
        assert_eq!(focal("what genre of music is it?").unwrap(), "genre");
        assert_eq!(focal("what percentage of the population was culled?"), None);
        assert_eq!(focal("what player punched the ball in?"), None);
        assert_eq!(focal("what can hurt a teacher's health?"), None);
    }

    #[test]
    fn names_and_counted_things_are_required() {
        let required = |q: &str| -> Vec<String> {
            let q = analysed(q);
            q.terms
                .iter()
                .filter(|t| q.requires(t))
                .map(|t| t.word.clone())
                .collect()
        };
        assert_eq!(required("how many submarines were hit?"), ["submarines"]);
        assert_eq!(required("who leads Russia's delegation?"), ["Russia"]);
        assert!(required("what clothing company sponsored the game?").is_empty());
        // An abbreviation of a common noun is no name a text must say ("a television ad").
        assert!(required("what did a TV ad cost?").is_empty());
        assert_eq!(required("what did an NFL ad cost?"), ["NFL"]);
        assert_eq!(
            required("Whic Carolina Panthers running back was waived?"),
            ["Carolina", "Panthers"]
        );
    }

    #[test]
    fn chat_words_are_common_nouns_searched_as_reports_say_them() {
        let q = analysed("how many UAVs hit the airbases?");
        let uavs = &q.terms[0];
        assert_eq!((uavs.word.as_str(), uavs.role), ("UAVs", Role::Focal));
        assert!(uavs.expansions.contains(&"drone".to_string()));
        let q = analysed("how many TVs were sold?");
        let tvs = &q.terms[0];
        assert!(tvs.expansions.contains(&"televis".to_string()), "{tvs:?}");
        let q = analysed("who leads the Kremlin's team?");
        let team = q.terms.iter().find(|t| t.word == "team").unwrap();
        assert!(team.qualifiers.contains(&"russia".to_string()));
        assert!(team.expansions.contains(&"deleg".to_string()));
        // Reports say who won by whom they beat.
        let q = analysed("which side won the battle?");
        let won = q.terms.iter().find(|t| t.word == "won").unwrap();
        assert!(won.expansions.contains(&"defeat".to_string()));
        // A noun is said by its verb: "the invasion" by "invaded".
        let q = analysed("when did the invasion begin?");
        let invasion = q.terms.iter().find(|t| t.word == "invasion").unwrap();
        assert!(
            invasion.synonyms.contains(&"invad".to_string()),
            "{invasion:?}"
        );
        // The world wars are searched as reports write them.
        for typed in ["after WWII?", "after ww2?", "after WW-II?", "after WW II?"] {
            let q = analysed(typed);
            let words: Vec<&str> = q.terms.iter().map(|t| t.word.as_str()).collect();
            assert_eq!(words, ["World", "War", "II"], "{typed}");
        }
        assert_eq!(analysed("allies in WW1?").terms.last().unwrap().word, "War");
    }

    #[test]
    fn a_request_around_the_question_is_no_part_of_it() {
        let plain = |q: &Question| {
            let words: Vec<&str> = q.terms.iter().map(|t| t.word.as_str()).collect();
            (q.answer_type, words.join(" "))
        };
        let asked = plain(&analysed("how many drones were used?"));
        for typed in [
            "can you tell me how many drones were used?",
            "Hey, could u pls tell me how many drones were used",
            "do you know how many drones were used?",
            "ok so i want to know how many drones were used, thanks!",
            "how many drones were used pls",
        ] {
            assert_eq!(plain(&analysed(typed)), asked, "{typed}");
        }
        assert_eq!(
            plain(&analysed("tell me the death toll in the Bryansk crash")),
            plain(&analysed("the death toll in the Bryansk crash?"))
        );
        // A question that is only the request keeps its words; "can" asked of others stays.
        assert_eq!(without_request("can you tell me?"), "can you tell me?");
        assert_eq!(
            without_request("can Russia tell us why?"),
            "can Russia tell us why?"
        );
    }

    #[test]
    fn refuses_empty_long_and_empty_of_content() {
        assert_eq!(Question::analyse("  ").unwrap_err(), QuestionError::Empty);
        assert!(matches!(
            Question::analyse(&"why ".repeat(2500)).unwrap_err(),
            QuestionError::TooLong(_)
        ));
        assert_eq!(
            Question::analyse("who is it?").unwrap_err(),
            QuestionError::NoContent
        );
        let many: String = (0..70).map(|n| format!("w{n} ")).collect();
        assert_eq!(
            Question::analyse(&many).unwrap_err(),
            QuestionError::TooManyTerms(70)
        );
    }

    #[test]
    fn abbreviations_of_the_questions_names() {
        let q = analysed("Who was the Most Valuable Player of Super Bowl 50?");
        assert!(q.abbreviates("MVP") && q.abbreviates("MVPs"));
        assert!(!q.abbreviates("Von Miller") && !q.abbreviates("PM"));
        let q = analysed("Who did the Panthers beat in the NFC Championship?");
        assert!(q.abbreviates("National Football Conference"));
        assert!(
            !q.abbreviates("Arizona Cardinals") && !q.abbreviates("American Football Conference")
        );
        assert!(analysed("who heads the Security Service of Ukraine?").abbreviates("SSU"));
    }

    #[test]
    fn query_syntax_is_just_text() {
        let q = analysed(r#"who "leads" (Russia's) delegation: AND * OR title:x"#);
        assert!(q.has_term("lead") && q.has_term("deleg"));
    }

    #[test]
    fn asks_to_spell_out_an_abbreviation() {
        let spelt = |q: &str| analysed(q).spells_out;
        assert_eq!(
            spelt("What did the LMP acronym stand for?").as_deref(),
            Some("LMP")
        );
        assert_eq!(spelt("what is QED short for?").as_deref(), Some("QED"));
        // Typed in chat and recased: a short name.
        assert_eq!(spelt("what does Uvga stand for").as_deref(), Some("Uvga"));
        assert_eq!(
            analysed("what is QED short for?").answer_type,
            AnswerType::Name
        );
        // Values, not an abbreviation.
        assert_eq!(spelt("what does the party stand for?"), None);
        assert_eq!(spelt("what does Labour stand for"), None);
    }

    #[test]
    fn a_question_for_the_verbs_object_knows_its_subject() {
        let subject = |q: &str| analysed(q).object_subject;
        assert_eq!(subject("who did Erik Dahl call?"), Some(2..4));
        assert_eq!(subject("whom will the court hear?"), Some(2..4));
        assert_eq!(subject("who called Erik Dahl?"), None);
        assert_eq!(subject("who could be the subjects of an inquiry?"), None);
        assert_eq!(subject("who did the most damage?"), None);
    }

    #[test]
    fn emphasis_and_plans_are_no_terms() {
        let words =
            |q: &str| -> Vec<String> { analysed(q).terms.into_iter().map(|t| t.word).collect() };
        assert_eq!(
            words("roughly how many boats came back?"),
            ["boats", "came", "back"]
        );
        assert_eq!(
            words("what time was the ferry actually supposed to dock?"),
            ["time", "ferry", "dock"]
        );
        // A verb of its own: what someone meant.
        assert_eq!(words("what meant the most to her?"), ["meant"]);
    }

    #[test]
    fn asks_who_said_something() {
        assert!(analysed("who said the port would close?").asks_speaker);
        assert!(analysed("who has confirmed the toll?").asks_speaker);
        assert!(!analysed("who reported on the sideline for the network?").asks_speaker);
        assert!(!analysed("who leads the union?").asks_speaker);
    }

    #[test]
    fn asks_where_not_which_place() {
        assert!(analysed("where's the second round happening?").asks_where);
        assert!(!analysed("which country refused to sign?").asks_where);
        assert!(analysed("what region is the air base in?").asks_where);
        assert_eq!(
            analysed("where in Istanbul were the talks held?")
                .within
                .as_deref(),
            Some("istanbul")
        );
        assert_eq!(
            analysed("where were the talks held in Istanbul?").within,
            None
        );
    }

    #[test]
    fn a_where_question_may_ask_for_one_end_of_a_journey() {
        let heading = |q: &str| analysed(q).heading;
        assert_eq!(
            heading("where did the ferry leave from?"),
            Some(Heading::From)
        );
        assert_eq!(
            heading("where was the night ferry going?"),
            Some(Heading::To)
        );
        assert_eq!(heading("where did the ferry sink?"), None);
        assert_eq!(heading("who did the ferry sail to?"), None);
    }

    #[test]
    fn a_question_for_a_names_job_asks_what_the_name_is() {
        let q = analysed("what is Lena Vik's job?");
        assert!(q.defines && q.answer_type == AnswerType::Description);
        assert!(q.terms.iter().all(|t| t.word != "job"), "{q:?}");
        assert!(!analysed("what is the harbour's role?").defines);
    }

    #[test]
    fn calling_something_a_name_is_said_as_labelling_it() {
        let expansions = |q: &str| {
            let q = analysed(q);
            let call = q.terms.iter().find(|t| t.word.starts_with("call"));
            call.expect("a term for calling").expansions.clone()
        };
        assert!(expansions("what did the mayor call the delay?").contains(&"label".to_string()));
        assert!(!expansions("who did the mayor call?").contains(&"label".to_string()));
    }
}
