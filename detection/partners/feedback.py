"""Feedback to a partner about its reports — counts only, no personal details.

The evaluation of the method found that partners keep reporting when they hear back. This
module makes the figures and the files (PDF with fpdf2, CSV): per quarter how many reports
the partner sent, how many were followed up, and how many led to contact. No address,
name, note or date of a single report leaves the team, and every count is protected like an
analyst's (rounded to a multiple of 5, ``"<5"`` where it rounds to 0; docs/privacy.md):
the file leaves the team.

- *followed up*: the report was assessed (*vurderet*), or someone visited its entrance on
  or after the day it came in;
- *led to contact*: a door outcome ``contact_established`` at its entrance on or after
  the day it came in.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from detection.files import write_private
from detection.privacy import one_cell_key, protect, record_keys
from detection.tabular import write_csv

COLUMNS = ("quarter", "reports", "followed_up", "led_to_contact")

_TEXTS = {
    "title": {"da": "Tilbagemelding på jeres henvendelser", "en": "Feedback on your reports"},
    "to": {"da": "Til", "en": "To"},
    "as_of": {"da": "Opgjort pr.", "en": "As of"},
    "intro": {
        "da": "Tak for jeres henvendelser. Her kan I se, hvad der er sket med dem. "
              "Tallene siger intet om enkelte personer eller adresser.",
        "en": "Thank you for your reports. Here is what happened to them. "
              "The figures say nothing about single people or addresses.",
    },
    "quarter": {"da": "Kvartal", "en": "Quarter"},
    "reports": {"da": "Henvendelser", "en": "Reports"},
    "followed_up": {"da": "Fulgt op", "en": "Followed up"},
    "led_to_contact": {"da": "Førte til kontakt", "en": "Led to contact"},
    "small": {
        "da": "Tal fra 1 til 4 vises som <5, så ingen enkeltperson kan genkendes.",
        "en": "Figures from 1 to 4 are shown as <5, so no single person can be recognised.",
    },
    "defs": {
        "da": "Fulgt op: henvendelsen er vurderet, eller vi har været på adressen. "
              "Førte til kontakt: vi fik kontakt med en beboer på adressen.",
        "en": "Followed up: the report was assessed, or we visited the address. "
              "Led to contact: we got in touch with a resident at the address.",
    },
}


def _quarter(d: pd.Timestamp) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def feedback_table(signals: pd.DataFrame, outcomes: pd.DataFrame, *, as_of: date,
                   quarters: int = 4, protected: bool = True) -> pd.DataFrame:
    """Counts per quarter for the last ``quarters`` quarters up to ``as_of`` (oldest first).

    Parameters
    ----------
    signals : DataFrame
        The partner's reports: ``signal_id``, ``entrance_id``, ``received``, ``assessment``.
    outcomes : DataFrame
        Door outcomes at those entrances: ``entrance_id``, ``outcome``, ``visited_at``.

    Returns
    -------
    DataFrame ``quarter`` (``YYYY-Qn``), ``reports``, ``followed_up``, ``led_to_contact``:
    the file leaves the team, so every count is protected as an analyst's is
    (docs/privacy.md): rounded to a multiple of 5 by cell-key random rounding, ``"<5"``
    where it rounds to 0 (``protected=False``: the exact counts, for the tests that check
    the counting by hand).
    """
    end = pd.Timestamp(as_of)
    labels = []
    q = pd.Period(end, freq="Q")
    for i in range(quarters - 1, -1, -1):
        p = q - i
        labels.append(f"{p.year}-Q{p.quarter}")
    s = signals.copy()
    s["received"] = pd.to_datetime(s["received"])
    s = s[s["received"] <= end]
    s["quarter"] = [_quarter(d) for d in s["received"]]
    o = outcomes.copy()
    if len(o):
        o["visited_day"] = pd.to_datetime(o["visited_at"], utc=True).dt.tz_convert("Europe/Copenhagen") \
            .dt.tz_localize(None).dt.normalize()
    visited = {}
    contact = {}
    for r in o.itertuples(index=False) if len(o) else []:
        visited.setdefault(r.entrance_id, []).append(r.visited_day)
        if r.outcome == "contact_established":
            contact.setdefault(r.entrance_id, []).append(r.visited_day)
    followed = [(a not in ("new", None)) or any(v >= rec for v in visited.get(e, []))
                for e, rec, a in zip(s["entrance_id"], s["received"], s["assessment"], strict=True)]
    led = [any(v >= rec for v in contact.get(e, []))
           for e, rec in zip(s["entrance_id"], s["received"], strict=True)]
    s["followed_up"] = followed
    s["led_to_contact"] = led
    s["_k"] = record_keys(s["signal_id"].astype(str)) if len(s) else np.zeros(0, dtype=np.uint64)
    rows = []
    for lab in labels:
        q_rows = s[s["quarter"] == lab]
        row = {"quarter": lab}
        for col, mask in (("reports", np.ones(len(q_rows), dtype=bool)),
                          ("followed_up", q_rows["followed_up"].to_numpy(bool)),
                          ("led_to_contact", q_rows["led_to_contact"].to_numpy(bool))):
            key = one_cell_key(q_rows["_k"].to_numpy()[mask])
            row[col] = protect(np.array([mask.sum()]), key, f"feedback.{col}")[0] if protected else int(mask.sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def write_feedback_csv(feedback: dict, path: str | Path, *, lang: str = "da") -> Path:
    """The feedback figures as CSV (``;``, UTF-8 with BOM, 0600): partner name, quarter, counts."""
    df = pd.DataFrame(feedback["quarters"], columns=list(COLUMNS))
    df.insert(0, "partner", feedback["name"])
    df = df.rename(columns={c: _TEXTS[c][lang] for c in COLUMNS})
    return write_csv(df.astype(str), path)


def _latin1(text: object) -> str:
    """fpdf2's core fonts are Latin-1: keep Danish letters, replace anything else."""
    return str(text).replace("–", "-").replace("—", "-").replace("’", "'").encode(
        "latin-1", "replace").decode("latin-1")


def write_feedback_pdf(feedback: dict, path: str | Path, *, lang: str = "da") -> Path:
    """A one-page PDF letter to the partner with the table of counts per quarter (0600)."""
    from fpdf import FPDF

    tx = {k: v[lang] for k, v in _TEXTS.items()}
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(tx["title"]))
    pdf.set_author("Opspor")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(tx["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _latin1(f"{tx['to']}: {feedback['name']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, _latin1(f"{tx['as_of']} {feedback['as_of']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 6, _latin1(tx["intro"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (40, 40, 40, 50)
    pdf.set_font("Helvetica", "B", 11)
    for w, c in zip(widths, COLUMNS, strict=True):
        pdf.cell(w, 8, _latin1(tx[c]), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 11)
    for r in feedback["quarters"]:
        for w, c in zip(widths, COLUMNS, strict=True):
            pdf.cell(w, 8, _latin1(r[c]), border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin1(tx["defs"]), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _latin1(tx["small"]), new_x="LMARGIN", new_y="NEXT")
    return write_private(path, bytes(pdf.output()))


def write_feedback(feedback: dict, path: str | Path, *, lang: str = "da") -> Path:
    """PDF when ``path`` ends in ``.pdf``, else CSV."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return write_feedback_pdf(feedback, path, lang=lang)
    return write_feedback_csv(feedback, path, lang=lang)
