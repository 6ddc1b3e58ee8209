import numpy as np
import pytest
from pageparts.document import LABELS, MODEL, Block, Document, Vote
from pageparts.scoring import combine as combining
from pageparts.scoring.combine import CombineOptions
from pageparts.scoring.features import model_kind
from pageparts.scoring.models import ModelStore

SHIPPED = ModelStore.shipped()


def combine(document: Document, votes: list[Vote], options: CombineOptions) -> None:
    """``combine`` with the shipped learned combiner for the document's kind, as the runner calls it."""
    combining.combine(document, votes, options, SHIPPED.combiner(model_kind(document)))


def doc(n: int) -> Document:
    return Document("t", "text", [Block(i, f"block {i}") for i in range(n)])


def test_the_weighted_mean_of_each_label_decides():
    d = doc(1)
    votes = [Vote("a", 0, "body", 0.9), Vote("b", 0, "body", 0.5), Vote("c", 0, "navigation", 0.6)]
    combine(d, votes, CombineOptions(threshold=0.5))
    assert d.blocks[0].label == "body"
    assert d.blocks[0].confidence == pytest.approx(0.7)


def test_plugin_weights_change_the_winner():
    d = doc(1)
    votes = [Vote("a", 0, "body", 0.9), Vote("b", 0, "body", 0.5), Vote("c", 0, "navigation", 0.6)]
    combine(d, votes, CombineOptions(weights={"b": 4.0}, threshold=0.5))  # body: (0.9 + 4 * 0.5) / 5
    assert d.blocks[0].label == "navigation"
    assert d.blocks[0].confidence == pytest.approx(0.6)


def test_below_the_threshold_a_block_is_other_and_unvoted_blocks_too():
    d = doc(2)
    combine(d, [Vote("a", 0, "body", 0.4)], CombineOptions(threshold=0.5))
    assert (d.blocks[0].label, d.blocks[0].confidence) == ("other", pytest.approx(0.6))
    assert (d.blocks[1].label, d.blocks[1].confidence) == ("other", pytest.approx(1.0))


def test_a_zero_weight_plugin_is_ignored():
    d = doc(1)
    combine(d, [Vote("a", 0, "body", 0.9), Vote("b", 0, "navigation", 1.0)], CombineOptions(weights={"b": 0}))
    assert d.blocks[0].label == "body"


def test_context_lets_neighbours_pull_an_isolated_block_into_a_run():
    votes = [Vote("m", i, "body", s) for i, s in enumerate([0.9, 0.9, 0.45, 0.9, 0.9])]
    alone, with_context = doc(5), doc(5)
    combine(alone, votes, CombineOptions(context=0.0))
    combine(with_context, votes, CombineOptions(context=0.3))
    assert alone.blocks[2].label == "other"
    assert with_context.blocks[2].label == "body"
    assert with_context.blocks[2].confidence == pytest.approx(0.7 * 0.45 + 0.3 * 0.9)


def test_every_vote_is_kept_on_its_block_in_a_stable_order():
    d = doc(2)
    votes = [
        Vote("z", 1, "body", 0.8, "z says"),
        Vote("a", 1, "body", 0.7, "a says"),
        Vote("a", 0, "body", 0.1),
    ]
    combine(d, votes, CombineOptions())
    assert [v.plugin for v in d.blocks[1].votes] == ["a", "z"]
    assert [v.reason for v in d.blocks[1].votes] == ["a says", "z says"]
    assert len(d.blocks[0].votes) == 1


def test_an_empty_document_is_fine():
    d = doc(0)
    combine(d, [], CombineOptions())
    assert d.blocks == []


def test_the_learned_combiner_lets_a_strong_rule_beat_a_model_vote_that_leans_the_other_way():
    # a block whose model leans body but whose rule sees a teaser list: the mean would say body.
    # The shipped HTML combiner (where a rule's vote tips the balance moves with each build's fit;
    # the plain-text one of 2026-12-06 trusts the models more, and no teaser rule of 0.8-0.95
    # outweighs a body model between 0.3 and 0.8 there)
    d = doc(3)
    votes = []
    for i in range(3):
        votes += [
            Vote("body", i, "body", 0.6, "html model: 0.6", MODEL),
            Vote("related-links", i, "related-links", 0.3, "html model: 0.3", MODEL),
            Vote("related-links", i, "related-links", 0.9, "teaser in a list of 3"),
        ]
    html = SHIPPED.combiner("html")
    combining.combine(d, votes, CombineOptions(learned=False), html)
    assert d.blocks[1].label == "body"
    combining.combine(d, votes, CombineOptions(learned=True), html)
    assert d.blocks[1].label == "related-links"
    assert len(d.blocks[1].votes) == 3  # every vote is still shown with its reason


def test_the_body_fit_sets_the_body_probability_and_the_rest_share_what_is_left():
    from pageparts.scoring.combine import predict_learned

    rng = np.random.default_rng(0)
    matrix = rng.random((5, 2 * len(LABELS)))
    six = {"coef": rng.normal(size=(len(LABELS), 2 * len(LABELS))), "intercept": np.zeros(6), "reaches": ()}
    body = {"coef": np.zeros(2 * len(LABELS)), "intercept": np.log(3.0), "reaches": ()}  # P(body) = 0.75
    alone = predict_learned(six, matrix)
    both = predict_learned({**six, "body": body}, matrix)
    b = LABELS.index("body")
    assert both[:, b] == pytest.approx(0.75)
    assert both.sum(axis=1) == pytest.approx(1.0)
    others = [i for i in range(len(LABELS)) if i != b]
    ratio = both[:, others] / alone[:, others]  # the other labels keep their proportions
    assert ratio == pytest.approx(np.repeat(0.25 / (1 - alone[:, [b]]), len(others), axis=1))


def test_the_body_fit_learns_from_pages_that_are_not_sure():
    from pageparts.scoring.combine import predict_learned, read_fit
    from pageparts.training.combiner import Page, fit_kind

    rng = np.random.default_rng(1)
    b, nav = LABELS.index("body"), LABELS.index("navigation")

    def page(site: int, sure: bool) -> Page:
        labels = rng.choice(["body", "navigation"], size=30)
        matrix = rng.random((30, 2 * len(LABELS))) * 0.2
        matrix[labels == "navigation", nav] += 0.6
        if not sure:  # only the weakly labelled pages show the body model's score going with body
            matrix[labels == "body", b] += 0.7
        return Page(matrix, list(labels), np.full(30, 5.0), f"s{site}", sure)

    pages = [page(i, True) for i in range(4)] + [page(i, False) for i in range(4, 12)]
    pages.append(Page(np.zeros((0, 2 * len(LABELS))), [], np.zeros(0), "s12", False))  # no blocks
    fitted = fit_kind(pages, folds=3)
    assert fitted is not None and "body" in fitted
    assert fitted["body"]["coef"][b] > 0  # learned from the weak pages
    probe = np.zeros((2, 2 * len(LABELS)))
    probe[0, b] = 0.8
    probe[1, nav] = 0.7
    probabilities = predict_learned(read_fit(fitted), probe)
    assert probabilities[0, b] > 0.5 > probabilities[1, b]
    width = 2 * len(LABELS) * (1 + len(fitted["reaches"]) + fitted["log_odds"])
    assert np.shape(fitted["coef"]) == (len(LABELS), width)  # what predict_learned will read


def test_a_fit_that_reads_log_odds_tells_a_sure_score_from_a_likely_one():
    from pageparts.scoring.combine import predict_learned, read_fit

    nav, width = LABELS.index("navigation"), 2 * len(LABELS)
    coef = np.zeros((len(LABELS), 2 * width))
    coef[nav, width + nav] = 1.0  # the log-odds of the navigation model's score, nothing else
    fit = read_fit({"coef": coef.tolist(), "intercept": [0.0] * 6, "reaches": [], "log_odds": True})
    matrix = np.zeros((3, width))
    matrix[:, nav] = [0.99, 0.9, 0.5]
    probabilities = predict_learned(fit, matrix)
    # odds 99, 9 and 1 for navigation against 1 for each of the five others
    assert probabilities[:, nav] == pytest.approx([99 / 104, 9 / 14, 1 / 6])


def test_a_stored_fit_without_log_odds_reads_the_scores_and_neighbours_only():
    from pageparts.scoring.combine import predict_learned, read_fit

    width = 2 * len(LABELS)
    coef = np.random.default_rng(2).normal(size=(len(LABELS), 2 * width))
    fit = read_fit({"coef": coef.tolist(), "intercept": [0.0] * 6, "reaches": [1]})  # as before log-odds
    assert fit["log_odds"] is False
    matrix = np.random.default_rng(3).random((4, width))
    neighbours = np.array([matrix[1], (matrix[0] + matrix[2]) / 2, (matrix[1] + matrix[3]) / 2, matrix[2]])
    logits = np.hstack([matrix, neighbours]) @ coef.T
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert predict_learned(fit, matrix) == pytest.approx(expected)


def test_under_the_learned_combiner_a_plugin_label_takes_its_score_and_the_six_share_the_rest():
    d = doc(3)
    votes = []
    for i in range(3):
        votes += [
            Vote("body", i, "body", 0.95, "text model: 0.95", MODEL),
            Vote("comments", i, "comments", 0.7 if i == 1 else 0.2, "after a commenter line"),
        ]
    combine(d, votes, CombineOptions(learned=True))
    assert d.blocks[1].label == "comments" and d.blocks[1].confidence == pytest.approx(0.7)
    assert d.blocks[0].label != "comments"


def title_votes(score: float = 0.8) -> list[Vote]:
    """A headline rule vote on block 0 that the text model contradicts, and body on block 1."""
    return [
        Vote("headline", 0, "headline", score, "a short title line above a one-sentence dek and the text"),
        *(
            Vote(label, 0, label, 0.01, "text model: 0.01", MODEL)
            for label in ("headline", "body", "navigation")
        ),
        Vote("body", 1, "body", 0.95, "text model: 0.95", MODEL),
        Vote("headline", 1, "headline", 0.01, "text model: 0.01", MODEL),
    ]


def models_alone_fit() -> dict:
    """A learned combiner that reads each label's model score only (the rules count for nothing),
    so these tests do not depend on what the shipped fit makes of a rule vote."""
    from pageparts.scoring.combine import read_fit

    coef = np.hstack([10 * np.eye(len(LABELS)), np.zeros((len(LABELS), len(LABELS)))])
    return read_fit({"coef": coef.tolist(), "intercept": [0.0] * len(LABELS), "reaches": []})


def combine_models_alone(document: Document, votes: list[Vote], options: CombineOptions) -> None:
    combining.combine(document, votes, options, models_alone_fit())


def test_in_plain_text_without_a_headline_a_strong_headline_rule_decides():
    d = doc(2)
    combine_models_alone(d, title_votes(), CombineOptions())
    assert d.combined.method == "learned"
    assert [b.label for b in d.blocks] == ["headline", "body"]
    assert d.blocks[0].confidence == pytest.approx(0.8)
    assert d.title() == "block 0"
    assert d.combined.of(0)[0] == ("headline", pytest.approx(0.8))
    assert "the headline rule's 0.80 decides" in d.combined.notes[0] and 1 not in d.combined.notes


@pytest.mark.parametrize(
    "change",
    [
        {"input_format": "html"},  # HTML has the <title> rule: nothing to make up for
        {
            "votes": [Vote("h", 2, "headline", 0.99, "text model: 0.99", MODEL)]
        },  # a headline was found elsewhere
        {"score": 0.6},  # too weak a vote
        {"weights": {"headline": 0.5}},  # weighted below TITLE_RULE_MIN
        {"learned": False},  # the weighted mean finds the text model's headlines itself
    ],
)
def test_the_headline_rule_does_not_decide_otherwise(change):
    d = doc(3)
    d.input_format = change.get("input_format", "text")
    votes = title_votes(change.get("score", 0.8)) + change.get("votes", [])
    options = CombineOptions(learned=change.get("learned", True), weights=change.get("weights", {}))
    combine_models_alone(d, votes, options)
    assert d.blocks[0].label != "headline"
    assert not d.combined.notes


def test_the_learned_combiner_reads_the_vote_source_not_the_reason():
    """A model vote is one whose source says so, whatever its reason reads."""
    from pageparts.scoring.combine import vote_matrix

    votes = [
        Vote("body", 0, "body", 0.7, "anything at all", MODEL),
        Vote("x", 0, "body", 0.4, "html model: 0.4"),
    ]
    matrix = vote_matrix(1, votes, {})
    body = LABELS.index("body")
    assert matrix[0, body] == pytest.approx(0.7)  # the model vote's mean
    assert matrix[0, len(LABELS) + body] == pytest.approx(0.4)  # the rule vote, its reason notwithstanding


def test_without_a_fitted_combiner_the_weighted_mean_decides():
    d = doc(1)
    votes = [Vote("body", 0, "body", 0.6, "m", MODEL), Vote("r", 0, "related-links", 0.9, "teaser")]
    combining.combine(d, votes, CombineOptions(learned=True))  # no fit given: a rule-only runner
    assert d.combined.method == "weighted mean" and d.blocks[0].label == "related-links"
    combine(d, votes, CombineOptions(learned=True))
    assert d.combined.method == "learned"


def test_a_fit_on_standardised_inputs_is_stored_on_the_raw_ones():
    from pageparts.training.combiner import Standardised

    rng = np.random.default_rng(4)
    x = rng.random((200, 5)) * [1.0, 100.0, 0.01, 0.0, 0.0] + [0.0, 50.0, 0.0, 0.3, -6.9]
    x[:, 4] += rng.normal(0, 1e-11, 200)  # constant but for rounding, as a log-odds of a floor
    y = rng.integers(0, 3, 200)
    fitted = Standardised.fit(x, y, np.ones(200), 1.0, 200)
    assert fitted.scale[3] == fitted.scale[4] == 1.0
    coef, intercept = fitted.unscaled()
    expected = fitted.model.decision_function((x - fitted.mean) / fitted.scale)
    assert x @ coef.T + intercept == pytest.approx(expected)
    assert np.abs(coef).max() < 100 and np.abs(intercept).max() < 100


def test_a_document_has_one_title_the_run_with_the_strongest_headline_score():
    # weighted mean: blocks 0-1 (a title and its dek) and 3 (a teaser's title) would come out headline
    d = doc(5)
    votes = [
        Vote("h", 0, "headline", 0.9),
        Vote("h", 1, "headline", 0.7),
        Vote("b", 2, "body", 0.9),
        Vote("h", 3, "headline", 0.8),
        Vote("r", 3, "related-links", 0.6),
        Vote("h", 4, "headline", 0.6),
    ]
    combine(d, votes, CombineOptions(threshold=0.5))
    assert [b.label for b in d.blocks] == ["headline", "headline", "body", "related-links", "other"]
    notes = d.combined.notes
    assert set(notes) == {3, 4} and "block 0 has the strongest headline score (0.90)" in notes[3]


def test_one_title_leaves_a_single_run_alone():
    d = doc(3)
    combine(d, [Vote("h", 1, "headline", 0.7), Vote("h", 2, "headline", 0.9)], CombineOptions(threshold=0.5))
    assert [b.label for b in d.blocks] == ["other", "headline", "headline"] and not d.combined.notes


def _title_scores(headline: list[float]) -> np.ndarray:
    """Six-label scores (LABELS order): the given headline column, the rest other."""
    s = np.zeros((len(headline), len(LABELS)))
    s[:, LABELS.index("headline")] = headline
    s[:, LABELS.index("other")] = 1 - s.sum(axis=1)
    return s


def test_a_byline_or_date_line_leaves_the_title_run():
    texts = ["Menu", "A title of some words", "By A. Writer", "March 3, 2025", "The first paragraph."]
    s = _title_scores([0.0, 0.9, 0.7, 0.6, 0.1])
    page = Document("t", "text", [Block(i, t) for i, t in enumerate(texts)])
    out, notes = combining._furniture_not_title(s, LABELS.index("headline"), 0.5, page)
    assert set(notes) == {2, 3} and out[[2, 3], LABELS.index("headline")].tolist() == [0.0, 0.0]
    assert np.array_equal(out[[0, 1, 4]], s[[0, 1, 4]])
