"""Scoring: the third step of the flow, from the facts of a document's blocks to one label per block.

The rule helpers (``rules``, ``text_index``) and the shipped models (``features``, ``models``,
``model_format``, with the compiled hot path ``_speedups`` chosen by ``speedups``) cast votes;
``combine`` turns them into labels, with a site's adaptation where one applies (``adaptation``,
``sites``). The labelled document then goes to ``pageparts.output``.
"""
