"""Shipped models: placeholder until trained models land (see trained/manifest.json)."""

from __future__ import annotations

from .document import Document, Vote


def has_model(plugin: str) -> bool:
    """True when a verified model file for ``plugin`` ships in trained/."""
    return False


def model_votes(plugin: str, label: str, document: Document) -> list[Vote]:
    """One vote per block with the model's probability of ``label``; none without a model."""
    return []
