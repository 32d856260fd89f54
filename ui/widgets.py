"""Pieces several pages share (the pages stay thin: layout and words, no logic)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from detection import clock
from detection.access import ROLE_NAMES
from detection.errors import CprInIdentifier, HealthWordInLabel, NotAllowed
from detection.privacy import publication_date
from detection.tabular import danish_excel_csv, danish_number
from detection.vocab import area_words, layer_name
from ui.i18n import AUDIT_ACTIONS, AUDIT_PURPOSES, TEXTS, t


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
    language, and every error whose ``code`` the app knows (:func:`error_text` adds a Danish
    frame around the rest)."""
    if isinstance(exc, HealthWordInLabel):
        return t("err_health_word", lang).format(words=", ".join(exc.words))
    if isinstance(exc, CprInIdentifier):
        return t("err_cpr_in_identifier", lang)
    coded = _error_code_text(exc, lang)  # issue 15: every code the app can meet, translated
    return coded if coded is not None else str(exc)


# ---------------------------------------------------------------- issue 15: Danish throughout

def layer_label(layer: str, lang: str) -> str:
    """An area layer's name for people: "Sogne", "250 m-felter" (not ``parishes``, ``grid250``);
    the words live in :data:`detection.vocab.LAYER_NAMES` (a stored layer the app doesn't
    know keeps its name)."""
    return layer_name(layer, lang)


def number_text(value: object, lang: str, *, decimals: int = 1) -> str:
    """A number as the UI's language writes it (``1.816``, ``55,5`` in Danish); a masked count
    (``"<5"``) or any other text as it is; nothing (``None``/NaN) as ``–``."""
    if value is None or isinstance(value, bool):
        return "–" if value is None else t("yes" if value else "no", lang)
    if isinstance(value, str):
        return value
    try:
        if value != value:  # NaN
            return "–"
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if lang == "da":
        return danish_number(x, decimals=decimals)
    return f"{int(x):,}" if x.is_integer() else f"{round(x, decimals):,.{decimals}f}"


def date_text(value: object, lang: str, *, with_time: bool = False) -> str:
    """A date or a time as people read it: ``30.11.2026`` (``30.11.2026 14:05``, Copenhagen
    time) in Danish, ISO in English; nothing as ``–``. Stored times are UTC."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "–"
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return "–"
    if with_time:
        stamp = (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).tz_convert(clock.COPENHAGEN)
        return stamp.strftime("%d.%m.%Y %H:%M") if lang == "da" else stamp.strftime("%Y-%m-%d %H:%M")
    return stamp.strftime("%d.%m.%Y") if lang == "da" else stamp.strftime("%Y-%m-%d")


def date_format(lang: str) -> str:
    """How a date field writes its date: ``30.11.2026`` in Danish (Streamlit's own default
    is ``2026/11/30``)."""
    return "DD.MM.YYYY" if lang == "da" else "YYYY-MM-DD"


def yes_no(value: object, lang: str) -> str:
    """``Ja``/``Nej`` (``Yes``/``No``) for a truth value."""
    return t("yes" if bool(value) else "no", lang)


def excel_csv(df: pd.DataFrame, lang: str) -> bytes:
    """A table as a CSV for people opening it in (Danish) Excel: ``;``, decimal comma,
    ``Ja/Nej``, rounded values (:func:`detection.tabular.danish_excel_csv`)."""
    return danish_excel_csv(df, yes=t("yes", lang), no=t("no", lang))


_QUOTED = re.compile(r"'([^']{1,80})'")


def _error_code_text(exc: Exception, lang: str) -> str | None:
    code = getattr(exc, "code", "")
    if code == "focus_name":
        return t("err_focus_name", lang)
    if code == "focus_name_taken":
        return t("err_name_taken", lang)
    if code == "demo_workspace":
        return t("err_demo_workspace", lang)
    if code == "bad_quoting":
        return t("imp_bad_quoting", lang).format(line=getattr(exc, "line", "?"))
    if code == "cpr_in_source":
        return t("imp_cpr_in_source", lang)
    if code == "header_unknown":
        text = str(exc)
        if " is empty" in text:
            return t("imp_err_empty", lang)
        names = ", ".join(dict.fromkeys(_QUOTED.findall(text)))
        return t("imp_err_header", lang).format(columns=names or "–")
    if code == "bad_encoding":
        return t("imp_err_encoding", lang)
    if code == "conflict":
        return t("err_conflict", lang)
    if code == "closed_day":
        return t("err_closed_day", lang).format(value=getattr(exc, "value", "?"))
    if code == "closed_days_too_many":
        return t("err_closed_days_too_many", lang)
    if code in ("already_checked_in", "already_checked_out"):  # pair safety (issue 17)
        return t(f"err_{code}", lang).format(who=getattr(exc, "who", "?"), time=getattr(exc, "time", "?"))
    if code in ("in_after_out", "check_in_day", "check_out_early", "pair_needed", "setting_too_large",
                "setting_above_max"):
        return t(f"err_{code}", lang)
    if code.startswith("letter_") or code == "no_letters":  # issue 17: the letters' settings
        return _letter_error_text(exc, code, lang)
    if code == "member_busy":
        area = area_words(getattr(exc, "area", ""), lang)
        return t("err_member_busy", lang).format(
            member=getattr(exc, "member", "?"), day=date_text(getattr(exc, "day", None), lang),
            team=getattr(exc, "team", "?"), where=t("err_member_busy_where", lang).format(area=area) if area else "")
    if isinstance(exc, NotAllowed):
        return t("err_not_allowed", lang)
    if code and f"err_{code}" in TEXTS and "{" not in TEXTS[f"err_{code}"]["da"]:
        return t(f"err_{code}", lang)  # a code with a fixed sentence (e.g. issue 16's course rules)
    return None


def _letter_error_text(exc: Exception, code: str, lang: str) -> str | None:
    """A refused letter setting in words: which field, which words (:mod:`detection.routes.letters`)."""
    from detection.routes.letters import PLACEHOLDERS

    if f"err_{code}" not in TEXTS:
        return None
    words = getattr(exc, "words", None) or []
    field = getattr(exc, "field", "template")
    missing = [t(f"lt_setting_{w}", lang) for w in words if f"lt_setting_{w}" in TEXTS]
    return t(f"err_{code}", lang).format(
        what=t(f"lt_field_{field}", lang) if f"lt_field_{field}" in TEXTS else field,
        words=", ".join(words), value=getattr(exc, "value", ""),
        fields=", ".join("{" + p + "}" for p in PLACEHOLDERS),
        settings=(" og " if lang == "da" else " and ").join(missing) or ", ".join(words),
        key=getattr(exc, "value", "team_phone"))


def error_text(exc: Exception, lang: str) -> str:
    """What the user reads for any error of Opspor: a text in the UI's language chosen by
    the error's ``code`` (detection.errors); an error without one as a Danish sentence with
    the technical message for support."""
    known = input_error_text(exc, lang)
    if known != str(exc) or lang != "da":
        return known
    return t("err_generic", lang).format(detail=str(exc))


def role_text(role: str, lang: str) -> str:
    """A role as people say it (Planlægger, Teamleder …); the pseudo-role before sign-in too."""
    if role in ROLE_NAMES:
        return ROLE_NAMES[role][lang]
    return t("role_anonymous", lang) if role == "anonymous" else str(role)


def audit_action_text(action: str, lang: str) -> str:
    """An audit-log action code (``signals.import``) as what it means ("indlæste henvendelser")."""
    entry = AUDIT_ACTIONS.get(action)
    return (entry.get(lang) or entry["da"]) if entry else str(action)


def audit_purpose_text(purpose: str, lang: str) -> str:
    """An audit-log purpose (written in English by the code) in Danish; a purpose that begins
    with a known phrase keeps its tail (a role in it said as people say it)."""
    text = str(purpose or "")
    if lang != "da" or not text:
        return text
    if text in AUDIT_PURPOSES:
        return AUDIT_PURPOSES[text]
    for phrase, danish in sorted(AUDIT_PURPOSES.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(phrase):
            tail = text[len(phrase):]
            word = tail.strip()
            if word in ROLE_NAMES:
                tail = " " + ROLE_NAMES[word]["da"].lower()
            for english, words in AUDIT_PURPOSES.items():  # a known English tail ("5 failed sign-ins")
                if english.startswith(" ") and tail.endswith(english):
                    tail = tail[: -len(english)] + words
            return danish + tail
    return text


def cell_labels(places: pd.DataFrame, layer: str, lang: str) -> dict[str, str]:
    """Grid cells by their place ("250 m-felt nær Langgade, Tranebjerg"), not their DDKN id;
    ``places`` as :meth:`Repository.cell_places` gives them. A cell with no entrance is named
    by its centre in kilometres; a repeated name gets a number."""
    size = {"grid100": "100 m", "grid250": "250 m", "grid1km": "1 km"}.get(layer, "")
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for cell, street, city, x, y in zip(places["area_id"], places["street"], places["city"], places["x"],
                                        places["y"], strict=True):
        if street:
            place = f"{street}, {city}" if city else str(street)
            text = t("cell_near", lang).format(size=size, place=place)
        else:  # by its centre in kilometres (EPSG:25832), as the DDKN name counts
            text = t("cell_at", lang).format(size=size, n=number_text(round(y / 1000, 2), lang, decimals=2),
                                             e=number_text(round(x / 1000, 2), lang, decimals=2))
        seen[text] = seen.get(text, 0) + 1
        out[str(cell)] = text if seen[text] == 1 else f"{text} ({seen[text]})"
    return out


MAX_POINTS = 3_000
"""Points in view up to which a map draws one marker per point (reports on *Kort*, entrances
on *Dækning*); past it, counts per DDKN cell (issue 18). ``OPSPOR_MAP_MAX_POINTS`` overrides it."""


def max_points(default: int = MAX_POINTS) -> int:
    """``default``, or ``OPSPOR_MAP_MAX_POINTS`` when that is a whole number."""
    try:
        return max(0, int(os.environ.get("OPSPOR_MAP_MAX_POINTS", default)))
    except ValueError:
        return default
