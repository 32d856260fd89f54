"""Words instead of ids (issue 15): area layers and plan areas as people say them, from one
home (:data:`detection.vocab.LAYER_NAMES`), and coverage signs that no report kind uses."""

from __future__ import annotations

import doctest

import pytest

import detection.vocab as vocab
from detection.vocab import COVERAGE_SYMBOLS, KINDS, LAYER_NAMES, area_words, layer_name


@pytest.mark.parametrize(("label", "da", "en"), [
    ("Tranebjerg (parishes:7240)", "Tranebjerg (sogn)", "Tranebjerg (parish)"),
    ("Langgade (grid250:250m_622375_57550)", "Langgade (250 m-felt)", "Langgade (250 m cell)"),
    ("X (grid100:100m_1_2)", "X (100 m-felt)", "X (100 m cell)"),
    ("X (grid1km:1km_6223_575)", "X (1 km-felt)", "X (1 km cell)"),
    ("Nordby centrum", "Nordby centrum", "Nordby centrum"),  # a focus area's own name
    ("Tegnet område", "Tegnet område", "Tegnet område"),  # a drawn area's own name
    ("drawn area", "tegnet område", "drawn area"),  # the CLI's name for a drawn area given none
    ("drawn:Havnen", "Havnen (tegnet område)", "Havnen (drawn area)"),
    ("Vest (skoledistrikter:12)", "Vest (skoledistrikter)", "Vest (skoledistrikter)"),  # a layer of its own
    ("Nord (øst)", "Nord (øst)", "Nord (øst)"),  # brackets in a name stay
    ("", "", ""),
    (None, "", ""),
])
def test_area_words__names_and_kinds_never_ids(label, da, en):
    assert area_words(label, "da") == da
    assert area_words(label, "en") == en


def test_area_words__is_idempotent():
    once = area_words("Tranebjerg (parishes:7240)")
    assert area_words(once) == once


def test_layer_names__one_home_for_the_app():
    from ui.widgets import layer_label

    for layer, kind in LAYER_NAMES.items():
        assert layer_label(layer, "da") == layer_name(layer, "da") == kind.name_da
        assert layer_label(layer, "en") == kind.name_en
    assert layer_name("parishes") == "Sogne" and layer_name("grid250", "en") == "250 m cells"
    assert layer_label("skoledistrikter", "da") == "skoledistrikter"


def test_ui_texts_have_no_second_home_for_layer_names():
    from ui.i18n import TEXTS

    assert not [k for k in TEXTS if k.startswith(("lyr_", "layer_parishes", "layer_grid"))]


def test_coverage_signs_collide_with_no_report_kind_letter():
    letters = {k.symbol for k in KINDS}
    assert len(letters) == len(KINDS)
    assert set(COVERAGE_SYMBOLS) == {"active", "lapsed", "none"}
    assert len(set(COVERAGE_SYMBOLS.values())) == 3
    assert not set(COVERAGE_SYMBOLS.values()) & letters
    assert not any(s.isalnum() for s in COVERAGE_SYMBOLS.values())  # signs, not letters or digits


def test_vocab_doctests():
    result = doctest.testmod(vocab)
    assert result.failed == 0 and result.attempted >= 8
