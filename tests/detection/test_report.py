"""The management report (issue 16): PDF and XLSX from hand-made, already protected figures."""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from shapely.geometry import MultiPolygon, box

from detection.errors import InputError
from detection.method.fidelity import NAMES
from detection.method.report import (
    ReportData,
    class_labels,
    kroner,
    map_classes,
    net_words,
    number,
    percent,
    report_pdf,
    report_xlsx,
    write_report,
)
from detection.routes.field_files import pdf_text

STAGES_DA = ("Henvendelser", "Vurderet i målgruppen", "Døre banket på", "Kontakter", "Relationer",
             "Overdragelser")
CHANNELS_DA = ("Henvendelse fra samarbejdspartner", "Dør til dør", "Begge")
WELFARE_DA = "Velfærdsgevinster er ikke medregnet, som i metodens evaluering."

#: address-like strings and entrance ids that are in NO input: a report must never show them
CANARIES = ["Storegade 3", "Havnevej 12, 2. th", "8305 Samsø", "E-000123", "entrance_id", "u_team_lead"]


def _stages(counts: list[int | str]) -> list[dict]:
    ids = ("reports", "in_target_group", "doors_knocked", "contacts", "relationships", "handovers")
    out, prev = [], None
    for sid, n in zip(ids, counts, strict=True):
        v = 0 if isinstance(n, str) else n
        out.append({"id": sid, "count": n, "rate": None if not prev else round(v / prev, 4)})
        prev = v
    return out


def _element(eid: str, status: str, value: float | None, threshold: float, num: object, den: object,
             why: str | None = None) -> dict:
    return {"id": eid, "name": NAMES[eid][0], "name_en": NAMES[eid][1], "status": status,
            "symbol": {"met": "✓", "partly": "◐", "not_met": "✗"}[status], "value": value,
            "threshold": threshold, "numerator": num, "denominator": den, "why": why}


FUNNEL = {
    "period": {"from": "2026-07-01", "to": "2026-12-31"},
    "stages": _stages([40, 20, 1200, 30, 15, 10]),
    "by_channel": [
        {"channel": "report", "stages": _stages([25, 10, "<5", "<5", "<5", "<5"])},
        {"channel": "door", "stages": _stages(["<5", "<5", 1150, 20, 10, 5])},
        {"channel": "both", "stages": _stages([15, 10, 50, 10, 5, 5])},
    ],
    "by_report_kind": [],
    "medians": {"report_to_contact": {"median_days": 12.5, "n": 10},
                "contact_to_handover": {"median_days": None, "n": "<5"}},
    "protected": True,
}
FUNNEL_BY_AREA = {
    "period": FUNNEL["period"],
    "stages": FUNNEL["stages"],
    "by_area": [{"area": "Nordby (parishes:7240)", "stages": _stages([20, 10, 600, 15, 10, 5])},
                {"area": None, "stages": _stages([20, 10, 600, 15, 5, 5])}],
    "protected": True,
}
FIDELITY = {
    "period": FUNNEL["period"],
    "elements": [
        _element("framing", "met", 1.0, 1.0, 4, 4),
        _element("mapping", "partly", 0.5, 1.0, 1, 2),
        _element("communication", "met", 0.8, 0.8, 20, 25),
        _element("indirect", "not_met", None, 0.9, "<5", 10, "small"),
        _element("direct", "not_met", None, 0.8, 0, 0, "no_focus_doors"),
        _element("contact", "partly", 0.75, 1.0, 30, 40),
        _element("relationship", "met", 0.6667, 0.5, 10, 15),
        _element("handover", "not_met", None, 0.5, 0, 0, "none_ended"),
    ],
    "framed": True,
    "protected": True,
}
EVALUATION = {
    "period": FUNNEL["period"],
    "cost_total": 1419429,
    "citizens_reached": 30,
    "cost_per_citizen": 47314,
    "scenarios": [
        {"id": "lav", "name": "lav", "added_dkk": 500000, "prevented_dkk": 200000, "net_cost": 1719429,
         "net_cost_per_citizen": 57314, "items": []},
        {"id": "mellem", "name": "mellem", "added_dkk": 500000, "prevented_dkk": 1500000, "net_cost": 419429,
         "net_cost_per_citizen": 13981, "items": []},
        {"id": "hoej", "name": "høj", "added_dkk": 500000, "prevented_dkk": 2500000, "net_cost": -580571,
         "net_cost_per_citizen": -19352, "items": []},
    ],
    "welfare_gains_counted": False,
    "team_hours": 2800.0,
    "hourly_cost_dkk": 480,
    "other_costs_dkk": 75429,
    "by_channel": {"report": 5, "door": 20, "both": 5},
    "missing": [],
    "protected": True,
}
# two 1 km squares side by side, EPSG:25832 metres (Samsø)
NORDBY = box(590000, 6200000, 591000, 6201000)
SYDBY = box(591000, 6199500, 592000, 6201000)


def _data(**changes: object) -> ReportData:
    base = ReportData(workspace="Samsø (demo)", period_from=date(2026, 7, 1), period_to=date(2026, 12, 31),
                      made_on=date(2027, 1, 5), funnel=FUNNEL, funnel_by_area=FUNNEL_BY_AREA,
                      fidelity=FIDELITY, evaluation=EVALUATION,
                      areas=[("Nordby", NORDBY, 15), ("Sydby", SYDBY, "<5")], synthetic=True)
    return replace(base, **changes)


def _words(pdf: bytes) -> str:
    """The PDF's text with line breaks as spaces (a wrapped sentence reads whole)."""
    return " ".join(pdf_text(pdf).split())


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _scan(text: str, needles: list[str]) -> list[str]:
    low = text.lower()
    return [n for n in needles if n.lower() in low]


def _xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)


# ------------------------------------------------------------------------------ PDF


def test_pdf_holds_every_section_in_danish() -> None:
    pdf = report_pdf(_data())
    assert pdf.startswith(b"%PDF")
    text = _words(pdf)
    for word in STAGES_DA + CHANNELS_DA:
        assert word in text, word
    for da, _ in NAMES.values():
        assert da in text, da
    for status in ("opfyldt", "delvist", "ikke opfyldt"):
        assert status in text
    for scenario in ("lav", "mellem", "høj"):
        assert re.search(rf"\b{scenario}\b", text), scenario
    assert WELFARE_DA in text
    assert "1.419.429 kr." in text and "1.200" in text and "47.314 kr." in text
    assert "nettogevinst 580.571 kr." in text  # a negative net cost is a net gain, in words
    assert "66,7 %" in text and "12,5 dage" in text  # decimal comma
    assert "for få til at vise" in text and "ingen døre i fokusområderne" in text  # why, in words
    assert "mindst 90 %" in text  # the threshold, without "≥"
    assert "Samsø (demo)" in text and "01.07.2026-31.12.2026" in text  # "–" is not Latin-1
    assert "30 borgere" in text and "3 af 8 kerneelementer" in text
    assert "?" not in text  # no character was lost to the Latin-1 font


def test_pdf_says_demo_and_page_numbers_on_every_page() -> None:
    pdf = report_pdf(_data())
    text = _words(pdf)
    pages = _pages(pdf)
    assert pages >= 3
    assert text.count("Demo: opdigtede data") == pages
    for n in range(1, pages + 1):
        assert f"Side {n} af {pages}" in text
    assert "Demo" not in _words(report_pdf(_data(synthetic=False)))


def test_pdf_and_xlsx_name_no_address_but_the_areas() -> None:
    pdf = report_pdf(_data())
    xlsx = report_xlsx(_data())
    texts = [_words(pdf), pdf.decode("latin-1"), _xlsx_text(xlsx)]
    for t in texts:
        assert _scan(t, CANARIES) == []
    for t in (texts[0], texts[2]):
        assert "Nordby" in t and "Sydby" in t and "Nordby (sogn)" in t and "Uden område" in t
    # positive control: the scan does find an address when one is there
    assert _scan("Brev til Storegade 3", CANARIES) == ["Storegade 3"]


def test_pdf_in_english() -> None:
    text = _words(report_pdf(_data(), lang="en"))
    for word in ("Management report", "Reports", "Assessed in the target group", "Doors knocked",
                 "Door to door", "Report from a partner", "Framing", "Bridging and handover", "partly met",
                 "not met", "low", "medium", "high", "Welfare gains are not counted",
                 "1,419,429 DKK", "net gain 580,571 DKK", "Demo: made-up data", "Page 1 of",
                 "2026-07-01 to 2026-12-31", "too few to show"):
        assert word in text, word
    assert "Henvendelser" not in text and "opfyldt" not in text


def test_pdf_economics_says_what_is_missing() -> None:
    ev = dict(EVALUATION, cost_total=None, cost_per_citizen=None, citizens_reached="<5",
              missing=["framing", "team", "hourly_cost", "scenarios"],
              scenarios=[dict(s, net_cost=None, net_cost_per_citizen=None) for s in EVALUATION["scenarios"]])
    text = _words(report_pdf(_data(evaluation=ev)))
    assert "færre end 5 borgere" in text
    assert ("Mangler for en fuld opgørelse: rammesætningen af perioden, teamets timer, timeprisen, "
            "scenariernes ydelser og priser.") in text
    assert "ikke opgjort" in text and WELFARE_DA in text


def test_map_with_no_areas_says_there_is_nothing_to_draw() -> None:
    text = _words(report_pdf(_data(areas=[])))
    assert "Der er ingen områder at tegne på kortet." in text
    assert "Uden område" in text  # the funnel per area still shows


def test_map_with_only_a_small_area_is_hatched_and_labelled() -> None:
    pdf = report_pdf(_data(areas=[("Sydby", MultiPolygon([SYDBY, NORDBY]), "<5")]))
    text = _words(pdf)
    assert "Sydby <5" in text  # the label: name and count, not colour alone
    assert "Skraveret: under 5 (vises som <5)." in text


def test_map_classes_and_their_words() -> None:
    assert map_classes([5, "<5", 20, 40]) == ([10, 20, 30, 40], [0, 0, 1, 3])
    assert map_classes(["<5", "<5"]) == ([], [0, 0])
    assert map_classes([]) == ([], [])
    assert class_labels([10, 20, 30, 40], "da") == ["op til 10", "15-20", "25-30", "35-40"]
    assert class_labels([5, 10], "en") == ["up to 5", "10"]


def test_danish_numbers() -> None:
    assert number(1419429) == "1.419.429" and number(12.5) == "12,5" and number("<5") == "<5"
    assert kroner(1419429) == "1.419.429 kr." and kroner(1419429, "en") == "1,419,429 DKK"
    assert net_words(-593800) == "nettogevinst 593.800 kr." and net_words(44600) == "44.600 kr."
    assert percent(0.41666) == "41,7 %" and percent(None) == "–" and percent(0.5, "en") == "50%"


# ------------------------------------------------------------------------------ XLSX


def test_xlsx_has_five_sheets_with_numbers_as_numbers() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(_data())))
    assert wb.sheetnames == ["Resumé", "Tragt", "Metodefasthed", "Økonomi", "Områder"]
    for ws in wb:
        assert ws["A2"].value == "Demo: opdigtede data"
        assert all(c.font.bold for c in ws[3] if c.value is not None), ws.title
        assert ws.column_dimensions["A"].width >= 30
    tragt = wb["Tragt"]
    assert [c.value for c in tragt[3]] == ["Trin", *CHANNELS_DA, "I alt", "Andel af trinnet før"]
    rows = {r[0]: r for r in tragt.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["Døre banket på"][1:5] == ("<5", 1150, 50, 1200)
    assert rows["Henvendelser"][1] == 25 and isinstance(rows["Henvendelser"][1], int)
    assert rows["Kontakter"][5] == pytest.approx(0.025)
    assert tragt.cell(row=7, column=6).number_format == "0.0%"
    fid = {r[0]: r for r in wb["Metodefasthed"].iter_rows(min_row=4, values_only=True)}
    assert fid["Indirekte opsporing"][1] == "ikke opfyldt" and fid["Indirekte opsporing"][5] == "<5"
    assert fid["Indirekte opsporing"][7] == "for få til at vise"
    assert fid["Kontaktskabelse"][3] == 0.75
    eco = {r[0]: r for r in wb["Økonomi"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert eco["høj"][3] == -580571 and eco["høj"][5] == "nettogevinst"
    assert eco["Udgift til indsatsen i alt"][1] == 1419429
    assert WELFARE_DA in eco
    areas = {r[0]: r for r in wb["Områder"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert areas["Nordby"][1] == 15 and areas["Sydby"][1] == "<5"
    assert areas["Uden område"][1:] == (20, 10, 600, 15, 5, 5)
    summary = {r[0]: r[1] for r in wb["Resumé"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert summary["Periode fra"].date() == date(2026, 7, 1) and summary["Borgere nået"] == 30


def test_xlsx_neutralises_a_formula_in_an_area_name() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(_data(areas=[("=HYPERLINK(1)", NORDBY, 5)]))))
    assert wb["Områder"]["A4"].value == "'=HYPERLINK(1)" and wb["Områder"]["A4"].data_type == "s"


def test_xlsx_in_english() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(_data(synthetic=False), lang="en")))
    assert wb.sheetnames == ["Summary", "Funnel", "Method fidelity", "Economics", "Areas"]
    assert wb["Funnel"]["A3"].value == "Stage" and wb["Funnel"]["A2"].value is None


# ------------------------------------------------------------------------------ files and input


def test_write_report_by_suffix_is_private(tmp_path) -> None:
    for name in ("rapport.pdf", "rapport.XLSX"):
        path = write_report(_data(), tmp_path / name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
    assert openpyxl.load_workbook(tmp_path / "rapport.XLSX").sheetnames[0] == "Resumé"


def test_write_report_refuses_docx(tmp_path) -> None:
    with pytest.raises(InputError, match=r"'\.docx'.*\.pdf.*\.xlsx") as err:
        write_report(_data(), tmp_path / "rapport.docx")
    assert err.value.code == "report_format"
    assert not (tmp_path / "rapport.docx").exists()


def test_report_data_refuses_degrees_and_a_reversed_period() -> None:
    with pytest.raises(InputError, match=r"areas\[0\] \('Nordby'\).*degrees.*EPSG:25832"):
        _data(areas=[("Nordby", box(10.5, 55.8, 10.6, 55.9), 5)])
    with pytest.raises(InputError, match="after it ends"):
        _data(period_from=date(2027, 1, 1))
    with pytest.raises(InputError, match=r"count = -1"):
        _data(areas=[("Nordby", NORDBY, -1)])
    with pytest.raises(InputError, match="lang"):
        report_pdf(_data(), lang="de")  # type: ignore[arg-type]
