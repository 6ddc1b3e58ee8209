"""Training: labels from ground truth, preparing labelled documents, fitting models and the combiner.

Not needed at classification time; ``pageparts label-from-truth`` and ``pageparts train`` drive it
(docs/training.md).
"""
