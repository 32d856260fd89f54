"""The feedback file to a partner: the right counts, the small-count rule, and no citizen
address or name in it (the PDF's text and the CSV are scanned)."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from detection.partners.feedback import feedback_table, write_feedback
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user

AS_OF = date(2026, 11, 1)


def pdf_text(path: Path) -> str:
    """The text drawn in a PDF made by fpdf2 (its content streams, inflated)."""
    raw = path.read_bytes()
    parts = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        body = m.group(1)
        try:
            body = zlib.decompress(body)
        except zlib.error:
            pass
        parts.extend(s.decode("latin-1") for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", body, re.S))
    return "\n".join(p.replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\") for p in parts)


def _addresses(repo: Repository) -> list[str]:
    e = repo.entrances()
    return sorted({f"{s} {h}" for s, h in zip(e["street"], e["house_number"], strict=True)}
                  | set(e["entrance_id"]))


def _scan(text: str, needles: list[str]) -> list[str]:
    return [n for n in needles if n and n in text]


@pytest.fixture()
def partner_ws(db_url):
    admin = make_workspace(db_url)
    planner = admin.as_user(role_user("planner"))
    pid = planner.add_partner("Boligselskab Feedback (test)", "boligselskab")
    with store_engine.write_tx(admin.engine) as conn:
        ids = list(conn.execute(select(t.signals.c.signal_id, t.signals.c.entrance_id)
                                .order_by(t.signals.c.entrance_id)).all())
        conn.execute(t.signals.update().values(partner_id=pid, note="Naboer ser aldrig beboeren i opgangen."))
        for sid, _ in ids[:3]:  # three reports in Q3: "<5"
            conn.execute(t.signals.update().where(t.signals.c.signal_id == sid).values(received=date(2026, 8, 1)))
        for sid, _ in ids[11:13]:
            conn.execute(t.signals.update().where(t.signals.c.signal_id == sid).values(assessment="in_target_group"))
    lead = admin.as_user(role_user("team_lead"))
    for _, e in ids[3:9]:
        lead.record_outcome(e, "contact_established", visited_at=datetime(2026, 10, 15, 10, tzinfo=UTC),
                            note="Beboeren åbnede døren.")
    for _, e in ids[9:11]:
        lead.record_outcome(e, "not_home", visited_at=datetime(2026, 10, 16, 10, tzinfo=UTC))
    return admin, planner, pid


def test_feedback__counts_per_quarter_exact_and_protected(partner_ws):
    admin, planner, pid = partner_ws
    fb = planner.partner_feedback(pid, as_of=AS_OF)
    q = {r["quarter"]: r for r in fb["quarters"]}
    assert list(q) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    # the counting, exact: Q4 27 reports; followed up = 6 contacts + 2 not home + 2 assessed = 10;
    # 6 led to contact; Q3 3 reports; Q1 none
    with store_engine.read_tx(admin.engine) as conn:
        sig = pd.read_sql(select(t.signals.c.signal_id, t.signals.c.entrance_id, t.signals.c.received,
                                 t.signals.c.assessment).where(t.signals.c.partner_id == pid), conn)
        outc = pd.read_sql(select(t.outcomes.c.entrance_id, t.outcomes.c.outcome, t.outcomes.c.visited_at), conn)
    exact = {r["quarter"]: r for r in feedback_table(sig, outc, as_of=AS_OF, protected=False).to_dict("records")}
    assert (exact["2026-Q4"]["reports"], exact["2026-Q4"]["followed_up"], exact["2026-Q4"]["led_to_contact"]) == (27, 10, 6)
    assert exact["2026-Q3"]["reports"] == 3 and exact["2026-Q1"]["reports"] == 0
    # the file leaves the team: every count rounded to a multiple of 5, "<5" where it rounds to 0
    assert q["2026-Q4"]["reports"] in (25, 30) and q["2026-Q4"]["followed_up"] == 10
    assert q["2026-Q4"]["led_to_contact"] in (5, 10)
    assert q["2026-Q3"]["reports"] in ("<5", 5) and q["2026-Q1"]["reports"] == "<5"
    for r in q.values():
        assert all(v == "<5" or v % 5 == 0 for k, v in r.items() if k != "quarter")
    assert planner.partner_feedback(pid, as_of=AS_OF)["quarters"] == fb["quarters"]  # the same every time


def test_feedback__files_hold_no_address_name_or_note(partner_ws, tmp_path):
    admin, planner, pid = partner_ws
    fb = planner.partner_feedback(pid, as_of=AS_OF)
    pdf = write_feedback(fb, tmp_path / "fb.pdf")
    csv = write_feedback(fb, tmp_path / "fb.csv")
    text = pdf_text(pdf)
    # the scan reads the PDF's text for real
    assert "Boligselskab Feedback (test)" in text and "Førte til kontakt" in text and "<5" in text
    csv_text = csv.read_text(encoding="utf-8-sig")
    assert str(fb["quarters"][-1]["reports"]) in csv_text and "<5" in csv_text
    needles = _addresses(admin) + ["Naboer ser aldrig", "Beboeren åbnede", "u_team_lead", "u_planner"]
    assert _scan(text, needles) == []
    assert _scan(csv_text, needles) == []
    assert _scan(pdf.read_bytes().decode("latin-1"), needles) == []
    # positive control: the scan does flag an address when one is there
    e = admin.entrances().iloc[0]
    assert _scan(f"Til {e['street']} {e['house_number']}", needles) == [f"{e['street']} {e['house_number']}"]


def test_feedback__every_demo_partner_file_is_clean(demo_db, tmp_path):
    planner = Repository.open(str(demo_db), "planner")
    needles = _addresses(planner)
    with store_engine.read_tx(planner.engine) as conn:
        notes = sorted(set(conn.execute(select(t.signals.c.note)).scalars()))
    needles += [n for n in notes if n]
    partners = planner.partners_list(as_of=AS_OF)
    assert len(partners) >= 10
    seen_counts = 0
    for pid in partners["partner_id"]:
        fb = planner.partner_feedback(pid, as_of=AS_OF)
        for suffix in ("pdf", "csv"):
            path = write_feedback(fb, tmp_path / f"{pid}.{suffix}", lang="da")
            text = pdf_text(path) if suffix == "pdf" else path.read_text(encoding="utf-8-sig")
            assert _scan(text, needles) == [], (pid, suffix)
        seen_counts += sum(1 for r in fb["quarters"] if r["reports"] not in (0,))
    assert seen_counts > 0  # some partner has reports, so the files are not trivially empty
