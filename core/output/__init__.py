"""Results out: the last step of the flow.

A labelled document written as a table, JSON Lines or plain text (``formats``, with the fast
JSON Lines record of ``jsonl``), as the visual HTML report (``report``), and the progress line
and wording of messages on the way (``console``, ``wording``).
"""
