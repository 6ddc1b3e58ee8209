"""Tests for the HTML splitter plugin (pageparts.splitters.html)."""

from __future__ import annotations

import codecs
import inspect
import random
import sys
import time

import pageparts
import pytest
from pageparts.input.charsets import decode_html
from pageparts.splitters import html as html_splitter
from pageparts.splitters.html import split_html

FEATURE_KEYS = {
    "tag", "path", "path_words", "heading", "link_chars", "text_chars", "link_density", "links",
    "in_list", "list_size", "landmark", "depth", "group_size", "in_table", "emphasis_chars",
}  # fmt: skip


def split(page: str | bytes):
    content = page.encode("utf-8") if isinstance(page, str) else page
    result = html_splitter.pageparts_split(content, "html")
    assert result is not None
    return result


def texts(page: str | bytes) -> list[str]:
    return [block.text for block in split(page)[0]]


def block_with(page: str, text: str):
    """The one block of ``page`` whose text is ``text``."""
    found = [block for block in split(page)[0] if block.text == text]
    assert len(found) == 1, [b.text for b in split(page)[0]]
    return found[0]


# -- block boundaries ---------------------------------------------------------------------------


def test_one_block_per_block_element_and_inline_elements_do_not_split():
    page = """<html><body>
      <h1>The   <em>title</em></h1>
      <p>First <a href="/a">paragraph</a>, <span>still   the</span> same
         block.</p>
      <ul><li>one</li><li>two <b>bold</b></li></ul>
      <table><tr><td>cell a</td><td>cell b</td></tr></table>
    </body></html>"""
    assert texts(page) == [
        "The title",
        "First paragraph, still the same block.",
        "one",
        "two bold",
        "cell a",
        "cell b",
    ]


def test_block_indexes_run_from_zero_in_reading_order():
    blocks, _ = split("<p>a</p><div>b</div><p>c</p>")
    assert [b.index for b in blocks] == [0, 1, 2]
    assert [b.text for b in blocks] == ["a", "b", "c"]


def test_nested_block_elements_split_the_text_around_them():
    assert texts("<div>A <p>B</p> C</div>") == ["A", "B", "C"]
    # the cut also happens when the child block sits inside an inline element
    assert texts("<div>A <span>x <p>B</p> y</span> C</div>") == ["A x", "B", "y C"]
    blocks, _ = split("<div>A <p>B</p> C</div>")
    assert [b.features["tag"] for b in blocks] == ["div", "p", "div"]


def test_br_does_not_split_but_a_blank_line_does():
    assert texts("<p>line one<br>line two</p>") == ["line one line two"]
    assert texts("<p>para one<br><br>para two</p>") == ["para one", "para two"]
    assert texts("<p>para one<br/> <span><br/>para two</span></p>") == ["para one", "para two"]
    assert texts("<p><br><br>only</p>") == ["only"]


def test_whitespace_is_collapsed_and_empty_blocks_dropped():
    page = "<div>  \n\t </div><p>  a \n\n b\u00a0 c  </p><p> </p><div><span> </span></div>"
    assert texts(page) == ["a b c"]


def test_adjacent_inline_elements_join_without_inventing_spaces():
    assert texts("<p><a href='#'>Home</a><a href='#'>Contact</a></p>") == ["HomeContact"]
    assert texts("<p>Up<!-- a comment -->dated</p>") == ["Updated"]


# -- invisible content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [
        "<script>var x = 'SECRET';</script>",
        "<style>.a{content:'SECRET'}</style>",
        "<noscript>SECRET</noscript>",
        "<template><p>SECRET</p></template>",
        "<svg><text>SECRET</text><title>SECRET</title></svg>",
        "<iframe>SECRET</iframe>",
        "<object>SECRET</object>",
        "<canvas>SECRET</canvas>",
        "<select><option>SECRET</option></select>",
        "<div hidden><p>SECRET</p></div>",
        "<div aria-hidden='true'>SECRET</div>",
        "<div style='color:red; display: none'>SECRET</div>",
        "<span style='VISIBILITY:hidden'>SECRET</span>",
        "<dialog><p>SECRET</p></dialog>",
        "<input type='hidden' value='SECRET'>",
        "<!-- SECRET -->",
        "<?php echo 'SECRET'; ?>",
    ],
)
def test_invisible_content_is_dropped_but_its_tail_is_kept(hidden):
    page = f"<html><head><title>t</title></head><body><div>before {hidden} after</div></body></html>"
    assert texts(page) == ["before after"]


def test_head_content_is_not_a_block_and_visible_lookalikes_are_kept():
    page = """<html><head><title>Page title</title><meta name="x" content="SECRET"></head>
    <body><div aria-hidden="false">shown</div><dialog open>open dialog</dialog>
    <div style="display:block">styled</div></body></html>"""
    assert texts(page) == ["shown", "open dialog", "styled"]


def test_react_streamed_segment_is_shown_where_its_placeholder_was():
    page = """<body><header>Top</header><!--$?--><template id="B:0"></template><p>Loading</p><!--/$-->
    <p>Middle</p><div hidden id="S:0"><nav><a href="/">Menu</a></nav></div></body>"""
    assert texts(page) == ["Top", "Menu", "Middle"]


# -- features -----------------------------------------------------------------------------------


def test_every_block_has_exactly_the_documented_features():
    blocks, _ = split("<div>A<p>B <a href='#'>c</a></p><ul><li>d</li></ul></div>")
    assert blocks
    for block in blocks:
        assert set(block.features) == FEATURE_KEYS


def test_link_features():
    page = """<p>Read the <a href="/1">full story</a> and <a href="/2">more</a>.</p>
    <p><a href="/3">All link</a></p><p>No links here</p>"""
    mixed = block_with(page, "Read the full story and more.").features
    assert mixed["links"] == 2
    assert mixed["link_chars"] == len("full story") + len("more")
    assert mixed["text_chars"] == len("Read the full story and more.")
    assert mixed["link_density"] == pytest.approx(14 / 29)
    full = block_with(page, "All link").features
    assert (full["links"], full["link_density"]) == (1, 1.0)
    none = block_with(page, "No links here").features
    assert (none["links"], none["link_chars"], none["link_density"]) == (0, 0, 0.0)


def test_a_link_around_a_block_counts_for_the_block_inside():
    features = block_with("<a href='/x'><div>Teaser title</div></a>", "Teaser title").features
    assert features["link_density"] == 1.0
    assert features["links"] == 1


def test_heading_level_and_emphasis():
    page = "<h2>Sub <span>head</span></h2><h5><div>deep</div></h5><p>a <b>bold</b> <em>word</em></p>"
    assert block_with(page, "Sub head").features["heading"] == 2
    assert block_with(page, "deep").features["heading"] == 5
    paragraph = block_with(page, "a bold word").features
    assert paragraph["heading"] == 0
    assert paragraph["emphasis_chars"] == len("bold") + len("word")


def test_list_features_use_the_nearest_list():
    page = """<ul><li>one</li><li>two<ol><li>inner</li></ol></li><li>three</li></ul>
    <dl><dt>term</dt><dd>definition</dd></dl><p>outside</p>"""
    one = block_with(page, "one").features
    assert (one["in_list"], one["list_size"]) == (True, 3)
    inner = block_with(page, "inner").features
    assert (inner["in_list"], inner["list_size"]) == (True, 1)
    assert block_with(page, "definition").features["list_size"] == 2
    outside = block_with(page, "outside").features
    assert (outside["in_list"], outside["list_size"]) == (False, 0)


@pytest.mark.parametrize(
    ("page", "landmark"),
    [
        ("<nav><ul><li>X</li></ul></nav>", "nav"),
        ("<div role='navigation'><p>X</p></div>", "nav"),
        ("<div role='banner'><p>X</p></div>", "header"),
        ("<div role='contentinfo'>X</div>", "footer"),
        ("<div role='complementary'>X</div>", "aside"),
        ("<div role='main'>X</div>", "main"),
        ("<div role='search'>X</div>", "form"),
        ("<header><nav><p>X</p></nav></header>", "nav"),
        ("<footer><div role='presentation'>X</div></footer>", "footer"),
        ("<article><p>X</p></article>", "article"),
        ("<form><label>X</label></form>", "form"),
        ("<section><p>X</p></section>", ""),
    ],
)
def test_landmark(page, landmark):
    assert block_with(page, "X").features["landmark"] == landmark


def test_path_depth_and_path_words():
    page = """<body><div id="main-content" class="col-12 x a-b">
    <p class="story__text" role="note">Text</p></div><footer>Contact</footer></body>"""
    features = block_with(page, "Text").features
    assert features["tag"] == "p"
    assert features["path"] == ["body", "div", "p"]
    assert features["depth"] == 3
    words = features["path_words"].split()
    assert words == ["col", "main", "content", "story", "text", "note"]
    assert "12" not in words and "x" not in words and "a" not in words


def test_path_words_leave_out_the_words_every_block_shares():
    """The class words of <html>, <body> and a wrapper around the whole page are every block's:
    a site's feature flags ("footer", "cards") must not read as each block's own container."""
    page = """<html class="js footer-sticky"><body class="cards header">
    <div class="page-wrapper"><nav class="menu"><a href="/">Home</a></nav>
    <main class="main-column"><p>Story text.</p></main></div></body></html>"""
    assert block_with(page, "Home").features["path_words"] == "menu"
    assert block_with(page, "Story text.").features["path_words"] == "main column"


def test_shared_path_words_end_where_a_word_ends():
    page = """<body><div class="col"><p>One.</p></div><div class="column"><p>Two.</p></div></body>"""
    assert block_with(page, "One.").features["path_words"] == "col"
    assert block_with(page, "Two.").features["path_words"] == "column"


def test_group_size_counts_siblings_with_the_same_tag_and_class():
    page = """<div>
      <div class="teaser">one</div><div class="teaser">two</div><div class="teaser">three</div>
      <div class="teaser wide">four</div><p class="teaser">five</p>
    </div><div><p>alone</p></div>"""
    assert block_with(page, "two").features["group_size"] == 3
    assert block_with(page, "four").features["group_size"] == 1
    assert block_with(page, "five").features["group_size"] == 1
    assert block_with(page, "alone").features["group_size"] == 1


def test_in_table():
    page = "<table><tr><th>head</th></tr><tr><td>cell <p>para</p></td></tr></table><p>out</p>"
    assert block_with(page, "head").features["in_table"] is True
    assert block_with(page, "para").features["in_table"] is True
    assert block_with(page, "out").features["in_table"] is False


# -- meta ---------------------------------------------------------------------------------------


def test_meta_title_and_lang():
    _, meta = split(
        "<html lang='de'><head><title>\n  Die   Seite </title></head><body><p>x</p></body></html>"
    )
    assert meta == {"title": "Die Seite", "lang": "de", "url": ""}
    _, meta = split("<p>no title</p>")
    assert meta == {"title": "", "lang": "", "url": ""}


def _head(links: str) -> str:
    return f"<html><head><title>Bakery</title>{links}</head><body><p>Rye loaves today.</p></body></html>"


@pytest.mark.parametrize(
    ("links", "url"),
    [
        (
            '<link rel="canonical" href="https://bakery.example/bread/rye">',
            "https://bakery.example/bread/rye",
        ),
        (
            '<link rel="Canonical" href=" http://bakery.example/?a=1&amp;b=2 ">',
            "http://bakery.example/?a=1&b=2",
        ),
        ('<meta property="og:url" content="https://bakery.example/og">', "https://bakery.example/og"),
        (  # the canonical link wins over og:url, wherever each is
            '<meta property="og:url" content="https://bakery.example/og">'
            '<link rel="canonical" href="https://bakery.example/canonical">',
            "https://bakery.example/canonical",
        ),
        (  # a relative or malformed canonical link is passed over: og:url, then a later good link
            '<link rel="canonical" href="/bread/rye"><meta property="og:url" content="https://bakery.example/og">',
            "https://bakery.example/og",
        ),
        (
            '<link rel="canonical" href="//bakery.example/x"><link rel="canonical" href="https://b.example/">',
            "https://b.example/",
        ),
        ('<link rel="canonical" href="/bread/rye">', ""),
        ('<link rel="canonical" href="https://">', ""),
        ('<link rel="canonical" href="https://bak ery.example/">', ""),
        ('<link rel="canonical" href="https://bakery.example:port/">', ""),
        ('<link rel="canonical" href="http://[::1/">', ""),
        ('<link rel="canonical" href="javascript:alert(1)">', ""),
        ('<link rel="canonical">', ""),
        ('<meta property="og:url" content="bakery.example/rye">', ""),
        ('<link rel="alternate" href="https://bakery.example/fr">', ""),
        ('<meta name="og:title" content="https://bakery.example/t">', ""),
    ],
)
def test_meta_url_is_the_pages_own_absolute_url(links, url):
    assert split(_head(links))[1]["url"] == url


def test_meta_url_is_read_from_the_head_only():
    page = (
        '<html><head></head><body><link rel="canonical" href="https://bakery.example/"><p>x</p></body></html>'
    )
    assert split(page)[1]["url"] == ""
    assert split('<link rel="canonical" href="https://bakery.example/"><p>x</p>')[1]["url"] == (
        "https://bakery.example/"
    )  # no <head> written: the parser puts the link in the one it makes


TITLE_NEVER_CLOSED = (
    "<html><head><title>Harbour news <meta charset='utf-8'><link rel='icon' href='/i.png'></head>"
    "<body><h1>Boats return early</h1><p>The fleet came back before the storm.</p>"
    "<svg><title>a wave</title></svg><p>Nets were left on the quay.</p></body></html>"
)


@pytest.mark.parametrize(
    "page", [TITLE_NEVER_CLOSED, TITLE_NEVER_CLOSED.replace("<title>a wave</title>", "")]
)
def test_a_title_that_swallows_the_page_is_closed_where_its_text_turns_into_markup(page):
    blocks, meta = split(page)
    assert [b.text for b in blocks] == [
        "Boats return early",
        "The fleet came back before the storm.",
        "Nets were left on the quay.",
    ]
    assert blocks[0].features["heading"] == 1
    assert meta["title"] == "Harbour news"
    assert meta["warnings"] == [
        "page repaired: its <title> was never closed and held the page as text; "
        "it was closed where its text turns into markup"
    ]


def test_a_repaired_page_says_so_in_the_document_warnings():
    document = pageparts.classify(TITLE_NEVER_CLOSED.encode(), input_format="html")
    assert len(document.blocks) == 3
    assert document.warnings[0].startswith("page repaired: its <title> was never closed")


def test_a_closed_title_with_markup_in_its_text_is_left_as_it_is():
    blocks, meta = split("<title>Using <b> for bold</title><p>Only the paragraph.</p>")
    assert [b.text for b in blocks] == ["Only the paragraph."]
    assert meta == {"title": "Using <b> for bold", "lang": "", "url": ""}


# -- decoding -----------------------------------------------------------------------------------


def test_legacy_charset_declared_in_meta():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>caf\xe9 \x80 5</p></body></html>'
    # latin-1 is read as windows-1252, as browsers do: 0x80 is the euro sign
    assert texts(page.encode("latin-1")) == ["café € 5"]
    http_equiv = (
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\xcf\xf0\xe8</p>'
    )
    assert texts(http_equiv) == ["При"]


def test_utf8_bom_wins():
    page = "\ufeff<html><head><meta charset='windows-1252'></head><body><p>naïve — ok</p></body></html>"
    assert texts(page.encode("utf-8")) == ["naïve — ok"]
    assert decode_html(page.encode("utf-8"))[1] == "utf-8"


def test_valid_utf8_beats_a_stale_legacy_declaration():
    page = "<meta charset='iso-8859-1'><p>it’s “quoted”</p>".encode()
    assert texts(page) == ["it’s “quoted”"]


def test_undecodable_bytes_never_raise():
    # no declaration and not UTF-8: windows-1252, with U+FFFD for the bytes it leaves undefined
    assert texts(b"<p>caf\xe9 \x81 ok</p>") == ["café \ufffd ok"]
    # declared UTF-8 but broken
    assert texts(b"<meta charset='utf-8'><p>bad \xff\xfe bytes</p>") == ["bad \ufffd\ufffd bytes"]
    # nonsense declarations are ignored
    assert texts(b"<meta charset='rot13'><p>plain</p>") == ["plain"]
    assert texts(b"<meta charset='no-such-codec'><p>caf\xe9</p>") == ["café"]


def test_xml_declaration_and_control_characters():
    page = b"<?xml version='1.0' encoding='utf-8'?><html><body><p>a\x00b\x01c\xc2\x85d</p></body></html>"
    assert texts(page) == ["abcd"]


# -- format detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body>x</body></html>",
        b"\xef\xbb\xbf\n  <!doctype HTML>\n<title>x</title>",
        b"<html lang='en'>",
        b"  <head><title>x</title></head>",
        b"<body>",
        b"<?xml version='1.0'?>\n<!-- c --><html>",
        b"<div class='a'><p>Some <a href='/x'>text</a></p></div>",
        "<!DOCTYPE html><p>x</p>".encode("utf-16"),
    ],
)
def test_detect_format_claims_html(content):
    assert html_splitter.pageparts_detect_format(content) == "html"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Just some plain text.\n\nAnother paragraph.",
        b"if a < b and c > d then <- print",
        b"Use the <p> tag for paragraphs, and the <div> tag for divisions.",
        b"x <= 3\n<html> is mentioned later, not at the start",
        b"\x00\x01\x02\xff binary",
    ],
)
def test_detect_format_leaves_other_content_alone(content):
    assert html_splitter.pageparts_detect_format(content) is None


def test_split_ignores_other_formats():
    assert html_splitter.pageparts_split(b"<p>x</p>", "text") is None


# -- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t  ", b"\xef\xbb\xbf", b"<!-- only a comment -->"])
def test_empty_documents_give_no_blocks(content):
    blocks, meta = split(content)
    assert blocks == []
    assert meta == {"title": "", "lang": "", "url": ""}


def test_truncated_and_malformed_html():
    assert texts("<html><body><div><p>Hello <b>world") == ["Hello world"]
    assert texts("<p>one<p>two</div></span><li>three") == ["one", "two", "three"]
    assert texts("<table><tr><td>a<td>b<tr><td>c</table>") == ["a", "b", "c"]
    assert texts("<p>unclosed <!-- comment <p>never shown") == ["unclosed"]
    assert texts("<div class='a' <p>x</p>") == ["x"]


def test_deep_nesting_does_not_recurse():
    depth = 2_000  # just under libxml2's limit of 2,047 levels
    page = ("<div>x" * depth + "</div>" * depth).encode()
    limit = sys.getrecursionlimit()
    # leave only a little headroom above the current stack: any recursion per level would fail
    sys.setrecursionlimit(len(inspect.stack()) + 50)
    try:
        blocks, _ = html_splitter.pageparts_split(page, "html")
    finally:
        sys.setrecursionlimit(limit)
    assert len(blocks) == depth
    assert all(block.text == "x" for block in blocks)
    assert blocks[-1].features["depth"] == len(blocks[-1].features["path"]) > 1000


@pytest.mark.parametrize("depth", [5_000, 50_000])
def test_nesting_beyond_the_parser_limit_is_flattened_and_the_whole_page_read(depth):
    nest = (
        "<div><section><span>" * (depth // 3) + "deep <b>text</b>" + "</span></section></div>" * (depth // 3)
    )
    page = f"<title>Deep</title><p>before</p>{nest}<p>after</p><div><p>last</p></div>"
    blocks, meta = split(page)
    assert [b.text for b in blocks] == ["before", "deep text", "after", "last"]
    assert blocks[1].features["depth"] <= html_splitter.MAX_DEPTH + 1  # and the <body> the parser adds
    assert blocks[3].features["path"] == ["body", "div", "p"]
    assert meta["title"] == "Deep"
    assert meta["warnings"] == ["page repaired: elements nested deeper than 512 levels were flattened"]


def test_flattened_elements_keep_their_blocks_apart():
    page = "<p>before</p>" + "<div>x" * 10_000 + "</div>" * 10_000 + "<p>after</p>"
    found = texts(page)
    assert found == ["before", *["x"] * 10_000, "after"]


def test_flatten_deep_drops_only_the_tags_below_the_limit():
    page = "<div><ul><li>a<li>b</ul><div><p>c</p><span>d<b>e</b></span><br></div></div>"
    assert html_splitter.flatten_deep(page, limit=2) == (
        "<div><ul><br><br>a<br><br>b</ul><div><br><br>c<br><br>de<br></div></div>"
    )


def test_a_page_within_the_parser_limit_is_not_repaired():
    blocks, meta = split("<div>x" * 2_000 + "</div>" * 2_000)
    assert len(blocks) == 2_000 and "warnings" not in meta


def test_large_page_is_linear():
    row = (
        '<div class="teaser"><a href="/x">Headline {}</a>'
        "<p>Some <b>body</b> text with a <a href='/y'>link</a>.</p><ul><li>one</li><li>two</li></ul></div>\n"
    )
    rows = 5_000_000 // len(row)
    page = ("<html><body>" + "".join(row.format(i) for i in range(rows)) + "</body></html>").encode()
    assert len(page) > 5_000_000
    start = time.perf_counter()
    blocks, _ = html_splitter.pageparts_split(page, "html")
    elapsed = time.perf_counter() - start
    assert len(blocks) == 4 * rows
    assert blocks[-4].text == f"Headline {rows - 1}"
    assert blocks[-4].features["group_size"] == rows
    assert elapsed < 60, f"{elapsed:.1f}s for 5 MB: something is no longer linear"


def test_huge_page_of_inline_data():
    script = "<script>var data = '" + "A" * 20_000_000 + "';</script>"
    image = '<img src="data:image/png;base64,' + "QUJD" * 5_000_000 + '">'
    paragraph = "<p>" + "word " * 2_000_000 + "</p>"
    page = f"<html><body>{script}{image}{paragraph}<p>end</p></body></html>".encode()
    assert len(page) > 50_000_000
    start = time.perf_counter()
    blocks, _ = html_splitter.pageparts_split(page, "html")
    elapsed = time.perf_counter() - start
    assert [len(b.text) for b in blocks] == [len("word ") * 2_000_000 - 1, 3]
    assert elapsed < 30


def test_binary_garbage_only_ever_raises_value_error():
    rng = random.Random(7)
    for _ in range(200):
        content = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000)))
        try:
            blocks, meta = html_splitter.pageparts_split(content, "html")
        except ValueError as exc:
            assert "\n" not in str(exc)
            continue
        assert isinstance(meta, dict)
        for block in blocks:
            assert block.text == " ".join(block.text.split()) != ""
            assert 0 <= block.features["link_chars"] <= block.features["text_chars"] == len(block.text)


def _features(blocks):
    return [(b.text, b.features) for b in blocks]


def test_utf8_parse_gives_the_tree_the_text_parse_gives():
    # parse() hands libxml2 UTF-8 bytes and removes control characters there; the result must
    # be what parsing the cleaned str gives, whatever characters the page holds
    rng = random.Random(11)
    pieces = [
        "<p>", "</p>", "<div class='x\x01y'>", "</div>", "<a href=/>", "</a>", "<b>", "<br>", "<li>",
        "caf\u00e9", "\u00a0", "\x85", "\x9f", "\x80", "\x7f", "\x00", "\x1f", "\x0b", "\u2028", "\U0001f600",
        "&amp;", "&nbsp;", " ", "\n", "word", "<title>t\x01i</title>", "<!-- c -->", "\u00c2",
    ]  # fmt: skip
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        expected_root = html_splitter._parse(html_splitter._CONTROL.sub("", text))
        root = html_splitter.parse(text)
        assert (root is None) == (expected_root is None), repr(text)
        if root is not None:
            assert _features(html_splitter._walk(root)) == _features(html_splitter._walk(expected_root))
            assert html_splitter.page_meta(root) == html_splitter.page_meta(expected_root)


def test_only_control_characters_and_spaces_is_an_empty_page():
    assert html_splitter.parse("\x01 \x85\u00a0\x7f") is None


def test_a_str_with_lone_surrogates_does_not_raise():
    # it cannot be encoded as UTF-8, so the str itself is parsed (libxml2 stops at the surrogate)
    blocks, _ = html_splitter.split_html("<p>a\ud800b</p><p>c\x01d</p>")
    assert [b.text for b in blocks] == ["a"]


def test_a_page_whose_content_is_only_in_noscript_is_read_as_without_scripts():
    page = (
        "<html><body><div id='app'></div><noscript><h1>Thread title</h1>"
        + "<p>A forum post with enough words to be the content of this page. </p>" * 5
        + "</noscript></body></html>"
    )
    blocks, _ = html_splitter.pageparts_split(page.encode(), "html")
    assert blocks[0].text == "Thread title" and blocks[0].features["heading"] == 1
    assert len(blocks) == 6


def test_a_page_hidden_by_an_inline_style_until_scripts_run_is_still_read():
    page = "<body><div style='visibility:hidden'>" + "<p>Visible once scripts run, words here.</p>" * 10
    blocks, _ = html_splitter.pageparts_split(page.encode(), "html")
    assert len(blocks) == 10


def test_noscript_stays_invisible_on_a_page_with_content():
    page = "<body>" + "<p>Plenty of ordinary visible words in this paragraph.</p>" * 10
    page += "<noscript>Please enable JavaScript</noscript></body>"
    blocks, _ = html_splitter.pageparts_split(page.encode(), "html")
    assert all("JavaScript" not in block.text for block in blocks)


def test_path_words_inside_main_leave_out_the_elements_around_it():
    """An unclosed menu item can put <main> inside a <nav> in the parse: the menu's words must not
    become every main-content block's container words."""
    page = """<body><nav class="site-menu"><ul><li><div class="dropdown">
    <main class="story"><p>Story text.</p></main></div></li></ul></nav>
    <footer class="page-footer"><p>Contact</p></footer></body>"""
    assert block_with(page, "Story text.").features["path_words"] == "story"
    assert block_with(page, "Contact").features["path_words"] == "page footer"


def test_content_after_an_early_end_of_the_document_is_kept():
    """Browsers show what follows an early </body></html> (a template closed the page too soon);
    libxml2 alone drops it."""
    page = b"""<html><body><nav><a href="/">Home</a></nav></body></html>
    <div class="story"><h1>Late title</h1><p>The article came after the end tag.</p></div>
    </body></html>"""
    blocks, _ = html_splitter.split_html(page)
    assert [b.text for b in blocks] == ["Home", "Late title", "The article came after the end tag."]
    assert blocks[2].features["path"] == ["body", "div", "p"]


def test_a_page_that_ends_normally_is_parsed_as_it_is():
    blocks, _ = html_splitter.split_html(b"<html><body><p>Text.</p></body></html>\n<!-- served in 3 ms -->\n")
    assert [b.text for b in blocks] == ["Text."]


def test_utf8_bytes_are_parsed_as_the_decoded_text():
    """``split_html`` hands a UTF-8 page's own bytes to the parser (not the text encoded again):
    the same blocks and facts as from the decoded text, whatever the bytes hold."""
    body = "<html><body><p>Grüße aus Köln — ein Absatz mit genug Wörtern.</p><p>Zweiter Absatz.</p>"
    pages = [
        body.encode(),
        b"<?xml version='1.0'?>" + body.encode(),  # a declaration the parser is not given
        body.encode() + b"</body></html><div>after the end</div>",  # end tags moved
        codecs.BOM_UTF8 + body.encode(),
        body.encode() + b"<p>bad \xff byte</p>",  # not UTF-8: read otherwise
        "<html><body><p>caf\xe9 \ufffd</p>".encode(),  # a replacement character of its own
        "<p>plain text only</p>".encode("cp1252"),
        b"<meta charset='iso-8859-1'><p>Gr\xfc\xdfe</p>",
        b"<p>ctrl \x01\x7f and \xc2\x85 C1</p>",
    ]
    for page in pages:
        from_bytes, meta = split_html(page)
        from_text, text_meta = split_html(decode_html(page)[0])
        assert [(b.text, dict(b.features)) for b in from_bytes] == [
            (b.text, dict(b.features)) for b in from_text
        ]
        assert meta == text_meta
