"""Training the shipped models: reading WCXB pages, deriving block labels, fitting, evaluating.

Not needed at classification time; ``scripts/build_models.py`` drives it.
"""
