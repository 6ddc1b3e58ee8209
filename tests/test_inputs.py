"""Inputs at scale: JSON Lines and WARC documents, declared charsets, bad records, input kinds."""

from __future__ import annotations

import gzip
import json

from fastwarc.warc import WarcRecordType
from pageparts.cli import app
from pageparts.host.runner import Runner
from pageparts.input.charsets import with_charset
from pageparts.input.jsonl import read_jsonl
from pageparts.input.reading import Input, ReadStats
from pageparts.input.stream import input_kind, iter_inputs
from pageparts.input.warc import read_warc
from typer.testing import CliRunner

from .warc_writer import record, response, write_warc

PAGE = "<html><head><title>Mill Street</title></head><body><p>The river rose at dawn.</p></body></html>"


def jsonl(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return str(path)


# -- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_records_are_named_by_line_or_their_own_source_and_keep_url_and_id(tmp_path):
    path = jsonl(
        tmp_path / "docs.jsonl",
        [
            {"html": PAGE, "id": "doc-1", "url": "https://example.org/mill"},
            "",
            {"text": "Home\n\nThe river rose.", "id": 17},
            {"html": PAGE, "source": "mill.html"},
        ],
    )
    items = list(read_jsonl(path))
    assert [i.source for i in items] == [f"{path}:1", f"{path}:3", "mill.html"]
    assert (items[0].url, items[0].id, items[1].id) == ("https://example.org/mill", "doc-1", "17")
    assert [i.input_format for i in items] == ["html", "text", "html"]
    assert items[1].content == b"Home\n\nThe river rose."
    assert all(i.error is None for i in items)


def test_bad_jsonl_records_are_errors_and_reading_goes_on(tmp_path):
    path = jsonl(
        tmp_path / "docs.jsonl",
        [
            "{not json",
            "[1, 2]",
            {"title": "no content"},
            {"html": 42},
            {"html": "x" * 2000},
            {"text": "fine"},
        ],
    )
    items = list(read_jsonl(path, max_bytes=1000))
    errors = [i.error for i in items]
    assert errors[0].startswith("not valid JSON")
    assert errors[1:5] == [
        "a JSON list, not an object",
        "no html or text field",
        "the html field is not a string",
        "document is larger than 0 MB",
    ]
    assert errors[5] is None and items[5].source == f"{path}:6"


def test_a_line_far_too_long_is_skipped_without_being_held(tmp_path):
    path = jsonl(tmp_path / "docs.jsonl", [{"text": "y" * 50_000}, {"text": "after"}])
    items = list(read_jsonl(path, max_bytes=1000))
    assert items[0] == Input(f"{path}:1", error="document is larger than 0 MB")
    assert items[1].content == b"after" and items[1].source == f"{path}:2"


def test_gzipped_jsonl_is_streamed_and_a_truncated_one_keeps_what_it_had(tmp_path):
    lines = "".join(json.dumps({"text": f"document {i} " + "word " * 200}) + "\n" for i in range(50))
    packed = gzip.compress(lines.encode())
    whole, cut = tmp_path / "docs.jsonl.gz", tmp_path / "cut.jsonl.gz"
    whole.write_bytes(packed)
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    assert len(list(read_jsonl(str(whole)))) == 50
    *documents, error = list(read_jsonl(str(cut)))
    assert 0 < len(documents) < 50 and all(d.error is None for d in documents)
    assert error.source == str(cut)
    assert error.error == f"cannot read further after line {len(documents)}: truncated gzip data"


def test_a_missing_container_is_one_error(tmp_path):
    missing = str(tmp_path / "gone.jsonl")
    assert list(read_jsonl(missing)) == [Input(missing, error=f"no such file: {missing}")]
    assert list(read_warc(missing.replace("jsonl", "warc"))) == [
        Input(missing.replace("jsonl", "warc"), error=f"no such file: {missing.replace('jsonl', 'warc')}")
    ]


# -- WARC --------------------------------------------------------------------------------------------


def crawl(tmp_path, compress=True):
    latin = PAGE.replace("river", "café river").encode("cp1252")
    records = [
        record(WarcRecordType.warcinfo, "", b"software: a test\r\n"),
        record(WarcRecordType.request, "https://example.org/a", b"GET /a HTTP/1.1\r\n\r\n", http=True),
        response("https://example.org/a", "text/html; charset=ISO-8859-1", latin),
        response("https://example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        response("https://example.org/b.txt", "text/plain", b"Home\n\nThe river rose."),
        response(
            "https://example.org/c",
            "text/html",
            gzip.compress(PAGE.encode()),
            "Content-Encoding: gzip\r\n",
        ),
        response(
            "https://example.org/d",
            "text/html",
            b"7\r\n<p>Mill\r\na\r\n Street<p>\r\n0\r\n\r\n",
            "Transfer-Encoding: chunked\r\n",
        ),
        response("https://example.org/e", "text/html", b"zz\r\nbroken", "Transfer-Encoding: chunked\r\n"),
        response("https://example.org/f", "text/html", b"<p>last</p>"),
    ]
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    offsets = write_warc(path, records, compress)
    return path, offsets


def test_warc_response_records_of_html_or_text_are_documents(tmp_path):
    path, offsets = crawl(tmp_path)
    stats = ReadStats()
    items = list(read_warc(str(path), stats=stats))
    assert [i.source for i in items] == [f"{path}:{offsets[n]}" for n in (2, 4, 5, 6, 7, 8)]
    assert [i.url for i in items] == [f"https://example.org/{n}" for n in ("a", "b.txt", "c", "d", "e", "f")]
    assert all(i.id.startswith("<urn:uuid:") for i in items) and len({i.id for i in items}) == 6
    assert [i.input_format for i in items[:4]] == ["html", "text", "html", "html"]
    assert items[0].charset == "iso-8859-1" and "café".encode("cp1252") in items[0].content
    assert items[2].content == PAGE.encode()  # the HTTP body, gunzipped
    assert items[3].content == b"<p>Mill Street<p>"  # de-chunked
    assert items[4].error.startswith("bad HTTP body") and items[5].content == b"<p>last</p>"
    assert stats.skipped == 3  # warcinfo, request, image


def test_the_http_charset_is_respected(tmp_path):
    path, _ = crawl(tmp_path)
    runner = Runner()
    item = next(read_warc(str(path)))
    document = runner.classify_bytes(item.content, item.source, input_format="html", charset=item.charset)
    assert "The café river rose at dawn." in document.text()


def test_with_charset_transcodes_only_what_is_not_utf8_already():
    assert (
        with_charset("caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "iso-8859-1").decode()
        == "café “quoted”"
    )
    assert with_charset("café".encode(), "iso-8859-1") == "café".encode()
    assert with_charset("日本".encode("shift_jis"), "Shift_JIS").decode() == "日本"
    assert with_charset(b"\xe9", "no-such-charset") == b"\xe9"
    assert with_charset(b"\xe9", "base64") == b"\xe9"
    assert with_charset("é".encode("utf-16"), "iso-8859-1") == "é".encode("utf-16")


def test_cut_or_corrupt_warc_files_give_errors_and_keep_what_was_read(tmp_path):
    path, offsets = crawl(tmp_path, compress=False)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: offsets[3] - 20])  # inside the first HTML response's body
    items = list(read_warc(str(cut)))
    assert [i.error for i in items] == ["truncated WARC record"]
    gz_path, gz_offsets = crawl(tmp_path)
    gz_cut = tmp_path / "cut.warc.gz"
    gz_cut.write_bytes(gz_path.read_bytes()[: gz_offsets[5] + 40])  # inside the gzipped page's member
    items = list(read_warc(str(gz_cut)))
    assert [i.error for i in items[:2]] == [None, None] and items[-1].error is not None
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is no WARC file\r\n\r\n")
    [item] = read_warc(str(garbage))
    assert item.source == str(garbage) and item.error.startswith("cannot read further at the start")


def test_an_oversized_warc_record_is_an_error_and_the_next_is_read(tmp_path):
    path = tmp_path / "big.warc.gz"
    write_warc(
        path,
        [
            response("https://e.org/big", "text/html", b"<p>" + b"x" * 5000),
            response("https://e.org/s", "text/html", b"<p>small"),
        ],
    )
    items = list(read_warc(str(path), max_bytes=1000))
    assert [i.error for i in items] == ["document is larger than 0 MB", None]


# -- kinds and the command line ------------------------------------------------------------------------


def test_input_kinds_go_by_name_unless_forced(tmp_path):
    assert [input_kind(n) for n in ("a.jsonl", "b.JSONL.gz", "c.warc", "d.warc.gz", "e.html", "f.json")] == [
        "jsonl",
        "jsonl",
        "warc",
        "warc",
        "file",
        "file",
    ]
    path = jsonl(tmp_path / "docs.txt", [{"text": "one"}, {"text": "two"}])
    assert [i.source for i in iter_inputs([path])] == [path]
    assert [i.content for i in iter_inputs([path], kind="jsonl")] == [b"one", b"two"]


def test_cli_reads_a_directory_of_mixed_inputs_in_order_and_counts_what_it_skipped(tmp_path):
    (tmp_path / "a.html").write_text(PAGE)
    crawl(tmp_path)
    jsonl(tmp_path / "docs.jsonl", [{"html": PAGE, "id": "x"}, "not json", {"text": "Home\n\nRiver"}])
    result = CliRunner().invoke(app, ["classify", str(tmp_path), "-f", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    names = [r["source"].removeprefix(str(tmp_path) + "/") for r in records]
    assert [n.split(":")[0] for n in names] == ["a.html", *["crawl.warc.gz"] * 6, *["docs.jsonl"] * 3]
    assert names[7:] == ["docs.jsonl:1", "docs.jsonl:2", "docs.jsonl:3"]
    assert records[7]["id"] == "x" and records[1]["url"] == "https://example.org/a"
    assert records[8]["error"].startswith("not valid JSON") and "blocks" in records[9]
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "pageparts: 10 documents, 2 errors, 3 WARC records skipped (not HTML or text), "
    )


def test_cli_reads_json_lines_from_standard_input(tmp_path):
    lines = json.dumps({"text": "Home\n\nThe river rose.", "url": "https://e.org"}) + "\n"
    result = CliRunner().invoke(app, ["classify", "-", "--input-kind", "jsonl", "-f", "jsonl"], input=lines)
    record = json.loads(result.stdout)
    assert result.exit_code == 0 and result.stderr == ""  # piped, no errors: quiet
    assert (record["source"], record["url"], len(record["blocks"])) == ("-:1", "https://e.org", 2)


def test_urls_are_read_through_fsspec():
    import fsspec

    lines = "".join(json.dumps({"text": f"document {i}"}) + "\n" for i in range(3))
    with fsspec.open("memory://pageparts-test/docs.jsonl.gz", "wb") as handle:
        handle.write(gzip.compress(lines.encode()))
    items = list(iter_inputs(["memory://pageparts-test/docs.jsonl.gz"]))
    assert [(i.source, i.content) for i in items] == [
        (f"memory://pageparts-test/docs.jsonl.gz:{n + 1}", f"document {n}".encode()) for n in range(3)
    ]
    [missing] = iter_inputs(["memory://pageparts-test/missing.warc"])
    assert missing.error.startswith("no such file")


def test_cli_reads_a_warc_file_from_standard_input(tmp_path):
    path, offsets = crawl(tmp_path)
    result = CliRunner().invoke(
        app, ["classify", "-", "--input-kind", "warc", "-f", "jsonl", "--jobs", "1"], input=path.read_bytes()
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [f"-:{offsets[n]}" for n in (2, 4, 5, 6, 7, 8)]
    assert result.exit_code == 1 and "bad HTTP body" in records[4]["error"]
