"""The pageparts test kit's fixtures (small_document, small_text_document) for these tests."""

pytest_plugins = ["pageparts.testing"]
