"""The app's words in Danish (default) and English.

One table, :data:`TEXTS`, built from the core strings (:mod:`ui.i18n.core`) and one module
per concept (signals, priorities, routes, partners, progress); :func:`t` looks a key up in it.
"""

from __future__ import annotations

from ui.i18n.core import AUDIT_ACTIONS, AUDIT_PURPOSES, LICENCES
from ui.i18n.core import TEXTS as _CORE
from ui.i18n.letters import TEXTS_LETTERS
from ui.i18n.method import TEXTS_METHOD
from ui.i18n.partners import TEXTS_PARTNERS
from ui.i18n.priorities import TEXTS_PRIORITIES
from ui.i18n.progress import TEXTS_PROGRESS
from ui.i18n.routes import TEXTS_ROUTES
from ui.i18n.safety import TEXTS_SAFETY
from ui.i18n.signals import TEXTS_IMPORTS

TEXTS: dict[str, dict[str, str]] = {**_CORE, **TEXTS_IMPORTS, **TEXTS_PRIORITIES, **TEXTS_ROUTES,
                                    **TEXTS_PARTNERS, **TEXTS_PROGRESS, **TEXTS_SAFETY,
                                    **TEXTS_LETTERS, **TEXTS_METHOD}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (Danish when the key lacks that language)."""
    entry = TEXTS[key]
    return entry.get(lang) or entry["da"]


__all__ = ["AUDIT_ACTIONS", "AUDIT_PURPOSES", "LICENCES", "TEXTS", "t"]
