"""Pieces several pages share (the pages stay thin: layout and words, no logic)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def uploaded_path(upload) -> Iterator[Path]:  # noqa: ANN001 - a Streamlit UploadedFile
    """The bytes of an uploaded file in a private temporary folder, under the file's own name
    (its extension tells the importer the format); removed again afterwards."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        yield path
