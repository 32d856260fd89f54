"""Issue 13, "reports lost without a word": every record of a report file is accounted for
(``rows = imported + rejected + duplicates``, and ``rows`` is the number of records the file
holds) or the whole file is refused naming the line where its quoting breaks; a long cell
rejects its row, never the file; two reports that differ before CPR scrubbing never
become one; and no CPR number reaches the database in any spelling.

Through the real :class:`Repository` on the backend(s) of ``OPSPOR_TEST_BACKEND`` (SQLite
and/or PostGIS, the ``db_url`` fixture). CPR-shaped values are assembled from digit
groups here (``tests/detection/test_cpr.py`` is where they are written down)."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from detection.cpr import REPLACEMENT, is_cpr_digits
from detection.errors import InputError
from detection.partners.network import read_partner_file, validate_partner_rows
from detection.repository import Repository
from detection.routes.outcomes import check_outcome_rows, read_outcome_file
from detection.signals.importer import ImportFileError, check_rows, read_reports
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.tabular import CsvQuotingError, read_csv_rows
from tests.detection.conftest import NORDBY
from tests.detection.test_cpr import SEPARATOR_RUNS, cpr_numbers

AS_OF = date(2026, 11, 1)
PLANNER = "lifecycle_planner"
HEADER = ["Dato", "Type", "Adresse", "Bemærkning", "Reference"]
ADDRS = ["Kassundet 5", "Kassundet 6, 8305 Samsø", "Vangevej 4", "Lygten 2", "Nordby Hovedgade 13A"]
_BREAK = re.compile(r"\r\n|\r|\n")


# ------------------------------------------------------------------------------ workspace


@functools.cache
def _nordby():
    from detection.register.workspace import WorkspaceSpec, build_workspace_data

    return build_workspace_data(WorkspaceSpec(name="Nordby", osm=NORDBY))


def _workspace(url: str) -> Repository:
    admin = Repository.open(url, None)
    admin.replace_workspace(_nordby(), force=True)
    admin.upsert_user(PLANNER, role="planner", password=None)
    return admin.as_user(PLANNER)


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lifecycle") / "nordby.sqlite"
    _workspace(f"sqlite:///{path}")
    store_engine.dispose_engines()
    return path


@pytest.fixture()
def ws(db_url, _template) -> Repository:
    """The planner's repository on a Nordby workspace (SQLite: a copy of one module file)."""
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(_template, db_url.removeprefix("sqlite:///"))
        return Repository.open(db_url, PLANNER)
    return _workspace(db_url)


def _counts(repo: Repository) -> dict[str, int]:
    with store_engine.read_tx(repo.engine) as conn:
        return {name: conn.execute(select(func.count()).select_from(tab)).scalar_one()
                for name, tab in (("signals", t.signals), ("rejected_rows", t.rejected_rows),
                                  ("import_batches", t.import_batches))}


def _import(repo: Repository, data: bytes, name: str = "p.csv", **kw) -> dict:
    return repo.import_signals(data, file_name=name, as_of=AS_OF, **kw)


# ------------------------------------------------------------------------------ the cases of the review


def _lines(*rows: str) -> bytes:
    return (";".join(HEADER) + "\n" + "\n".join(rows) + "\n").encode("utf-8")


def test_a_stray_quote_that_never_closes__refused_naming_the_line_nothing_stored(ws):
    before = _counts(ws)
    data = _lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1",
                  '01-10-2026;Udlejer;Kassundet 6;"Beboer siger;R-2',
                  "01-10-2026;Udlejer;Vangevej 4;ok;R-3",
                  "01-10-2026;Udlejer;Lygten 2;ok;R-4")
    with pytest.raises(ImportFileError) as exc:
        _import(ws, data)
    assert exc.value.code == "bad_quoting"
    msg = str(exc.value)
    assert "line 3:" in msg and "'Bemærkning'" in msg and "never closes" in msg and "close it or remove it" in msg
    assert _counts(ws) == before


def test_a_stray_quote_closed_rows_later__refused_naming_the_line_where_it_opens(ws):
    before = _counts(ws)
    following = [f"01-10-2026;Naboklage;{ADDRS[i % 5]};note {i};R-{i}" for i in range(38)]
    data = _lines('01-10-2026;Udlejer;Kassundet 5;"Beboer siger;R-x', *following,
                  '01-10-2026;Udlejer;Kassundet 6;"citat" sagde han;R-y')
    with pytest.raises(ImportFileError) as exc:
        _import(ws, data)
    assert exc.value.code == "bad_quoting" and "line 2:" in str(exc.value)
    # closed by the quote that opens a cell of the next row, text or a delimiter after it
    for nxt in ('01-10-2026;Udlejer;Kassundet 6;"anden note";R-y', '01-10-2026;Udlejer;Kassundet 6;";x";R-y',
                '01-10-2026;"Udlejer";Kassundet 6;note;R-y'):
        data = _lines('01-10-2026;Udlejer;Kassundet 5;"Beboer siger;R-x', nxt, "01-10-2026;Udlejer;Vangevej 4;ok;R-z")
        with pytest.raises(ImportFileError) as exc:
            _import(ws, data)
        assert exc.value.code == "bad_quoting" and "line 2:" in str(exc.value), nxt
    assert _counts(ws) == before


def test_quoted_notes_over_several_lines_are_one_row_each(ws):
    data = _lines('01-10-2026;Udlejer;Kassundet 5;"linje et\nlinje to; med semikolon\n""citat""";R-1',
                  "01-10-2026;Udlejer;Vangevej 4;han sagde \"nej\";R-2",
                  "",
                  "01-10-2026;Udlejer;Lygten 2;ok;R-3")
    out = _import(ws, data)
    assert (out["rows"], out["imported"], out["rejected"], out["duplicates"]) == (3, 3, 0, 0)
    notes = set(ws.signals_to_assess()["note"])
    assert 'linje et\nlinje to; med semikolon\n"citat"' in notes and 'han sagde "nej"' in notes


@pytest.mark.parametrize("size", [2001, 131_073, 300_000])
def test_a_long_cell_rejects_its_row_never_the_file(ws, size):
    data = _lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1",
                  f"01-10-2026;Udlejer;Kassundet 6;{'x' * size};R-2",
                  f'01-10-2026;Udlejer;Vangevej 4;"{"y" * size}";R-3',
                  "01-10-2026;Udlejer;Lygten 2;ok;R-4")
    out = _import(ws, data)
    assert (out["rows"], out["imported"], out["rejected"]) == (4, 2, 2)
    assert [(r["row"], r["reason"]) for r in out["rejected_rows"]] == [(3, "field_too_long"), (4, "field_too_long")]


# ------------------------------------------------------------------------------ property: 0 rows lost


@st.composite
def report_files(draw):
    """Rows as partners' systems write them: most written by a CSV writer (quoted as
    needed; notes with quotes, delimiters, line breaks, very long), some written raw
    (verbatim, unquoted: stray quotes). Returns the bytes, the number of records, the
    first line of each raw row holding a quote, and the rows whose note is too long."""
    delim = draw(st.sampled_from([";", ","]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    need = len(HEADER) - 1
    chars = st.sampled_from(list("abcæø 12-.") + ['"', ";", ",", "\n", "\r\n", "\t"])
    proper_note = st.one_of(
        st.lists(chars, max_size=30).map("".join),
        st.text(max_size=40),
        st.sampled_from(["x" * 2001, "z" * 140_000, '"quoted"', '""', "ends with " + delim]),
    )
    raw_note = st.one_of(
        st.lists(st.sampled_from(list("abc æ") + ['"', delim]), max_size=20).map("".join),
        st.sampled_from(['"Beboer siger', '"citat" sagde han', 'han sagde "nej"', '"', 'a"b']),
    )
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delim, lineterminator=eol)
    writer.writerow(HEADER)
    stray_lines: set[int] = set()
    too_long: set[int] = set()
    n = draw(st.integers(1, 8))
    for i in range(n):
        cells = [draw(st.sampled_from(["01-10-2026", "15.10.2026", "2026-10-31"])),
                 draw(st.sampled_from(["Udlejer", "naboklage", "Ukendt"])),
                 draw(st.sampled_from(ADDRS)), "", draw(st.sampled_from(["", "R-1", "R-2", f"U-{i}"]))]
        line = 1 + len(_BREAK.findall(buf.getvalue()))
        if draw(st.booleans()) and draw(st.booleans()):  # a quarter of the rows: raw, mostly the note
            raw = draw(raw_note)
            cells[draw(st.sampled_from([3, 3, 3, 0, 1, 2, 4]))] = raw
            buf.write(delim.join(cells) + eol)
            if '"' in raw:
                stray_lines.add(line)
        else:
            note = draw(proper_note)
            if eol == "\n":  # Python's writer quotes a lone CR only when it ends lines with one
                note = re.sub(r"\r(?!\n)", "\n", note)
            if _BREAK.search(note) and (note.count(delim) >= need or note.endswith(delim)):
                # a legitimate note over several lines holds fewer delimiters than a row and does
                # not end with one (detection.tabular's rule)
                note = note.replace(delim, "/")
            cells[3] = note
            writer.writerow(cells)
            if len(note.strip()) > 2000:
                too_long.add(i + 2)
    return buf.getvalue().encode("utf-8"), n, stray_lines, too_long


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(case=report_files())
def test_property__every_record_accounted_for_or_the_file_refused_naming_the_line(ws, case):
    data, n_records, stray_lines, too_long = case
    before = _counts(ws)
    try:
        out = _import(ws, data)
    except ImportFileError as exc:
        event("refused")
        assert exc.code == "bad_quoting", str(exc)
        named = int(re.search(r"line (\d+):", str(exc)).group(1))
        assert named in stray_lines, (str(exc), stray_lines)
        assert _counts(ws) == before  # nothing stored
        return
    event("imported, with a quote written raw" if stray_lines else "imported")
    # 0 rows lost: the rows the file holds are the rows accounted for
    assert out["rows"] == n_records, (out, data[:500])
    assert out["imported"] + out["rejected"] + out["duplicates"] == out["rows"]
    after = _counts(ws)
    assert after["signals"] - before["signals"] == out["imported"]
    assert after["rejected_rows"] - before["rejected_rows"] == out["rejected"]
    assert after["import_batches"] == before["import_batches"] + 1
    if not stray_lines:  # every row is one record, so a row number is its place + 1
        reasons = {r["row"]: r["reason"] for r in out["rejected_rows"]}
        assert all(reasons.get(row) == "field_too_long" for row in too_long), (reasons, too_long)


def test_a_file_written_by_a_csv_writer_is_never_refused(ws):
    """The strict reader takes everything a proper writer writes (quotes, delimiters and
    line breaks in a note) — the refusal is for broken files only."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADER)
    notes = ['"', '""', 'a;b', 'a\nb', 'a\r\nb"c', ";", "x" * 2001, "slut;", '"start', "\n"]
    for i, note in enumerate(notes):
        w.writerow(["01-10-2026", "Udlejer", ADDRS[i % 5], note, f"Q-{i}"])
    out = _import(ws, buf.getvalue().encode("utf-8"))
    assert out["rows"] == len(notes) == out["imported"] + out["rejected"] + out["duplicates"]
    assert [r["reason"] for r in out["rejected_rows"]] == ["field_too_long"]


def test_cli__a_broken_file_and_a_cpr_source_exit_1_with_the_error_object(ws, tmp_path, capsys):
    from detection.cli.main import main

    url = str(ws.engine.url.render_as_string(hide_password=False))
    base = ["--db", url, "--user", PLANNER, "--as-of", "2026-11-01", "--json"]
    broken = tmp_path / "broken.csv"
    broken.write_bytes(_lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1", '01-10-2026;Udlejer;Kassundet 6;"ups;R-2',
                              "01-10-2026;Udlejer;Vangevej 4;ok;R-3"))
    before = _counts(ws)
    assert main([*base, "import-signals", str(broken)]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "bad_quoting" and "line 3:" in err["message"] and "'Bemærkning'" in err["message"]
    good = tmp_path / "good.csv"
    good.write_bytes(_lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1"))
    assert main([*base, "import-signals", str(good), "--source", "Kilde " + _cpr("010190", "1234")]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "cpr_in_source" and "010190" not in err["message"]
    assert _counts(ws) == before


# ------------------------------------------------------------------------------ CPR in keys


def _cpr(*groups: str) -> str:
    return "".join(groups)


def test_cpr_shaped_references__both_rows_rejected_nothing_merged(ws):
    before = _counts(ws)
    a, b = _cpr("240115", "1234"), _cpr("240115", "1235")
    out = _import(ws, _lines(f"01-10-2026;Udlejer;Kassundet 5;note;{a}", f"01-10-2026;Udlejer;Kassundet 5;note;{b}"))
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (2, 0, 0, 2)
    assert [r["reason"] for r in out["rejected_rows"]] == ["cpr_in_reference"] * 2
    assert all("reference" in r["message"] and a not in r["value"] for r in out["rejected_rows"])
    rej = ws.rejected_rows(batch_id=out["batch_id"])
    assert len(rej) == 2 and len(set(rej["key"])) == 2  # two rows, two keys
    assert _counts(ws)["signals"] == before["signals"]


def test_cpr_shaped_source_column__row_rejected(ws):
    src = "Kilde " + _cpr("010190", "-1234")
    out = _import(ws, ("Dato;Type;Adresse;Kilde\n"
                       f"01-10-2026;Udlejer;Kassundet 5;{src}\n01-10-2026;Udlejer;Kassundet 6;Kilde A\n").encode())
    assert [(r["row"], r["reason"]) for r in out["rejected_rows"]] == [(2, "cpr_in_source")]
    assert out["imported"] == 1 and out["cpr_removed"] == 1


def test_cpr_shaped_source_argument__the_import_is_refused_nothing_stored(ws):
    before = _counts(ws)
    with pytest.raises(ImportFileError) as exc:
        _import(ws, _lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1"), source="Kilde " + _cpr("010190", "1234"))
    assert exc.value.code == "cpr_in_source" and "010190" not in str(exc.value)
    assert _counts(ws) == before


def test_notes_that_differ_only_by_a_cpr_number_are_never_one_report(ws):
    a, b = _cpr("010190", "-1234"), _cpr("020290", "-1234")
    rows = [f"01-10-2026;Udlejer;Kassundet 5;borger {a} ringede;", f"01-10-2026;Udlejer;Kassundet 5;borger {b} ringede;",
            f"01-10-2026;Udlejer;Kassundet 5;borger {REPLACEMENT} ringede;"]
    out = _import(ws, _lines(*rows))
    assert (out["rows"], out["imported"], out["duplicates"], out["cpr_removed"]) == (3, 3, 0, 2)
    # and the store: the same text without a number is not a duplicate of a scrubbed one
    out = _import(ws, _lines(rows[2].replace("borger", "Borger")))
    assert out["duplicates"] == 1  # the unscrubbed one is (same normalised content)
    out = _import(ws, _lines(rows[0]))
    assert (out["imported"], out["duplicates"]) == (1, 0)  # a scrubbed row is never a duplicate by content


# ------------------------------------------------------------------------------ Excel numbers


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Dato", "Type", "Adresse", "Bemærkning", "Reference"])
    for r in rows:
        ws.append(r)
    path = tmp_path / "r.xlsx"
    wb.save(path)
    return path.read_bytes()


def test_excel_number_cells_are_read_as_integer_text(tmp_path):
    table = read_reports(_xlsx(tmp_path, [["01-10-2026", "Udlejer", "Kassundet 5", 12345.0, 2.5],
                                          ["01-10-2026", "Udlejer", "Kassundet 5", 123456789012, 7]]), "r.xlsx")
    assert [cells[3:] for _, cells in table.rows] == [["12345", "2.5"], ["123456789012", "7"]]


def test_excel_number_cells_holding_a_cpr_number(ws, tmp_path):
    """A CPR number whose leading zero Excel dropped (nine digits) and a ten-digit number
    cell: in a note removed, in a reference the row is rejected."""
    nine = int(_cpr("010203", "4512"))  # 0102034512 as Excel keeps it: 102034512
    ten = int(_cpr("240115", "1234"))
    data = _xlsx(tmp_path, [["01-10-2026", "Udlejer", "Kassundet 5", nine, "E-1"],
                            ["01-10-2026", "Udlejer", "Kassundet 6", ten, "E-2"],
                            ["01-10-2026", "Udlejer", "Vangevej 4", "ok", nine],
                            ["01-10-2026", "Udlejer", "Lygten 2", "ok", ten]])
    out = _import(ws, data, "r.xlsx")
    assert (out["rows"], out["imported"], out["cpr_removed"]) == (4, 2, 4)
    assert [(r["row"], r["reason"]) for r in out["rejected_rows"]] == [(4, "cpr_in_reference"), (5, "cpr_in_reference")]
    assert set(ws.signals_to_assess()["note"]) >= {REPLACEMENT}


# ------------------------------------------------------------------------------ CPR bytes on disk


def _spellings() -> list[tuple[str, str]]:
    """(spelling, its ten digits) — every separator of issue 13; the nine digits of a number
    whose leading zero was dropped stand alone in their cell."""
    d = _cpr("150324", "1234")
    a, b = d[:6], d[6:]
    g = [d[0:2], d[2:4], d[4:6], d[6:8], d[8:10]]
    forms = [a + b, a + "-" + b, a + " " + b, a + "\u00a0" + b, a + "  " + b, a + " - " + b, a + "/" + b,
             a + "." + b, a + "\u200b" + b, a + "\t" + b, " ".join(g), ".".join(g[:3]) + "-" + b,
             a + "\u2013" + b]
    out = [(f, d) for f in forms]
    nine = _cpr("010203", "4512")
    out.append((nine[1:], nine))  # the nine digits of a number whose leading zero was dropped
    return out


def _stored_values(repo: Repository) -> list[bytes]:
    """Every text and binary value of every table, as bytes (text in UTF-8)."""
    vals: list[bytes] = []
    with store_engine.read_tx(repo.engine) as conn:
        for table in t.metadata.sorted_tables:
            for row in conn.execute(select(table)).all():
                for v in row:
                    if isinstance(v, str):
                        vals.append(v.encode("utf-8"))
                    elif isinstance(v, bytes | memoryview):
                        vals.append(bytes(v))
    return vals


def test_no_cpr_number_reaches_the_database_in_any_spelling(ws, tmp_path):
    spellings = _spellings()
    rows = [f"01-10-2026;Udlejer;{ADDRS[i % 5]};{s if len(s) == 9 else f'borger {s} ringede'};S-{i}"
            for i, (s, _) in enumerate(spellings)]
    rows += [f"01-10-2026;Udlejer;Kassundet 5;ok;ref {spellings[1][0]}",
             f"01-10-2026;Kommunekontor;Kassundet 6;afvist {spellings[3][0]};S-x"]
    out = _import(ws, _lines(*rows), name=f"rapport {spellings[0][0]}.csv")
    assert out["rows"] == len(rows) and out["cpr_removed"] == len(rows)
    assert out["imported"] == len(spellings)
    ws.rejected_rows()
    needles = set()
    for s, digits in spellings:
        needles |= {s, digits, digits[:6] + "-" + digits[6:], digits[1:]}
    blobs = _stored_values(ws)
    if str(ws.engine.url).startswith("sqlite"):
        db = Path(ws.engine.url.database)
        blobs += [p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name)]
    for n in needles:
        for enc in ("utf-8", "utf-16-le"):
            hits = [i for i, b in enumerate(blobs) if n.encode(enc) in b]
            assert not hits, (repr(n), enc)
    assert any(REPLACEMENT.encode() in b for b in blobs)


# ------------------------------------------------------------------------------ the other CSV readers


def test_one_strict_reader__line_numbers_and_refusals():
    assert read_csv_rows('a;b\n1;"x\ny"\n\n2;3\n', "f.csv") == [(1, ["a", "b"]), (2, ["1", "x\ny"]), (4, []),
                                                                  (5, ["2", "3"])]
    for text, line in [('a;b;c\n1;2;3\n1;"x;3\n1;2;3\n', 3), ('a;b;c\n1;"x" y;3\n', 2),
                       ('a;b;c\n1;2;"x\n1;2;3\n1;2;"z"\n', 2), ('a;b\n"x;1\n2;"y";\n', 2)]:
        with pytest.raises(CsvQuotingError) as exc:
            read_csv_rows(text, "f.csv")
        assert exc.value.line == line and f"f.csv, line {line}:" in str(exc.value), (text, str(exc.value))
        assert isinstance(exc.value, InputError)


def test_partner_files__stray_quote_refused_long_cell_rejects_its_row(tmp_path):
    import pandas as pd

    path = tmp_path / "partners.csv"
    path.write_text('name;kind;notes\nA;housing_association;"ok\nB;housing_association;x\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_partner_file(path)
    assert "line 2:" in str(exc.value) and "'notes'" in str(exc.value)
    path.write_text(f"name;kind;notes\nA;housing_association;{'x' * 140_000}\nB;housing_association;ok\n",
                    encoding="utf-8")
    rows = read_partner_file(path)
    assert [r.row for r in rows] == [2, 3]
    imp = validate_partner_rows(rows, entrance_ids=set(), existing=pd.DataFrame(
        columns=["partner_id", "name", "kind"]), existing_coverage_keys=set())
    assert imp.rows == 2 and [(r["row"], r["reason"]) for r in imp.rejected] == [(2, "field_too_long")]


def test_outcome_files__stray_quote_refused_long_cell_rejects_its_row(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text('entrance_id;unit_id;outcome;visited_at;note\ne1;;not_home;2026-10-01T10:00;"ok\n'
                    "e2;;not_home;2026-10-01T10:05;x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_outcome_file(path)
    assert "line 2:" in str(exc.value) and "'note'" in str(exc.value)
    path.write_text("entrance_id;unit_id;outcome;visited_at;note\n"
                    f"e1;;not_home;2026-10-01T10:00;{'x' * 140_000}\ne1;;not_home;2026-10-01T10:05;ok\n",
                    encoding="utf-8")
    frame, first = read_outcome_file(path)
    good, rejected = check_outcome_rows(frame, entrances={"e1"}, unit_entrance={}, as_of=AS_OF, first_row=first)
    assert [g["row"] for g in good] == [3] and [(r["row"], r["reason"]) for r in rejected] == [(2, "field_too_long")]


def test_check_rows_refuses_a_cpr_source_before_any_row():
    table = read_reports(_lines("01-10-2026;Udlejer;Kassundet 5;ok;R-1"), "x.csv")
    with pytest.raises(ImportFileError) as exc:
        check_rows(table, None, as_of=AS_OF, source=_cpr("0101901", "234"))  # type: ignore[arg-type]
    assert exc.value.code == "cpr_in_source"


# ------------------------------------------------------------------------------ property: CPR spellings and other numbers
#
# Rows carry, at random, a CPR number spelled with any separator run between any digits in
# the note, an Excel cell of nine digits, or a number that is *not* a CPR number (a case
# number, a phone number, an invalid date) in the note or the reference: every record is
# accounted for, a non-CPR reference is never rejected for a CPR reason, a non-CPR note comes
# back exactly as written, and no stored value (nor, on SQLite, any byte of the database
# files) holds the ten digits.

NOT_CPR = ["sag 2024-0012345", "tlf 86 92 12 34", "konto 1234 5678901234", "321190-1234",
           "999999-9999", "12345678901", "ref 4512-77", "beløb 1.500.000 kr"]


@st.composite
def spelled(draw) -> tuple[str, str]:
    digits = draw(cpr_numbers()).replace("-", "").replace(" ", "")
    out = digits[0]
    for ch in digits[1:]:
        if draw(st.booleans()):
            out += draw(st.sampled_from(SEPARATOR_RUNS))
        out += ch
    return digits, out


@st.composite
def rows(draw) -> tuple[list[list[str]], list[str], list[tuple[str, str]], list[str]]:
    n = draw(st.integers(1, 6))
    lines: list[list[str]] = []
    cprs: list[str] = []
    plain_notes: list[tuple[str, str]] = []
    plain_refs: list[str] = []
    for i in range(n):
        note, ref = "ok", f"R-{i}"
        what = draw(st.sampled_from(["cpr_note", "excel_nine", "not_cpr_note", "not_cpr_ref"]))
        if what == "cpr_note":
            digits, s = draw(spelled())
            note = f"{draw(st.sampled_from(['', 'borger ', 'CPR:']))}{s}{draw(st.sampled_from(['', ' ringede', '.']))}"
            cprs.append(digits)
        elif what == "excel_nine":
            digits = draw(cpr_numbers()).replace("-", "").replace(" ", "")
            if digits[0] != "0":
                digits = "0" + digits[1:]
                if not is_cpr_digits(digits):
                    digits = "0102034512"
            note = digits[1:]
            cprs.append(digits)
        elif what == "not_cpr_note":
            note = draw(st.sampled_from(NOT_CPR))
            plain_notes.append((ref, note))
        else:
            ref = draw(st.sampled_from(NOT_CPR)) + f" #{i}"
            plain_refs.append(ref)
        lines.append(["01-10-2026", "Udlejer", ADDRS[i % len(ADDRS)], note, ref])
    return lines, cprs, plain_notes, plain_refs


def _csv(lines: list[list[str]], tag: str) -> bytes:
    """The rows as a CSV, each reference prefixed with ``tag`` (the workspace lives on
    between examples: a fresh tag keeps one example's references from another's)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    for cells in lines:
        w.writerow(cells[:4] + [tag + cells[4]])
    return buf.getvalue().encode("utf-8")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=rows())
def test_property__cpr_spellings_and_other_numbers__no_row_lost_no_cpr_stored(ws, case):
    lines, cprs, plain_notes, plain_refs = case
    tag = uuid.uuid4().hex[:8] + ":"
    n = len(lines)
    out = _import(ws, _csv(lines, tag), source="Boligselskab")
    assert out["rows"] == n
    assert out["imported"] + out["rejected"] + out["duplicates"] == n
    cpr_reasons = {r["reason"] for r in out["rejected_rows"]} & {"cpr_in_reference", "cpr_in_source"}
    assert not cpr_reasons, out["rejected_rows"]  # no reference here is CPR-shaped
    with store_engine.read_tx(ws.engine) as conn:
        stored = dict(conn.execute(select(t.signals.c.external_ref, t.signals.c.note)).all())
    for ref, note in plain_notes:  # a number that is no CPR number comes back as written
        assert stored.get(tag + ref) == note, (ref, note, stored.get(tag + ref))
    for ref in plain_refs:
        assert tag + ref in stored
    blobs = _stored_values(ws)
    if str(ws.engine.url).startswith("sqlite"):
        db = Path(ws.engine.url.database)
        blobs += [p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name)]
    for digits in cprs:
        for needle in {digits, digits[1:] if digits[0] == "0" else digits, digits[:6] + "-" + digits[6:]}:
            assert not any(needle.encode() in b for b in blobs), needle
