"""Converting a model directory of joblib files (pageparts 0.1) into pageparts model files.

No retraining: each listed ``.joblib`` file is checked against its manifest's SHA-256, read with
the restricted reader (``pageparts.training.joblib_files``: no code from the file runs, scikit-learn
is not imported) and exported (``pageparts.training.export``) to ``<plugin>-<kind>.npz``. The
manifest keeps everything it said and lists the new files (SHA-256, size, format and feature
version, and the file each was converted from); ``combiner.json`` is copied as it is. The
converted models give the scores the joblib files gave (the same trees and weights, the same
arithmetic; ``bench/same_output.py`` checks it on the WCXB pages).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ..scoring.combine import COMBINER_FILE
from ..scoring.model_format import FORMAT_VERSION, save
from ..scoring.models import MANIFEST, OLD_SUFFIX, ModelError, sha256, verify
from .export import ExportError, export
from .joblib_files import Unreadable, read_joblib


class ConversionError(ValueError):
    """A directory or file that cannot be converted; the message says which and why."""


def convert_directory(source: Path, out: Path) -> list[tuple[str, str]]:
    """Convert the joblib models of the directory ``source`` into model files in ``out`` (which may
    be ``source`` itself); returns (joblib file, model file) for each one converted."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise ConversionError(f"{source} has no {MANIFEST}: not a model directory")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    entries = dict(manifest.get("models", {}))
    old = {name: entry for name, entry in entries.items() if name.endswith(OLD_SUFFIX)}
    if not old:
        raise ConversionError(f"{source} lists no {OLD_SUFFIX} files: nothing to convert")
    out.mkdir(parents=True, exist_ok=True)
    converted, models = [], {}
    for name, entry in entries.items():
        if name not in old:
            if out != source:
                shutil.copyfile(source / name, out / name)
            models[name] = entry
            continue
        path = source / name
        try:
            verify(path, entry)
            fitted = read_joblib(path.read_bytes())
            trained_with = entry.get("versions", {}).get("scikit-learn")
            model = export({**fitted, "scikit-learn": trained_with})
        except (ModelError, Unreadable, ExportError, KeyError, TypeError, AttributeError, OSError) as error:
            raise ConversionError(f"{path}: cannot convert it: {type(error).__name__}: {error}") from None
        target = out / model.file
        save(model, target)
        models[model.file] = {
            **{k: v for k, v in entry.items() if k not in ("sha256", "bytes")},
            "sha256": sha256(target),
            "bytes": target.stat().st_size,
            "format_version": FORMAT_VERSION,
            "feature_version": model.feature_version,
            "exported_from": model.exported_from,
            "converted_from": {"file": name, "sha256": entry.get("sha256")},
        }
        converted.append((name, model.file))
    combiner = source / COMBINER_FILE
    if combiner.is_file() and out != source:
        shutil.copyfile(combiner, out / COMBINER_FILE)
    manifest = {"format_version": FORMAT_VERSION, **manifest, "models": models}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return converted
