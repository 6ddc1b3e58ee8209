"""The command line: formats, label filters, inputs, options and exit status."""

import gzip
import json
from importlib.metadata import version

import click
import pytest
import typer
from pageparts.cli import app
from pageparts.host.runner import EMPTY, NO_TEXT
from pageparts.output.wording import counted
from typer.testing import CliRunner

PAGE = (
    "Home\n\nNews\n\n"
    "Council approves the new flood barrier\n\n"
    "The town council voted on Tuesday to build a flood barrier along the river, after two winters of "
    "flooding closed the main road for weeks. Work starts in the spring.\n\n"
    "Please donate $10 to support our reporting.\n"
)


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, stdin: str | bytes | None = None):
        return runner.invoke(app, list(args), input=stdin)

    return invoke


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE)
    return path


def test_jsonl_has_one_object_per_document_with_blocks_and_votes(cli, page):
    result = cli("classify", str(page), "--format", "jsonl")
    assert result.exit_code == 0
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    assert record["source"] == str(page)
    assert [b["index"] for b in record["blocks"]] == [0, 1, 2, 3, 4]
    assert set(record["blocks"][0]) == {"index", "text", "label", "confidence", "votes"}
    donate = record["blocks"][4]
    assert donate["label"] == "fundraising"
    assert any(v["plugin"] == "fundraising" and "money amount" in v["reason"] for v in donate["votes"])


def test_table_shows_index_label_confidence_and_first_words(cli, page):
    result = cli("classify", str(page), "--format", "table")
    lines = result.stdout.splitlines()
    assert lines[0] == f"== {page}"
    assert lines[5].split()[:2] == ["4", "fundraising"]
    assert "Please donate $10" in lines[5]


def test_explain_lists_the_votes_under_each_block(cli, page):
    plain = cli("classify", str(page), "--format", "table").stdout
    explained = cli("classify", str(page), "--format", "table", "--explain").stdout
    assert "money amount" not in plain
    assert "money amount" in explained


def test_text_format_with_labels_extracts_only_those_blocks(cli, page):
    result = cli("classify", str(page), "--format", "text", "--labels", "navigation")
    assert result.stdout.strip() == "Home\n\nNews"
    everything = cli("classify", str(page), "--format", "text").stdout
    assert everything.strip() == PAGE.strip()


def test_standard_input_and_directories(cli, tmp_path, page):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "second.txt.gz").write_bytes(gzip.compress(PAGE.encode()))
    from_dir = cli("classify", str(tmp_path), "--format", "jsonl")
    assert [json.loads(line)["source"] for line in from_dir.stdout.splitlines()] == [
        str(page),
        str(tmp_path / "sub" / "second.txt.gz"),
    ]
    from_stdin = cli("classify", "-", "--format", "jsonl", stdin=PAGE)
    assert json.loads(from_stdin.stdout)["source"] == "-"


def test_input_format_forces_the_splitter(cli, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>First paragraph.</p><p>Second paragraph.</p></body></html>")
    as_html = json.loads(cli("classify", str(path), "-f", "jsonl").stdout)
    as_text = json.loads(cli("classify", str(path), "-f", "jsonl", "--input-format", "text").stdout)
    assert [b["text"] for b in as_html["blocks"]] == ["First paragraph.", "Second paragraph."]
    assert len(as_text["blocks"]) == 1 and as_text["blocks"][0]["text"].startswith("<html>")


def test_weights_threshold_and_disable_change_the_labels(cli, page):
    def labels(*options):
        return [
            b["label"]
            for b in json.loads(cli("classify", str(page), "-f", "jsonl", *options).stdout)["blocks"]
        ]

    assert labels()[4] == "fundraising"
    assert labels("--disable", "fundraising")[4] != "fundraising"
    assert labels("--weights", "fundraising=0")[4] != "fundraising"
    assert set(labels("--threshold", "1")) == {"other"}


def test_a_config_file_sets_weights(cli, page, tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text("threshold = 0.5\n[weights]\nfundraising = 0\n")
    record = json.loads(cli("classify", str(page), "-f", "jsonl", "--config", str(config)).stdout)
    assert record["blocks"][4]["label"] != "fundraising"
    config.write_text("colour = 'blue'\n")
    bad = cli("classify", str(page), "--config", str(config))
    assert bad.exit_code == 2 and "unknown keys" in bad.stderr


@pytest.mark.parametrize(
    "option, message",
    [
        (["--weights", "body"], "bad weight"),
        (["--weights", "body=-1"], "bad weight"),
        (["--context", "2"], "--context must be a number from 0 to 1, not 2.0"),
    ],
)
def test_bad_options_give_a_clear_message_and_exit_2(cli, page, option, message):
    result = cli("classify", str(page), *option)
    assert result.exit_code == 2
    assert message in result.stderr


BAD_INPUTS = {
    "empty.html": b"",
    "binary.bin": bytes(range(256)) * 64,
    "truncated.html.gz": gzip.compress(b"<html><body><p>text</p></body></html>" * 50)[:40],
    "malformed.html": b"<html><body><div><p>Unclosed <b>bold <table><tr><td>cell</div></p></body",
    "undecodable.html": b"<html><body><p>caf\xe9 \xff\xfe\x80 ok</p></body></html>",
    "nested.html": b"<html><body>" + b"<div>" * 10_000 + b"deep" + b"</div>" * 10_000 + b"</body></html>",
}


def test_bad_inputs_give_one_line_errors_or_sane_results_and_the_batch_goes_on(cli, tmp_path, page):
    for name, content in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(content)
    result = cli("classify", str(tmp_path), "--format", "jsonl")
    records = {
        json.loads(line)["source"].rsplit("/", 1)[-1]: json.loads(line) for line in result.stdout.splitlines()
    }
    assert set(records) == set(BAD_INPUTS) | {"page.txt"}
    assert records["page.txt"]["blocks"][4]["label"] == "fundraising"
    assert records["empty.html"]["blocks"] == [] and records["empty.html"]["warnings"] == [EMPTY]
    assert "binary" in records["binary.bin"]["error"]
    assert "gzip" in records["truncated.html.gz"]["error"]
    assert "cell" in " ".join(b["text"] for b in records["malformed.html"]["blocks"])
    assert "ok" in " ".join(b["text"] for b in records["undecodable.html"]["blocks"])
    assert [b["text"] for b in records["nested.html"]["blocks"]] == ["deep"]
    assert records["nested.html"]["warnings"][0].startswith("page repaired: ")
    lines = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    *errors, summary = [line for line in lines if line.startswith("pageparts: ")]
    assert f"pageparts: {tmp_path / 'empty.html'}: warning: {EMPTY}" in result.stderr
    failed = sum("error" in r for r in records.values())
    assert len(errors) == failed >= 2
    assert summary.startswith(f"pageparts: {len(records)} documents, {failed} errors, ")
    assert "Traceback" not in result.stderr
    assert result.exit_code == 1


def test_a_missing_file_fails_with_exit_1_but_others_are_written(cli, page, tmp_path):
    result = cli("classify", str(tmp_path / "nope.html"), str(page), "-f", "jsonl")
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_output_file(cli, page, tmp_path):
    out = tmp_path / "out.jsonl"
    assert cli("classify", str(page), "-f", "jsonl", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["source"] == str(page)


def test_plugins_lists_built_in_plugins_as_table_and_json(cli):
    table = cli("plugins").stdout
    assert table.splitlines()[0].split() == [
        "name",
        "status",
        "version",
        "model",
        "labels",
        "package",
        "module",
    ]
    assert any(line.split()[0] == "related-links" for line in table.splitlines()[1:])
    rows = {p["name"]: p for p in json.loads(cli("plugins", "--format", "json").stdout)["plugins"]}
    assert rows["fundraising"]["labels"] == ["fundraising"]
    assert isinstance(rows["body"]["uses_model"], bool)


def test_the_combiner_can_be_chosen_on_the_command_line_and_in_a_config(cli, page, tmp_path):
    from pageparts.scoring.combine import CombineOptions
    from pageparts.settings import resolve_options

    config = tmp_path / "pageparts.toml"
    config.write_text("combiner = 'mean'\n")
    assert resolve_options(config).combine.learned is False
    assert CombineOptions().learned is True  # the learned combiner is the default
    config.write_text("combiner = 'median'\n")
    assert "must be one of mean, learned" in cli("classify", str(page), "--config", str(config)).stderr
    mean = cli("classify", str(page), "-f", "jsonl", "--combiner", "mean")
    assert mean.exit_code == 0 and json.loads(mean.stdout)["source"] == str(page)
    assert cli("classify", str(page), "--combiner", "median").exit_code == 2


def test_version_comes_from_the_package_metadata(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"pageparts {version('pageparts')}\n"


def _commands() -> dict[str, click.Command]:
    return typer.main.get_command(app).commands


@pytest.mark.parametrize("name", sorted(_commands()))
def test_help_shows_every_option_help_as_written(cli, name):
    shown = "".join(cli(name, "--help").stdout.split())
    helps = [param.help for param in _commands()[name].params if getattr(param, "help", None)]
    assert helps
    for text in helps:
        assert "".join(text.split()) in shown


def test_help_keeps_square_brackets(cli):
    assert "[weights]" in cli("classify", "--help").stdout
    assert "[weights]" in cli("report", "--help").stdout


def test_counts_are_grammatical(cli, page, tmp_path):
    assert [counted(n, "page") for n in (0, 1, 2, 1000)] == ["0 pages", "1 page", "2 pages", "1,000 pages"]
    assert counted(1, "partition") == "1 partition" and counted(3, "entry", "entries") == "3 entries"
    result = cli("report", str(page), "--out", str(tmp_path / "report"))
    assert result.exit_code == 0 and "wrote 1 report page and " in result.stderr
    assert "<p>1 document. " in (tmp_path / "report" / "index.html").read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_input_with_no_text_gives_a_warning_an_empty_record_and_exit_0(cli, tmp_path, page, jobs):
    empty, bare = tmp_path / "empty.html", tmp_path / "bare.html"
    empty.write_bytes(b"")
    bare.write_text("<html><head><title>T</title><script>x = 1</script></head><body> <p> </p></body></html>")
    result = cli("classify", str(empty), str(bare), str(page), "-f", "jsonl", "--jobs", jobs)
    assert result.exit_code == 0
    first, second, third = map(json.loads, result.stdout.splitlines())
    assert first == {"source": str(empty), "blocks": [], "warnings": [EMPTY]}
    assert second == {"source": str(bare), "blocks": [], "warnings": [NO_TEXT]}
    assert "warnings" not in third and third["blocks"]
    assert result.stderr.splitlines() == [
        f"pageparts: {empty}: warning: the input is empty (no blocks)",
        f"pageparts: {bare}: warning: no visible text (no blocks)",
    ]


def test_the_report_and_annotate_tell_the_warnings_too(cli, tmp_path, page):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    line = f"pageparts: {empty}: warning: the input is empty (no blocks)"
    report = cli("report", str(empty), str(page), "--out", str(tmp_path / "report"))
    assert report.exit_code == 0 and report.stderr.splitlines()[0] == line
    annotate = cli("annotate", str(empty), str(page))
    assert annotate.exit_code == 0 and annotate.stderr.splitlines() == [line]
