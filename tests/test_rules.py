"""Rule votes of the built-in plugins on small invented pages."""

import time

from pageparts.document import Block, Document, Vote
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.scoring.rules import facts, lexicon


def text_doc(*texts: str) -> Document:
    return Document("t", "text", [Block(i, t, {"lines": t.count("\n") + 1}) for i, t in enumerate(texts)])


PROSE = (
    "The river council met on Thursday to discuss the new bridge, which has been delayed for "
    "three years. Engineers said the foundations were sound, but the budget had doubled since "
    "the first plans were drawn up."
)


def by_block(votes, label):
    return {v.block: v for v in votes if v.label == label}


def test_facts_count_words_sentences_and_lexicon_hits_per_block():
    d = text_doc("one two three.", "Sign in here", PROSE)
    f = facts(d)
    assert f.words.tolist() == [3, 3, len(PROSE.split())]
    assert f.sentences.tolist() == [1, 0, 2]
    assert f.hits(lexicon(["sign in", "bridge"])) == [[], ["sign in"], ["bridge"]]
    assert facts(d) is f  # cached per document


JAPANESE_PROSE = (
    "川の橋の工事について、市議会は木曜日に話し合いました。基礎は問題ないと技術者は言いましたが、"
    "予算は最初の計画の二倍になりました。工事は来年の春に始まる予定です。"
)


def test_japanese_prose_counts_a_word_a_character_and_its_full_stops_as_sentence_ends():
    """Japanese has no spaces: split at spaces, a paragraph would be one word with no sentence end,
    a menu item's shape; the body rule must see it as prose."""
    d = text_doc("ホーム ニュース", JAPANESE_PROSE)
    f = facts(d)
    assert f.words.tolist() == [3 + 4, len(JAPANESE_PROSE)]  # a mark between two characters is a word too
    assert f.sentences.tolist() == [0, 3]
    assert 1 in by_block(body.rule_votes(d), "body")


def test_appeals_with_a_small_amount_are_fundraising_but_big_sums_in_news_are_not():
    d = text_doc(
        "Our newsroom is funded by readers. Give whatever you can, $5 or $15, and donate today.",
        "The city will spend $400 million on the bridge, the council said on Monday evening.",
        "Donate",
    )
    votes = by_block(fundraising.rule_votes(d), "fundraising")
    assert votes[0].score >= 0.85 and "$5" in votes[0].reason
    assert 1 not in votes
    assert votes[2].score >= 0.7


def test_a_subscription_or_a_donation_named_with_a_price_is_no_ask_but_a_pitch_is():
    d = text_doc(
        "The subscription costs $12.99 a month, and the membership tier adds a second profile.",
        "The founder donated $500 to the campaign, records show.",
        "Membership",
        "Become a member for $5 a month and keep our reporting free for everyone.",
    )
    votes = by_block(fundraising.rule_votes(d), "fundraising")
    assert [votes[i].score for i in range(3)] == [0.55, 0.55, 0.55]
    assert votes[3].score == 0.9


def html_fundraising_votes(page: str) -> tuple[list[Block], dict[int, Vote]]:
    """The blocks of an HTML page and the fundraising rule's votes on them, by block."""
    from pageparts.splitters.html import split_html

    blocks, meta = split_html(page.encode())
    return blocks, by_block(fundraising.rule_votes(Document("p", "html", blocks, meta)), "fundraising")


def test_a_named_appeal_box_votes_fundraising_but_a_paywall_wrapping_the_article_does_not():
    story = "".join(f"<p>{PROSE}</p>" for _ in range(4))
    blocks, votes = html_fundraising_votes(
        f"<html><body><div class='paywall'><h1>Bridge plans</h1><p>By Ann Lee</p>{story}</div>"
        "<div class='donate-box'><p>Every reader counts</p></div></body></html>"
    )
    box = next(b.index for b in blocks if b.text == "Every reader counts")
    assert "donate" in votes[box].reason
    assert set(votes) == {box}


def test_a_paywall_named_section_of_many_short_teasers_is_no_appeal_box():
    story = "".join(f"<p>{PROSE}</p>" for _ in range(12))
    teasers = "".join(f"<li><a href='/s/{i}'>Council story number {i}</a></li>" for i in range(14))
    blocks, votes = html_fundraising_votes(
        f"<html><body><h1>Bridge plans</h1>{story}<div class='paywall-rail'><ul>{teasers}</ul></div>"
        "<div class='donate-box'><p>Every reader counts</p></div></body></html>"
    )
    teaser_blocks = [b.index for b in blocks if b.text.startswith("Council story")]
    assert len(teaser_blocks) > fundraising.MAX_WIDGET_BLOCKS  # under the words share, over the blocks
    box = next(b.index for b in blocks if b.text == "Every reader counts")
    assert set(votes) == {box}


def test_body_plugin_votes_other_for_captions_credits_licences_and_bylines():
    d = text_doc(
        "A heron standing in the shallow water at dawn",
        "A heron stands in the shallow water at dawn. (Photo: Jan Smit/Example Agency)",
        "Maria Lopez",
        PROSE,
        PROSE,
        "This article is licensed under a Creative Commons licence. Republish it freely.",
    )
    other = by_block(body.rule_votes(d), "other")
    assert set(other) == {0, 1, 2, 5}
    assert "caption" in other[1].reason and "image" in other[0].reason
    assert "byline" in other[2].reason and "licence" in other[5].reason


def test_a_dateline_is_other_but_not_the_dates_of_a_teaser_list_nor_a_title_with_a_date():
    article = text_doc(
        "Harbour Bridge Reopens After Two Years of Repairs",
        "Updated March 3, 2024 at 9:30 am",
        PROSE,
        "Council votes on the new budget on March 12, 2024",
        PROSE,
    )
    other = by_block(body.rule_votes(article), "other")
    assert set(other) == {1} and "date line" in other[1].reason
    teasers = []
    for n in range(3):
        teasers += [f"Story number {n} about the harbour", f"March {n + 1}, 2024"]
    listing = text_doc(PROSE, "Updated 2024-03-03 10:15", *teasers)
    assert not by_block(body.rule_votes(listing), "other")  # four date lines: a list's, not a dateline


def test_a_repeated_title_summary_author_pattern_is_a_teaser_list():
    teasers = []
    for n in range(4):
        teasers += [f"Story number {n} about the harbour", f"A short summary of story {n}.", "Ann Berg ·"]
    d = text_doc(PROSE, PROSE, *teasers)
    votes = by_block(related_links.rule_votes(d), "related-links")
    assert set(votes) == set(range(2, 2 + len(teasers)))
    assert "list of 4" in votes[2].reason


def test_a_call_to_contribute_code_is_no_appeal_but_one_to_contribute_money_is():
    d = text_doc(
        "Found a mistake in this page? The documentation lives in the repository with the code.",
        "Make a contribution",
        "Open an issue",
        PROSE,
        PROSE,
        "Our reporting is free to read. Give $10 a month or make a contribution of any size.",
        "Keep the newsroom going",
        "Contribute today",
    )
    votes = by_block(fundraising.rule_votes(d), "fundraising")
    assert set(votes) == {5, 7}
    assert "contribute today" in votes[7].reason


def _teaser_list_seconds(teasers: int) -> float:
    """CPU seconds of ``teaser_list`` on a list of ``teasers`` teasers (best of three)."""
    texts = []
    for n in range(teasers):
        texts += [f"Story number {n} about the harbour", f"A short summary of story {n}.", "Ann Berg ·"]
    f = facts(text_doc(*texts))
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        found = related_links.teaser_list(f)
        best = min(best, time.process_time() - started)
    assert len(found) == len(texts)
    return best


def test_a_long_teaser_list_takes_time_linear_in_its_length():
    small, large = _teaser_list_seconds(1_000), _teaser_list_seconds(8_000)
    assert large < 20 * max(small, 0.002), f"8 times the teasers took {large / small:.0f} times as long"


def test_a_plain_text_headline_and_dek_sit_above_the_byline_and_prose():
    d = text_doc(
        "Menu",
        "Bridge Opens After Three Years of Delays",
        "The council says the crossing will cut commuting times by half.",
        "By Maria Lopez",
        PROSE,
        PROSE,
        PROSE,
    )
    votes = by_block(headline.rule_votes(d), "headline")
    assert set(votes) == {1, 2}


def test_a_plain_text_headline_is_found_above_bylines_dates_and_photo_captions():
    d = text_doc(
        "Sign in",
        "Lighthouse Cottage Opens as a Museum",
        "Volunteers spent four summers rebuilding the roof, and the first visitors came on Saturday.",
        "By Ingrid Solberg",
        "May 4th, 2024 by The Courier",
        "Visitors climb the spiral stair to the lamp room on opening day. Photo: Tomas Reed",
        PROSE,
        PROSE,
        PROSE,
    )
    votes = by_block(headline.rule_votes(d), "headline")
    assert {i: v.score for i, v in votes.items()} == {1: 0.8, 2: 0.7}


def test_a_name_alone_between_the_dek_and_the_text_is_the_byline():
    d = text_doc(
        "'We Wanted It Lived In': Lighthouse Cottage Opens",
        "Volunteers spent four summers rebuilding the roof and the lamp room.",
        "Ingrid Solberg",
        PROSE,
        PROSE,
        PROSE,
    )
    assert set(by_block(headline.rule_votes(d), "headline")) == {0, 1}


def test_a_title_starting_like_a_byline_is_still_a_title():
    d = text_doc("Bypass Road Opens to Lorries at Last", "ByAna Ruiz", PROSE, PROSE, PROSE)
    assert set(by_block(headline.rule_votes(d), "headline")) == {0}


def test_a_title_like_line_below_two_paragraphs_heads_a_section_not_the_document():
    d = text_doc(PROSE, "Note", PROSE, "See below", "More", "What the Council Decided", PROSE, PROSE, PROSE)
    assert headline.rule_votes(d) == []


def test_newsletter_prompts_and_short_chrome_are_navigation():
    d = text_doc("Get the best stories in your inbox.", "Sign in", PROSE)
    votes = by_block(navigation.rule_votes(d), "navigation")
    assert set(votes) == {0, 1}


def test_the_site_header_and_footer_are_navigation_but_an_article_or_a_comment_keeps_its_own():
    html = (
        "<html><body><header><a href='/'>River Post</a><p>Local news since 1901</p></header>"
        "<main><article><header><h1>The bridge opens at last</h1><p>After three years of delays</p>"
        "<nav><p>Jump to the comments</p></nav></header>"
        f"<p>{PROSE}</p><footer><p>Filed under Bridges</p></footer>"
        "<section><h2>Comments</h2><article><p>About time too.</p><footer><p>Ann, 2 March</p></footer>"
        "</article></section></article></main>"
        "<footer><p>Copyright River Post</p><p>Made in Riverton</p></footer></body></html>"
    )
    from pageparts.splitters.html import split_html

    blocks, meta = split_html(html.encode())
    votes = by_block(navigation.rule_votes(Document("p", "html", blocks, meta)), "navigation")
    texts = [block.text for block in blocks]
    landmark = {texts[i] for i, v in votes.items() if v.reason.startswith("short text inside")}
    site = {"River Post", "Local news since 1901", "Copyright River Post", "Made in Riverton"}
    assert landmark == site | {"Jump to the comments"}  # a <nav> is navigation wherever it is


def test_the_headline_is_the_heading_matching_the_title_not_the_site_name_inside_it():
    from pageparts.splitters.html import split_html

    page = (
        "<html><head><title>Otters return to the Wandle after forty years | Riverside Gazette"
        "</title></head><body><header><h2><a href='/'>Riverside Gazette</a></h2></header>"
        "<main><h2>Local news</h2><h1>Otters return to the Wandle after forty years</h1>"
        f"<p>{PROSE}</p></main></body></html>"
    )
    blocks, meta = split_html(page.encode())
    d = Document("h", "html", blocks, meta)
    texts = [b.text for b in d.blocks]
    votes = by_block(headline.rule_votes(d), "headline")
    assert list(votes) == [texts.index("Otters return to the Wandle after forty years")]
    assert votes[texts.index("Otters return to the Wandle after forty years")].score == 0.85


def test_a_short_ask_naming_the_site_is_fundraising_but_a_help_desk_link_is_not():
    d = text_doc(
        "Support Harbour Weekly",
        "Support Center",
        "If you value this story, consider supporting our independent journalism.",
        "Customer support",
    )
    votes = by_block(fundraising.rule_votes(d), "fundraising")
    assert set(votes) == {0, 2}
    assert votes[0].score >= 0.75  # a short call to action


def test_paywall_and_subscriber_pitches_are_appeals_but_a_product_trial_is_not():
    d = text_doc(
        "This story is for paid subscribers. Unlock this article and every back issue.",
        "Subscriber-only newsletters arrive every Friday.",
        "If the Valley Ledger helps you, we ask for your support: become a Ledger subscriber.",
        "Start your free trial of the photo editor and cancel any time.",
        PROSE,
    )
    votes = by_block(fundraising.rule_votes(d), "fundraising")
    assert votes[0].score >= 0.85 and "unlock this article" in votes[0].reason
    assert "subscriber-only" in votes[1].reason
    assert votes[2].score >= 0.85
    assert 3 not in votes and 4 not in votes


def test_plan_prices_are_appeals_only_on_a_page_pitching_a_subscription():
    pitch = text_doc("Become a paid member of the Valley Ledger.", "Monthly", "$8/month", PROSE)
    votes = by_block(fundraising.rule_votes(pitch), "fundraising")
    assert "$8/month" in votes[2].reason
    assert 1 not in votes and 3 not in votes
    shop = text_doc("Photo editor plans", "Pro", "$8/month", PROSE)
    assert 2 not in by_block(fundraising.rule_votes(shop), "fundraising")
