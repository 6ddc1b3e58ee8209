"""The headline of a plain-text page, found as on HTML: labelled, and the document's title."""

from __future__ import annotations

import pageparts

PAGE = """Sign up for our newsletter.

Support the Courier: readers like you keep local reporting free. Give what you can today.

'We Wanted It to Look Lived In': Lighthouse Cottage Opens as a Museum

Volunteers spent four summers rebuilding the roof and the lamp room, and the first visitors came on Saturday.

Ingrid Solberg

The cottage at the foot of the Hallow Point lighthouse opened its doors to the public on Saturday morning, \
more than a decade after the last keeper moved out and the building was left to the wind and the gulls.

A group of twenty volunteers, most of them retired carpenters and boat builders, spent four summers \
replacing the rotten beams of the roof, rebuilding the chimney and restoring the brass of the lamp room.

"We did not want it to look new," said Henrik Dahl, who led the work. "We wanted it to look like the \
keeper had just stepped out to check the weather, with a kettle on the stove."
"""


def test_a_plain_text_title_the_text_model_misses_comes_out_headline():
    document = pageparts.classify(PAGE.encode(), input_format="text")
    labels = [block.label for block in document.blocks]
    assert labels[2:4] == ["headline", "headline"]
    assert document.title() == "'We Wanted It to Look Lived In': Lighthouse Cottage Opens as a Museum"
