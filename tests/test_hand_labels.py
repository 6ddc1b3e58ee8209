"""scripts/hand_labels.py: reading specs, applying them to a page's blocks, drafting them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .script_module import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "hand_labels.py"
TEXTS = [
    "Home",
    "About us",
    "A quiet harbour",
    "The boats came in at dawn.",
    "Donate today",
    "(c) Harbour News",
]


def _load():
    return load_script(SCRIPT, "hand_labels")


def _spec(*lines: str, blocks: int = len(TEXTS)) -> str:
    hl = _load()
    header = ["# source: wcxb-dev/9999", f"# blocks: {blocks}", f"# digest: {hl.digest(TEXTS)}"]
    return "\n".join(header + list(lines)) + "\n"


def test_later_lines_override_and_aliases_expand():
    hl = _load()
    spec = hl.parse_spec(_spec("0-5 nav", "2 head", "3 body   # the story", "4 fund nav other", "5 other"))
    labels = [label for label, _ in spec.labels]
    assert labels == ["navigation", "navigation", "headline", "body", "fundraising", "other"]
    assert spec.labels[4][1] == {"navigation", "other"}
    blocks = hl.apply(spec, TEXTS, "x.spec")
    assert [b.label for b in blocks] == labels
    assert blocks[4].accept == {"fundraising", "navigation", "other"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("0-4 nav",), "blocks without a label: 5"),
        (("0-6 nav",), "outside blocks 0-5"),
        (("0-5 menu",), "expected 'RANGES LABEL"),
        (("a-b nav",), "not a list of block ranges"),
    ],
)
def test_bad_specs_name_the_problem(lines, message):
    hl = _load()
    with pytest.raises(hl.SpecError, match=message):
        hl.parse_spec(_spec(*lines), "x.spec")


def test_a_changed_split_is_caught():
    hl = _load()
    spec = hl.parse_spec(_spec("0-5 body"))
    with pytest.raises(hl.SpecError, match="relabel it"):
        hl.apply(spec, [*TEXTS[:-1], "(c) Another owner"], "x.spec")


def test_a_draft_reads_back_as_the_predictions():
    hl = _load()
    predicted = ["navigation", "navigation", "headline", "body", "fundraising", "other"]
    spec = hl.parse_spec(hl.draft("wcxb-dev/9999", TEXTS, predicted))
    assert [label for label, _ in spec.labels] == predicted
    assert spec.digest == hl.digest([f"  {t}  " for t in TEXTS])  # whitespace does not count


STORY = (
    "<html><head><title>Harbour</title></head><body><nav><a href='/'>Home</a> <a href='/a'>About us</a></nav>"
    "<h1>A quiet harbour</h1><p>The boats came in at dawn, and the gulls followed them home.</p>"
    "<footer>(c) Harbour News</footer></body></html>"
)


@pytest.fixture
def data_dir(tmp_path):
    """A data directory with one page in each of the three collections the specs label."""
    import gzip
    import json

    for collection, name in (("wcxb-dev", "0007"), ("news-pool", "np001"), ("readability-tests", "bbc-2")):
        (tmp_path / collection / "html").mkdir(parents=True)
        (tmp_path / collection / "html" / f"{name}.html.gz").write_bytes(gzip.compress(STORY.encode()))
    (tmp_path / "wcxb-dev" / "metadata.json").write_text(json.dumps({"files": {"0007": {"domain": "a.org"}}}))
    (tmp_path / "news-pool" / "manifest.json").write_text(json.dumps({"np001": {"site": "b.com"}}))
    return tmp_path


def test_a_source_names_its_page_and_site_in_each_collection(data_dir):
    hl = _load()
    assert hl.page_path(data_dir, "news-pool/np001") == data_dir / "news-pool/html/np001.html.gz"
    assert hl.page_path(data_dir, "0007") == data_dir / "wcxb-dev/html/0007.html.gz"
    assert hl.page_site(data_dir, "wcxb-dev/0007") == "a.org"
    assert hl.page_site(data_dir, "news-pool/np001") == "b.com"
    assert hl.page_site(data_dir, "readability-tests/bbc-2") == "bbc"  # the -N suffix is dropped


def _write_spec(hl, data_dir, folder, source):
    from pageparts.host.runner import Options, Runner

    _, blocks = hl.page_blocks(Runner(Options(input_format="html")), data_dir, source)
    texts = [b.text for b in blocks]
    labels = ["navigation"] * len(texts)
    labels[[t.startswith("A quiet") for t in texts].index(True)] = "headline"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source.rpartition('/')[2]}.spec"
    path.write_text(hl.draft(source, texts, labels) + "0 nav   # a note naming readers' comments\n")
    return path


def test_build_writes_one_side_of_the_split_with_each_page_site(data_dir, tmp_path, monkeypatch):
    hl = _load()
    from pageparts.labels.labelled import load_labelled

    specs = tmp_path / "specs"
    for source in ("wcxb-dev/0007", "news-pool/np001", "readability-tests/bbc-2"):
        _write_spec(hl, data_dir, specs / source.partition("/")[0], source)
    held = {"a.org"}
    monkeypatch.setattr(hl, "is_held_out", lambda site: site in held)
    folders = [str(specs / name) for name in ("wcxb-dev", "news-pool", "readability-tests")]
    for split, expected in (("training", {"b.com", "bbc"}), ("validation", {"a.org"})):
        out = tmp_path / f"{split}.jsonl"
        assert hl.main(["build", *folders, "--data", str(data_dir), "--out", str(out), "--split", split]) == 0
        documents, _ = load_labelled([out])
        assert {d.site for d in documents} == expected
        assert all(d.html and d.input_format == "html" for d in documents)
    table = hl.corpus_stats(hl._spec_paths(folders), data_dir)
    assert "| news-pool | training | 1 | 0 | 0 | 1 | 1 |" in table
    assert "| wcxb-dev | validation | 1 |" in table
    assert "| all |  | 3 | 0 | 0 | 3 | 3 |" in table


def test_training_copies_teach_a_separated_dek_as_headline_and_a_plan_offer_as_body(
    data_dir, tmp_path, monkeypatch
):
    hl = _load()
    from pageparts.labels.labelled import load_labelled

    spec = _write_spec(hl, data_dir, tmp_path / "specs", "news-pool/np001")
    lines = "0 body head   # a dek under the byline\n1 body other\n2 fund body   # plan cards\n3 fund nav\n"
    spec.write_text(spec.read_text() + lines)
    labels = {}
    for split in ("training", "validation"):
        monkeypatch.setattr(hl, "is_held_out", lambda site, split=split: split == "validation")
        out = tmp_path / f"{split}.jsonl"
        build = ["build", str(spec), "--data", str(data_dir), "--out", str(out), "--split", split]
        assert hl.main(build) == 0
        (document,), _ = load_labelled([out])
        labels[split] = [(b.label, b.accept) for b in document.blocks[:4]]
    given = [("body", {"body", "headline"}), ("body", {"body", "other"})]
    offers = [("fundraising", {"fundraising", "body"}), ("fundraising", {"fundraising", "navigation"})]
    assert labels["validation"] == given + offers
    assert labels["training"] == [
        ("headline", {"body", "headline"}),
        ("body", {"body", "other"}),
        ("body", {"fundraising", "body"}),
        ("fundraising", {"fundraising", "navigation"}),
    ]


def test_two_sets_of_specs_of_the_same_pages_agree_per_word(data_dir, tmp_path, capsys):
    hl = _load()
    first = _write_spec(hl, data_dir, tmp_path / "first", "news-pool/np001")
    second = _write_spec(hl, data_dir, tmp_path / "second", "news-pool/np001")
    arguments = [str(second), "--reference", str(first.parent), "--data", str(data_dir)]
    assert hl.main(["agree", *arguments]) == 0
    assert "macro F1 over six labels: 0.333" in capsys.readouterr().out  # navigation and headline agree
    second.write_text(second.read_text().replace("0 nav   #", "0-3 body #"))  # now every block is body
    assert hl.main(["agree", *arguments]) == 0
    out = capsys.readouterr().out
    assert "against the specs in" in out
    assert "macro F1 over six labels: 0.000" in out
