"""CPR numbers: every CPR-shaped number with a valid date is removed, non-dates are kept."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from detection.cpr import REPLACEMENT, contains_cpr, scrub
from detection.signals.importer import check_rows, read_reports
from geo.geocode import AddressIndex


@st.composite
def cpr_numbers(draw) -> str:
    d = draw(st.dates(min_value=date(1858, 1, 1), max_value=date(2036, 12, 31)))
    yy = d.year % 100
    # the 7th digit that gives this date's century (CPR office rules)
    if 1900 <= d.year <= 1999:
        d7s = [0, 1, 2, 3] + ([4, 9] if yy >= 37 else [])
    elif 2000 <= d.year <= 2036:
        d7s = [4, 9] + ([5, 6, 7, 8] if yy <= 57 else [])
    else:  # 1858–1899
        d7s = [5, 6, 7, 8]
    d7 = draw(st.sampled_from(d7s))
    rest = draw(st.integers(0, 999))
    sep = draw(st.sampled_from(["-", "", " "]))
    return f"{d.day:02d}{d.month:02d}{yy:02d}{sep}{d7}{rest:03d}"


_filler = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(before=_filler, number=cpr_numbers(), after=_filler)
def test_generated_cpr_numbers_are_always_removed(before, number, after):
    text, n = scrub(before + number + after)
    assert n == 1
    assert number not in text and number.replace("-", "") not in text.replace("-", "")
    assert REPLACEMENT in text


@settings(max_examples=200, deadline=None)
@given(dd=st.integers(32, 99), mm=st.integers(0, 99), yy=st.integers(0, 99), tail=st.integers(0, 9999))
def test_non_dates_are_kept(dd, mm, yy, tail):
    s = f"ref {dd:02d}{mm:02d}{yy:02d}-{tail:04d}"
    assert scrub(s) == (s, 0)


def test_examples():
    assert scrub("999999-1234") == ("999999-1234", 0)
    assert scrub("001090-1234")[1] == 0  # day 00
    assert scrub("311190-1234")[1] == 0  # 31 November
    assert scrub("2902004234")[1] == 1   # 29 Feb 2000 (7th digit 4, year 00 → 2000)
    assert scrub("2902001234")[1] == 0   # 29 Feb 1900 does not exist
    assert scrub("tlf 12345678, sag 2024-0012") == ("tlf 12345678, sag 2024-0012", 0)
    assert scrub("1201901234567")[1] == 0  # part of a longer number
    assert scrub("a0101901234b 020290-4321")[1] == 2
    assert contains_cpr("CPR:010190-1234") and not contains_cpr("")


@settings(max_examples=60, deadline=None)
@given(number=cpr_numbers(), column=st.sampled_from(["Adresse", "Bemærkning", "Kilde", "Reference", "Type", "Dato"]))
def test_cpr_in_any_field_never_reaches_an_accepted_or_rejected_row(number, column):
    import pandas as pd

    index = AddressIndex(pd.DataFrame([("00000000-0000-0000-0000-000000000001", "Agerup", "2", "8305", 6e5, 6.19e6)],
                                      columns=["entrance_id", "street", "house_number", "postcode", "x", "y"]))
    row = {"Dato": "01-10-2026", "Type": "Udlejer", "Adresse": "Agerup 2", "Kilde": "Boligselskab X",
           "Bemærkning": "note", "Reference": "R1"}
    row[column] = row[column] + " " + number
    data = (";".join(row) + "\n" + ";".join(row.values()) + "\n").encode("utf-8")
    res = check_rows(read_reports(data, "f.csv"), index, as_of=date(2026, 11, 1) + timedelta(days=0))
    assert res.cpr_removed == 1
    everything = repr([vars(a) for a in res.accepted]) + repr([vars(r) for r in res.rejected])
    assert number not in everything
    assert number.replace("-", "").replace(" ", "") not in everything.replace("-", "").replace(" ", "")


# --- every spelling (issue 13): separators between any two digits, Unicode spaces, Excel ---

#: separator runs seen in the wild: NBSP, double space, " - ", "/", ".", a zero-width
#: space, a tab, narrow NBSP, an en dash, a soft hyphen, an ideographic space …
SEPARATOR_RUNS = ["-", " ", "\u00a0", "  ", " - ", "/", ".", "\u200b", "\t", "\u202f", "\u2013",
                  "\u00ad", "\u3000", "\u2060", "\ufeff", "_", ". ", " / ", "\u2009", "\u2212"]


@st.composite
def spelled_cpr(draw) -> tuple[str, str]:
    """(a CPR number's ten digits, a spelling of them with separators between any digits)."""
    digits = draw(cpr_numbers()).replace("-", "").replace(" ", "")
    out = digits[0]
    for ch in digits[1:]:
        if draw(st.booleans()):
            out += draw(st.sampled_from(SEPARATOR_RUNS))
        out += ch
    return digits, out


@settings(max_examples=400, deadline=None)
@given(before=_filler, spelled=spelled_cpr(), after=_filler)
def test_every_spelling_is_removed(before, spelled, after):
    digits, number = spelled
    text, n = scrub(before + number + after)
    assert n >= 1
    kept = "".join(c for c in text if c.isdigit())
    assert digits not in kept, (number, text)
    assert contains_cpr(before + number + after)


@settings(max_examples=200, deadline=None)
@given(number=cpr_numbers())
def test_full_width_digits_and_group_spellings(number):
    digits = number.replace("-", "").replace(" ", "")
    full_width = "".join(chr(0xFF10 + int(c)) for c in digits)
    groups = f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"
    dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:]}"
    for s in (full_width, groups, dotted, f"cpr:{digits}", f"CPR{digits}x"):
        assert scrub(s)[1] == 1, s


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(1930, 1, 1), max_value=date(1999, 12, 31)).filter(lambda d: d.day < 10),
       tail=st.integers(0, 3999))
def test_excel_number_cell_with_the_leading_zero_dropped(d, tail):
    nine = f"{d.day}{d.month:02d}{d.year % 100:02d}{tail:04d}"  # 0DMMYY… lost its 0
    assert len(nine) == 9
    assert scrub(nine) == (REPLACEMENT, 1)
    assert scrub(f" {nine}.0 ") == (REPLACEMENT, 1)
    assert scrub(f"tlf {nine}")[1] == 0  # nine digits inside text are not a CPR number


def test_numbers_that_are_not_cpr_numbers_are_kept():
    for s in ("sag 2024-0012345", "konto 1234 5678901234", "12345678901", "tlf. 86 92 12 34",
              "uuid 5f0e8c1d-3a7b-4c2e-9d1f-0a2b3c4d5e6f", "beløb 1.500.000 kr.",
              "kl. 10.30 den 12.03", "999999-9999", "321190 1234"):
        assert scrub(s) == (s, 0), s


def test_a_date_and_a_time_are_removed_too__the_price_of_recall():
    # "15.03.24 10.30" is also how a CPR number may be spelled; recall comes first.
    assert scrub("mødt 15.03.24 10.30")[1] == 1


def test_identifiers_refuse_cpr_but_never_a_uuid():
    from detection.cpr import identifier_has_cpr

    assert identifier_has_cpr("150324-1234") and identifier_has_cpr("Sag 150324 1234")
    assert identifier_has_cpr("102034512")
    assert not identifier_has_cpr("R-2024-0001") and not identifier_has_cpr("")
    import uuid
    for _ in range(20_000):
        assert not identifier_has_cpr(str(uuid.uuid4()))
