"""Block features: shapes, kinds, a few values that must hold, and the per-document cache."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
from pageparts.document import Block, Document
from pageparts.scoring.features import (
    FEATURE_VERSION,
    compute,
    document_features,
    feature_names,
    model_kind,
    window,
)
from pageparts.scoring.speedups import PURE, hot_path
from pageparts.scoring.text_index import TextIndex
from pageparts.splitters.html import split_html

PAGE = b"""<!doctype html><html><head><title>Otters learn to juggle pebbles</title></head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/give">Donate</a></li></ul></nav>
<main><article><h1>Otters learn to juggle pebbles</h1>
<p>Young otters in the river were seen juggling small pebbles for hours. Scientists think
the game trains their paws. It costs them $0 and nothing else, they said on May 3, 2024.</p>
<p>The keepers said the habit spreads from mother to pup, and that older otters stop.</p>
</article></main>
<footer><p>Copyright 2024 River News. All rights reserved.</p></footer></body></html>"""


def html_document() -> Document:
    blocks, meta = split_html(PAGE)
    return Document("page.html", "html", blocks, meta)


def text_document(texts: list[str]) -> Document:
    return Document("page.txt", "text", [Block(i, t, {"lines": 1}) for i, t in enumerate(texts)])


def column(features, name: str) -> np.ndarray:
    return features.dense[:, features.names.index(name)]


def test_feature_names_and_order_are_those_the_shipped_models_read():
    # the models read columns by position: a change here needs FEATURE_VERSION bumped and the
    # models retrained
    assert FEATURE_VERSION == 5
    for kind, count, digest in (
        ("html", 389, "5396b5bdc2fda0b22e118f4da2a88d3ee59d90d5961a82e70c940bbdbfe6808f"),
        ("text", 142, "ef2489c7ff35621bedf2f8ab74be4c021643c59fe1205806e54f8085567fa0bc"),
    ):
        names = feature_names(kind)
        assert len(names) == len(set(names)) == count
        assert hashlib.sha256("\n".join(names).encode()).hexdigest() == digest


def test_html_and_text_kinds_have_their_own_feature_sets():
    html = html_document()
    assert model_kind(html) == "html"
    plain = text_document([b.text for b in html.blocks])
    assert model_kind(plain) == "text"
    f_html, f_text = compute(html, "html"), compute(plain, "text")
    assert f_html.dense.shape == (len(html.blocks), len(feature_names("html")))
    assert f_text.dense.shape == (len(html.blocks), len(feature_names("text")))
    assert "link_density" in f_html.names and "link_density" not in f_text.names
    assert f_html.ngrams.shape[0] == len(html.blocks)
    assert np.isfinite(f_html.dense).all() and np.isfinite(f_text.dense).all()


def test_text_features_of_a_plain_text_document_need_no_html():
    document = text_document(["Home", "A long sentence that ends here. And another one ends too.", "© 2024"])
    with pytest.raises(ValueError):
        document_features(document, "html")
    f = document_features(document)
    assert f.kind == "text"
    assert column(f, "ends_terminal").tolist() == [0, 1, 0]
    assert column(f, "copyright").tolist() == [0, 0, 1]
    assert column(f, "log_sentence_ends")[1] == pytest.approx(np.log1p(2))


def test_values_follow_the_page():
    document = html_document()
    f = document_features(document)
    texts = [b.text for b in document.blocks]
    home, heading = texts.index("Home"), texts.index("Otters learn to juggle pebbles")
    paragraph = next(i for i, t in enumerate(texts) if t.startswith("Young otters"))
    assert column(f, "link_density")[home] == 1.0
    assert column(f, "landmark=nav")[home] == 1.0
    assert column(f, "stem=menu")[home] == 1.0
    assert column(f, "h1")[heading] == 1.0
    assert column(f, "in_title")[heading] > 0.99
    assert column(f, "in_title")[paragraph] < 0.5
    assert column(f, "money")[paragraph] == 1.0 and column(f, "date")[paragraph] == 1.0
    assert column(f, "appeal")[texts.index("Donate")] == 1.0
    assert column(f, "position")[0] == 0.0 and column(f, "position")[-1] == 1.0


def test_features_are_cached_per_document_and_recomputed_for_another():
    document = html_document()
    first = document_features(document)
    assert document_features(document) is first
    other = html_document()
    assert document_features(other) is not first
    document.blocks.append(Block(len(document.blocks), "A new block."))
    assert document_features(document) is not first


def test_window_reads_neighbours_and_pads_with_zero():
    values = np.arange(1, 6, dtype=np.float32).reshape(-1, 1)
    out = window(values)
    # columns: offsets -3 -2 -1 +1 +2 +3, then means over +-5 and +-15
    assert out[0, :3].tolist() == [0, 0, 0]
    assert out[0, 3:6].tolist() == [2, 3, 4]
    assert out[4, 2] == 4 and out[4, 3] == 0
    assert out[2, 6] == pytest.approx(3.0)


def test_empty_and_tiny_documents():
    assert compute(text_document([]), "text").dense.shape == (0, len(feature_names("text")))
    assert compute(text_document(["Only one."]), "text").dense.shape[0] == 1
    assert compute(text_document(["x"]), "text").dense.shape[0] == 1  # one character


def test_hashed_ngrams_equal_scikit_learn_hashing_vectorizer():
    from pageparts.scoring.features import N_HASH, hashed_ngrams, murmurhash3_32, murmurhash3_32_many
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.utils import murmurhash3_32 as reference

    texts = ["", "Otters juggle, otters JUGGLE pebbles!", "Straße ÄÖÜ 12 12", "x", "   ", "漢字 テスト ok"]
    expected = HashingVectorizer(
        n_features=N_HASH,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b\w+\b",
        alternate_sign=False,
        binary=True,
        norm="l2",
        dtype=np.float32,
    ).transform(texts)
    expected.sort_indices()
    found = hashed_ngrams(texts).csr()
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.data, expected.data) and found.dtype == np.float32
    words = ["", "a", "ab", "abc", "abcd", "abcde", "straße", "漢字テスト", "otters juggle", "long" * 80]
    expected_hashes = [reference(word, seed=0) for word in words]
    assert [murmurhash3_32(word.encode()) for word in words] == expected_hashes
    assert murmurhash3_32_many([word.encode() for word in words]).tolist() == expected_hashes


def test_hashed_columns_survive_the_cache_filling_up(monkeypatch):
    """When the remembered columns are cleared for new grams, the grams remembered before are
    hashed again, not lost (a long run once failed with a KeyError here)."""
    from pageparts.scoring import features

    texts = ["otters juggle pebbles", "keepers feed the otters", "pebbles sink in the river"]
    expected = features.hashed_ngrams(texts).csr()
    monkeypatch.setattr(features, "_COLUMNS", {})
    monkeypatch.setattr(features, "COLUMNS_MAX", 6)
    features.hashed_ngrams(texts[:1])  # remembers its 5 grams; the rest no longer fit
    found = features.hashed_ngrams(texts).csr()
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.indptr, expected.indptr)


def test_the_plain_alternatives_find_what_the_named_groups_find():
    from pageparts.scoring import features

    text = (
        "© 2024 the trust, (c) 1999. mail ann@example.org or www.example.org, https://x.example "
        "2020@x.y 12019 x2020 1999-01-02 3/4/25 «quoted» $ 5 €12 10 dollars. may 3, 5 minutes ago. "
        "by ann lee. sign in, log out, donate, donations, related, read more, reuters photo, "
        "copyright, all rights reserved, most read, you might also like this."
    )
    for named, search in (
        (features._WORD_PATTERN, features._WORD_SEARCH),
        (features._SYMBOL_PATTERN, features._SYMBOL_SEARCH),
    ):
        expected = [(m.span(), m.lastgroup) for m in named.finditer(text)]
        found = [(m.span(), named.match(text, m.start()).lastgroup) for m in search.finditer(text)]
        assert found == expected
        assert len({group for _, group in expected}) >= 6  # the text exercises most groups


@pytest.mark.parametrize("after", [True, False])
def test_shared_with_neighbours_adds_the_rows_within_reach_in_order(after):
    from pageparts.scoring.features import hashed_ngrams, shared_with_neighbours

    texts = ["red boat", "red car", "", "blue boat red", "a red boat", "car", "red", "boat red car"] * 3
    ngrams = hashed_ngrams(texts)
    entries = set(zip(ngrams.rows.tolist(), ngrams.columns.tolist(), strict=True))
    for reach in (1, 2, 10):
        around = []
        for row, column in sorted(entries):
            total = 0.0  # float64, nearest row first after, farthest first before
            for step in range(1, reach + 1) if after else range(reach, 0, -1):
                other = row + step if after else row - step
                if (other, column) in entries:
                    total += float(ngrams.weights[other])
            around.append(total)
        expected = np.bincount(
            ngrams.rows, weights=ngrams.data.astype(np.float64) * np.array(around), minlength=len(texts)
        )
        got = shared_with_neighbours(ngrams, reach)[0 if after else 1]
        assert np.array_equal(got, expected)
        assert got.max() > 0


@pytest.mark.parametrize("odd", ["", " İstanbul"])  # İ lower-cases to two characters
def test_features_and_model_scores_worked_out_in_chunks_equal_those_of_the_whole(monkeypatch, odd):
    from pageparts.scoring import features, models

    paragraphs = "".join(
        f"<p>Paragraph {i} by the Øresund: the FERRY left at 9:{i:02d}, said Élodie{odd}. Boats wait.</p>"
        for i in range(40)
    )
    blocks, meta = split_html(PAGE.replace(b"</article>", paragraphs.encode() + b"</article>"))
    whole = compute(Document("page.html", "html", blocks, meta), "html")
    body = models.ModelStore.shipped().model("body", "html")
    scores = models.predict(body, whole)
    monkeypatch.setattr(features, "CHUNK", 200)  # a few blocks per chunk
    monkeypatch.setattr(models, "PREDICT_ROWS", 7)
    chunked = compute(Document("page.html", "html", blocks, meta), "html")
    assert len(features.spans(np.array([len(b.text) for b in blocks]) + 3, 200)) > 10
    assert np.array_equal(chunked.dense, whole.dense)
    for name in ("keys", "rows", "columns", "weights", "indptr"):
        assert np.array_equal(getattr(chunked.hashed, name), getattr(whole.hashed, name))
    assert np.array_equal(models.predict(body, chunked), scores)


@pytest.mark.parametrize(
    "texts", [["Hi, Bob. Go!", "", "ABC; x|y 42"], ["Óscar said “no.” Fine", "a, b", ""], ["x"], [""]]
)
def test_character_counts_are_each_blocks_own(texts):
    from pageparts.scoring.features import _char_counts
    from pageparts.scoring.text_index import TextIndex

    counts = _char_counts(TextIndex.of(texts), len(texts))
    for name, got in counts.items():  # the whole document's counts are those of each block alone
        alone = [_char_counts(TextIndex.of([text]), 1)[name][0] for text in texts]
        assert got.dtype == np.float64 and got.tolist() == alone, name
    assert counts["digits"].tolist() == [sum(c.isdigit() for c in text) for text in texts]
    assert counts["upper"].tolist() == [sum(c.isupper() for c in text) for text in texts]


def test_character_counts_of_a_few_blocks():
    from pageparts.scoring.features import _char_counts
    from pageparts.scoring.text_index import TextIndex

    counts = _char_counts(TextIndex.of(["Hi, Bob. Go!", "", "ABC; x|y 42", "Yes."]), 4)
    assert counts["words"].tolist() == [3, 0, 4, 1]
    assert counts["commas"].tolist() == [1, 0, 1, 0]  # commas and semicolons
    assert counts["sentence_ends"].tolist() == [2, 0, 0, 1]
    assert counts["separators"].tolist() == [0, 0, 1, 0]


def test_japanese_and_chinese_count_a_word_per_character_and_end_sentences_without_spaces():
    from pageparts.scoring.features import _char_counts
    from pageparts.scoring.text_index import TextIndex

    texts = ["今日は晴れです。明日も晴れるでしょう！", "我们明天见。", "「本当？」と聞いた", "ニュース 一覧"]
    counts = _char_counts(TextIndex.of(texts), len(texts))
    assert counts["words"].tolist() == [17, 5, 6, 6]  # punctuation and spaces are not words
    assert counts["sentence_ends"].tolist() == [2, 1, 1, 0]  # full-width stops need no space after
    assert counts["punct"].tolist() == [2, 1, 3, 0]


def test_spans_cover_the_items_in_order_about_the_limit_each():
    from pageparts.scoring.features import spans

    assert spans(np.array([3, 3, 3, 9, 1, 1]), 6) == [(0, 2), (2, 3), (3, 4), (4, 6)]
    assert spans(np.array([], dtype=np.int64), 6) == []


def test_an_appeal_reads_as_one_in_its_words_and_its_voice():
    f = compute(
        text_document(
            [
                "Please consider a contribution today: readers like you keep our reporting free for all.",
                "The river rose two feet overnight and the bridge was closed to traffic.",
                "Unlimited access for $4 /month. Abonnez-vous.",
            ]
        ),
        "text",
    )
    assert column(f, "appeal").tolist() == [1, 0, 2]
    assert column(f, "ask")[0] > 0 and column(f, "ask")[1] == 0
    assert column(f, "you_share")[0] > 0 and column(f, "we_share")[0] > 0
    assert column(f, "you_share")[1] == column(f, "we_share")[1] == 0
    assert column(f, "price_period").tolist() == [0, 0, 1]


def test_blocks_after_a_late_comments_heading_are_marked_and_a_menu_link_does_not_count():
    article = "The council met on Thursday and agreed a plan for the river wall after a long debate."
    texts = ["Comments", article, article, article, "12 Comments", "I think the wall is too low.", "Agreed."]
    f = compute(text_document(texts), "text")
    assert column(f, "after_comments").tolist() == [0, 0, 0, 0, 0, 1, 1]


def test_a_heading_naming_the_article_marks_a_thread_longer_than_the_article():
    article = "The council met on Thursday. It agreed a plan for the river wall after a long debate."
    comment = "I walked along the river this morning and the old wall is already cracked in places."
    heading = "3 Comments on “The council agrees a plan for the new river wall after a long debate”"
    texts = ["12 comments"] + [article] * 9 + [heading] + [comment] * 40  # the heading at 18% of the text
    after = column(compute(text_document(texts), "text"), "after_comments").tolist()
    assert after == [0] * 11 + [1] * 40  # the "12 comments" link above the article does not count


def test_commenters_name_and_time_lines_are_marked():
    texts = [
        "Jane Doe December 18, 2025, 9:46 pm",
        "Sam says:",
        "deleted user · 3 yr. ago",
        "Reply",
        "The meeting starts at 9:46 and ends at noon, the council said on Thursday evening.",
        "The storm arrived 3 days ago and the river has been rising since then, slowly at first but "
        "then faster.",
    ]
    assert column(compute(text_document(texts), "text"), "comment_meta").tolist() == [1, 1, 1, 1, 0, 0]


COMMENTED = b"""<!doctype html><html><body><article><h1>Wall approved</h1>
<p>The council met on Thursday. It agreed a plan for the river wall after a long debate.</p>
<p>Work starts in the fall. The town will pay a third of the cost from its reserves.</p></article>
<ol class="comment-list"><li class="comment"><p>Too low, I say. It will not hold.</p></li></ol>
</body></html>"""


def test_the_prose_before_a_comment_thread_is_counted_outside_the_thread_only():
    blocks, meta = split_html(COMMENTED)
    document = Document("page.html", "html", blocks, meta)
    before = column(compute(document, "html"), "log_prose_outside_comments_before")
    texts = [b.text for b in document.blocks]
    comment = texts.index("Too low, I say. It will not hold.")
    assert before[comment] == pytest.approx(np.log1p(34), abs=0.01)  # the two paragraphs of 17 words
    assert before[0] == 0


def test_a_title_is_found_in_the_article_and_a_menu_item_is_not():
    texts = [
        "Sports Weather Puzzles",
        "Council approves new river wall",
        "The council approved the new river wall on Thursday. Work on the wall starts in the fall.",
        "The river wall will cost two million. The council will pay a third of the cost.",
    ]
    found = column(compute(text_document(texts), "text"), "found_in_prose")
    assert found[0] == 0
    assert found[1] > 0.5
    assert 0 < found[2] < 1  # a prose block counts the other prose block only, not itself


def test_a_paragraph_has_the_same_features_however_its_lines_are_wrapped():
    # training sees each block on one line; plain text as people have it wraps paragraphs
    one_line = "The council met on Thursday. It agreed a plan for the river wall after a long debate."
    texts = ["Menu", one_line, "Donate"]
    wrapped = ["Menu", one_line.replace(" It agreed", "\nIt agreed"), "Donate"]
    features = [compute(text_document(t), "text").dense for t in (texts, wrapped)]
    assert np.array_equal(*features)


def test_one_hot_rows_hold_their_columns():
    from pageparts.scoring.features import _one_hot

    matrix = _one_hot([(2,), (), frozenset({0, 3}), (1, 1)], 4)
    assert matrix.dtype == np.float32
    assert matrix.tolist() == [[0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1], [0, 1, 0, 0]]
    assert _one_hot([], 4).shape == (0, 4)


def test_comment_meta_runs_its_pattern_only_where_its_cue_is_and_finds_the_same():
    from pageparts.scoring.features import _COMMENT_META, _comment_meta

    rng = random.Random(11)
    pieces = ["jane", " ", "says", "wrote", ":", "reply", "report", "permalink", "\n", "3", "١٢", "٣"]
    pieces += ["12:30", " pm", "a.m.", " ago", " yrs", "5 min", "utc", "re", "ply", "perma", "link", "."]
    texts = ["reply", "reply\n", "report", "jane says:", "٣ hours ago", "10:45 am", ""]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(4000)]
    words = np.array([rng.choice([1, 15, 16, 40]) for _ in texts], dtype=np.float64)
    expected = [
        float(w <= 15 and _COMMENT_META.search(t) is not None) for t, w in zip(texts, words, strict=True)
    ]
    assert _comment_meta(texts, words).tolist() == expected
    assert sum(expected) > 50
    # the cues found in one pass over the joined lower-cased texts, on both paths
    for path in (PURE, hot_path()):
        index = TextIndex.of(texts, path.matcher())
        assert index.lowered is not None
        assert _comment_meta(texts, words, index).tolist() == expected


def test_the_comments_heading_is_found_alike_through_its_cue():
    from pageparts.scoring.features import _COMMENTS_HEADING, _COUNTED_THREAD_HEADING, _after_comments_heading

    rng = random.Random(13)
    pieces = ["comments", "comment", "responses", "replies", "reactions", "reader comments", "discussion"]
    pieces += ["leave a reply", "join the conversation", "kommentare", "commentaires", "comentários"]
    pieces += [
        "komentáře",
        "コメント",
        "评论",
        "thoughts",
        " on ",
        " to ",
        "59",
        "٣",
        " ",
        "—",
        "“",
        "x",
        "\n",
    ]
    found = 0
    for _ in range(400):
        texts = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(1, 30))
        ]
        n = len(texts)
        words = np.array([rng.choice([1, 10, 11, 25, 26]) for _ in texts], dtype=np.float64)
        lengths = np.array([rng.randint(0, 200) for _ in texts], dtype=np.int64)
        prose = np.array([rng.choice([0.0, 0.0, 40.0, 100.0]) for _ in texts])
        expected = _after_comments_heading(texts, words, lengths, prose)
        found += bool(expected.any())
        for path in (PURE, hot_path()):
            index = TextIndex.of(texts, path.matcher())
            assert index.lowered is not None
            assert _after_comments_heading(texts, words, lengths, prose, index).tolist() == expected.tolist()
        assert n == len(expected)
    assert found > 100
    assert _COMMENTS_HEADING.match("komentáře") and _COUNTED_THREAD_HEADING.match("3 thoughts on x")
