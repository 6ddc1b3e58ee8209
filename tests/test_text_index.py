"""The joined block texts shared by the features and the rules."""

import re

import numpy as np
from pageparts.document import Block, Document
from pageparts.scoring.features import document_features
from pageparts.scoring.rules import facts
from pageparts.scoring.text_index import SEP, TextIndex, text_index


def test_matches_map_back_to_their_blocks():
    index = TextIndex.of(["Sign in", "", "read more, read MORE"])
    assert index.joined == SEP.join(["Sign in", "", "read more, read MORE"])
    assert index.lowered == index.joined.lower()
    assert index.lengths.tolist() == [7, 0, 20]
    assert index.starts.tolist() == [0, 10, 13]
    assert index.match_owners(re.compile(r"\bread\b")).tolist() == [2, 2]
    assert index.owners(np.array([0, 6, 7, 10, 13, 32])).tolist() == [0, 0, 0, 1, 2, 2]


def test_no_pattern_matches_across_blocks():
    index = TextIndex.of(["ends with a dot.", "Next"])
    assert re.search(r"\.\s+[A-Z]", index.joined) is None  # the NUL stops whitespace runs


def test_lowered_is_none_when_lower_casing_moves_offsets():
    assert TextIndex.of(["İstanbul", "b"]).lowered is None  # "İ".lower() is two characters


def test_one_index_per_document_shared_by_features_and_rules():
    document = Document("t", "text", [Block(i, t, {}) for i, t in enumerate(["Hello there.", "Bye."])])
    index = text_index(document)
    document_features(document)
    assert facts(document)._index is index
    assert text_index(document) is index
