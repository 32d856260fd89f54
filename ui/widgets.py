"""Pieces several pages share (the pages stay thin: layout and words, no logic)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from detection import clock
from detection.errors import CprInIdentifier, HealthWordInLabel
from detection.privacy import publication_date
from ui.i18n import t


@contextmanager
def uploaded_path(upload) -> Iterator[Path]:  # noqa: ANN001 - a Streamlit UploadedFile
    """The bytes of an uploaded file in a private temporary folder, under the file's own name
    (its extension tells the importer the format); removed again afterwards."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        yield path


def publication_label(lang: str) -> str:
    """The analysts' publication point (docs/privacy.md), as the user reads a date."""
    d = publication_date(clock.today())
    return d.strftime("%d.%m.%Y") if lang == "da" else d.isoformat()


def input_error_text(exc: Exception, lang: str) -> str:
    """What the user reads for an input error: the store guard's refusals in the UI's
    language; other errors as their message (issue 15 translates the rest)."""
    if isinstance(exc, HealthWordInLabel):
        return t("err_health_word", lang).format(words=", ".join(exc.words))
    if isinstance(exc, CprInIdentifier):
        return t("err_cpr_in_identifier", lang)
    return str(exc)
