"""Labelled blocks and how pageparts is measured: beside the flow, not on it.

The labelled-blocks format that ``train``, ``evaluate``, ``annotate`` and ``label-from-truth``
read and write (``labelled``), its hand-correctable text form (``annotation``), and the scores
of pageparts' output against gold labels (``evaluation``) and of extracted text against a
ground truth (``extraction_scores``). ``pageparts.training`` retrains from the same data.
"""
