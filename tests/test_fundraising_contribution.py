"""A documentation page asking for code contributions is not asking for money."""

from __future__ import annotations

import pageparts

DOCS_PAGE = """<!DOCTYPE html><html><head><title>Configuring the build cache - Quarry Docs</title></head>
<body>
<header><nav><a href="/">Quarry</a> <a href="/docs">Docs</a> <a href="/api">API</a></nav></header>
<main><article><h1>Configuring the build cache</h1>
<p>The build cache stores the outputs of earlier builds so that unchanged modules are not compiled
again. This page explains how to enable it, where it keeps its files and how to clear it.</p>
<h2>Clearing the cache</h2>
<p>Run the clean command with the cache flag to remove every stored output. The next build then
starts from nothing and fills the cache again.</p></article></main>
<aside class="docs-feedback"><h3>Help us improve these docs</h3>
<p>Found a mistake? The documentation lives in the same repository as the code.</p>
<p><a href="https://example.org/quarry/docs/edit">Make a contribution</a></p>
<p><a href="https://example.org/quarry/issues/new">Open an issue</a></p></aside>
<footer><p>Quarry is released under the MIT licence.</p></footer></body></html>"""


def test_make_a_contribution_on_a_documentation_page_is_not_fundraising():
    document = pageparts.classify(DOCS_PAGE.encode(), input_format="html")
    [ask] = [block for block in document.blocks if block.text == "Make a contribution"]
    assert ask.label != "fundraising"
    assert not [vote for vote in ask.votes if vote.plugin == "fundraising" and "model" not in vote.reason]


def test_make_a_contribution_beside_a_donation_ask_is_fundraising():
    page = DOCS_PAGE.replace(
        "<p>Found a mistake? The documentation lives in the same repository as the code.</p>",
        "<p>Quarry is built by volunteers. Donate $5 a month to pay for the build servers.</p>",
    )
    document = pageparts.classify(page.encode(), input_format="html")
    [ask] = [block for block in document.blocks if block.text == "Make a contribution"]
    assert ask.label == "fundraising"
