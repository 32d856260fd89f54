"""The management report from the workspace's own data (issue 16): made by a team lead it is
protected all the same (it is handed on), it names no address and no entrance id (the
scan the partner feedback file gets), and the CLI writes it as PDF or Excel."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from detection import clock
from detection.cli.main import main
from detection.privacy import publication_date
from detection.repository import Repository
from detection.routes.field_files import pdf_text
from tests.detection.test_partner_feedback import _scan


def _needles(repo: Repository) -> list[str]:
    """Every address and entrance id of the register: none may be in a report."""
    e = repo.entrances()
    return sorted({f"{s} {h}" for s, h in zip(e["street"], e["house_number"], strict=True)} | set(e["entrance_id"]))


def test_report__protected_for_a_team_lead_and_counted_from_the_workspace(demo_copy):
    lead = Repository.open(str(demo_copy), "teamleder")
    data = lead.management_report()
    # the demo's framed half-year, ending at the publication point (the end of the last full month)
    assert (data.period_from, data.period_to) == (date(2026, 7, 1),
                                                  min(date(2026, 12, 31), publication_date(clock.today())))
    assert data.funnel["protected"] and data.fidelity["protected"] and data.evaluation["protected"]
    for st in data.funnel["stages"]:
        assert st["count"] == "<5" or st["count"] % 5 == 0, st
    exact = lead.funnel(start=data.period_from, end=data.period_to)
    assert not exact["protected"]
    contacts = next(s["count"] for s in exact["stages"] if s["id"] == "contacts")
    shown = next(s["count"] for s in data.funnel["stages"] if s["id"] == "contacts")
    assert contacts > 0 and abs(shown - contacts) < 5 * 3  # three channel parts, each rounded to 5
    assert {name for name, _, _ in data.areas} == {"Besser", "Kolby", "Nordby", "Onsbjerg", "Tranebjerg"}
    assert data.synthetic and len(data.fidelity["elements"]) == 8
    assert [s["id"] for s in data.evaluation["scenarios"]] == ["lav", "mellem", "hoej"]


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_report__the_cli_writes_it_and_it_names_no_address(demo_copy, tmp_path, capsys, suffix):
    out = tmp_path / f"rapport.{suffix}"
    capsys.readouterr()
    code = main(["--db", str(demo_copy), "--user", "teamleder", "report", "--out", str(out), "--json"])
    res = json.loads(capsys.readouterr().out)
    assert code == 0 and res["file"] == str(out) and res["protected"] is True
    assert out.stat().st_mode & 0o777 == 0o600
    needles = _needles(Repository.open(str(demo_copy), "teamleder"))
    if suffix == "pdf":
        text = pdf_text(out.read_bytes())
        assert "Ledelsesrapport" in text and "Metodefasthed" in text and "Tranebjerg" in text
        assert _scan(text, needles) == [] and _scan(out.read_bytes().decode("latin-1"), needles) == []
    else:
        wb = openpyxl.load_workbook(out)
        cells = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
        assert len(wb.worksheets) == 5 and "Tranebjerg" in cells
        assert _scan(cells, needles) == []
    # the scan can fail: an address put in the text is found
    some = needles[0]
    assert _scan(f"x {some} y", needles) == [some]


def test_report__a_field_worker_may_not_make_it(demo_copy, tmp_path, capsys):
    capsys.readouterr()
    code = main(["--db", str(demo_copy), "--user", "feltarbejder", "report", "--out", str(tmp_path / "r.pdf"),
                 "--json"])
    assert code == 3 and json.loads(capsys.readouterr().out)["error"]["code"] == "not_allowed"
    assert not (tmp_path / "r.pdf").exists()


def test_framing__route_planning_takes_its_pairs_and_shift_as_defaults(demo_copy, capsys):
    lead = Repository.open(str(demo_copy), "teamleder")
    f = lead.framing(date(2026, 11, 2))
    lead.set_framing(period_from=f.period_from, pairs=3, shift="10:00-14:00")
    capsys.readouterr()
    code = main(["--db", str(demo_copy), "--user", "teamleder", "plan-routes", "--area", "parishes:7244",
                 "--days", "1", "--from", "2026-11-02", "--as-of", "2026-11-02", "--seconds", "1", "--json"])
    plan = json.loads(capsys.readouterr().out)
    assert code == 0, plan
    assert plan["params"]["teams"] == 3 and plan["params"]["shift"] == "10:00-14:00"
    # given on the command line, they win
    code = main(["--db", str(demo_copy), "--user", "teamleder", "plan-routes", "--area", "parishes:7244",
                 "--days", "1", "--from", "2026-11-02", "--as-of", "2026-11-02", "--seconds", "1", "--teams", "1",
                 "--shift", "09:00-12:00", "--json"])
    plan = json.loads(capsys.readouterr().out)
    assert code == 0 and (plan["params"]["teams"], plan["params"]["shift"]) == (1, "09:00-12:00")
