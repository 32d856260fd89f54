"""Area ranking with empirical-Bayes smoothing: fixtures checked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from detection.priorities.ranking import (
    add_why,
    eb_smooth,
    entrance_dwellings,
    prepare_ranking,
    rank_areas,
    rank_protected,
)
from detection.priorities.scoring import ModelParams

AS_OF = date(2026, 11, 1)
FLAT = ModelParams(kind_weights=(("landlord_report", 1.0),), credibility_spread=0.0, source_bonus=0.0)


def _fixture(signals_per_area: dict[str, int], dwellings: dict[str, int]):
    """One entrance per dwelling; each signal at its own entrance from its own source, today."""
    aoe, rows = {}, []
    for area, n in dwellings.items():
        for i in range(n):
            aoe[f"{area}-{i}"] = area
        for i in range(signals_per_area.get(area, 0)):
            rows.append({"entrance_id": f"{area}-{i}", "kind": "landlord_report", "received": AS_OF,
                         "credibility": 2, "partner_id": f"{area}-{i}", "source": ""})
    aoe = pd.Series(aoe)
    sig = pd.DataFrame(rows, columns=["entrance_id", "kind", "received", "credibility", "partner_id", "source"])
    return aoe, pd.Series(1, index=aoe.index), sig


def test_rank__hand_checked_small_area_does_not_top():
    # Area  signals dwellings raw rate/1000
    #  A      12      200      60.0
    #  B       2      100      20.0
    #  C       1        3     333.3   <- one signal in three dwellings
    #  D       0      100       0.0
    # Prior from the areas with ≥ 20 dwellings (A, B, D): m = 14/400 = 0.035,
    # s² = (200·0.025² + 100·0.015² + 100·0.035²)/400 = 0.000675, n̄ = 400/3,
    # A = s² − m/n̄ = 0.000675 − 0.0002625 = 0.0004125 (> floor (0.5 m)² = 0.000306),
    # α = m²/A = 2.9697, β = m/A = 84.848.
    # Smoothed (α + y)/(β + n) × 1000: A 14.970/284.85 = 52.55; B 4.970/184.85 = 26.89;
    # C 3.970/87.85 = 45.19; D 2.970/184.85 = 16.07 → ranks A, C, B, D.
    aoe, dw, sig = _fixture({"A": 12, "B": 2, "C": 1}, {"A": 200, "B": 100, "C": 3, "D": 100})
    r = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF)
    assert list(r["area_id"]) == ["A", "C", "B", "D"]
    assert r["rate"].round(2).tolist() == [52.55, 45.19, 26.89, 16.07]
    assert r["signals"].tolist() == [12, 1, 2, 0] and r["dwellings"].tolist() == [200, 3, 100, 100]
    assert (r["rate_low"] <= r["rate"]).all() and (r["rate"] <= r["rate_high"]).all()
    # the small area's interval is much wider than A's
    width = (r["rate_high"] - r["rate_low"]).to_numpy()
    assert width[1] > 1.5 * width[0]
    assert r.attrs["mean_rate"] == pytest.approx(15 / 403 * 1000)


def test_rank__same_inputs_same_ranking_and_why():
    aoe, dw, sig = _fixture({"A": 12, "B": 2, "C": 1}, {"A": 200, "B": 100, "C": 3, "D": 100})
    one = add_why(rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF), "da")
    shuffled = sig.sample(frac=1, random_state=3)
    two = add_why(rank_areas(area_of_entrance=aoe.sample(frac=1, random_state=4), dwellings=dw, signals=shuffled,
                             params=FLAT, as_of=AS_OF), "da")
    pd.testing.assert_frame_equal(one, two)
    assert one["why"].iloc[0].startswith("12 henvendelser fra 12 forskellige kilder (12 inden for de seneste 6 måneder)")
    assert "udlejerhenvendelse" in one["why"].iloc[0] and "200 boliger" in one["why"].iloc[0]
    en = add_why(rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF), "en")
    assert "1.4× the average" in en["why"].iloc[0]  # 52.55 / 37.22
    assert en["why"].iloc[3] == "No signals that count; 100 dwellings."


def test_rank__weight_change_reorders():
    aoe = pd.Series({"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    dw = pd.Series(25, index=aoe.index)
    sig = pd.DataFrame({"entrance_id": ["a1", "a2", "b1"], "kind": ["neighbour_complaint"] * 2 + ["eviction_risk"],
                        "received": AS_OF, "credibility": 2, "partner_id": ["x", "y", "z"], "source": ""})
    base = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=ModelParams(), as_of=AS_OF)
    assert list(base["area_id"]) == ["A", "B"]  # 2 × 0.8 > 1.5
    heavy = ModelParams().with_weight("eviction_risk", 3.0)
    assert list(rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=heavy,
                           as_of=AS_OF)["area_id"]) == ["B", "A"]


def test_protected__every_count_a_multiple_of_five_totals_add_up_rates_from_rounded_scores():
    aoe, dw, sig = _fixture({"A": 12, "B": 2, "C": 1}, {"A": 200, "B": 100, "C": 3, "D": 100})
    sig["signal_id"] = [f"s{i}" for i in range(len(sig))]
    prep = prepare_ranking(area_of_entrance=aoe, dwellings=dw, signals=sig, as_of=AS_OF)
    m = add_why(rank_protected(prep, FLAT), "da")
    exact = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF).set_index("area_id")
    assert "raw_rate" not in m.columns and set(m["area_id"]) == {"A", "B", "C", "D"}
    for r in m.to_dict("records"):
        for c in ("score", "signals", "recent", "sources"):
            assert r[c] == "<5" or (isinstance(r[c], int) and r[c] % 5 == 0 and r[c] >= 5), (r["area_id"], c, r[c])
        kinds = r["signals_by_kind"]
        assert all(v % 5 == 0 and v > 0 for v in kinds.values())
        assert (sum(kinds.values()) or "<5") == r["signals"]  # the total is the sum of its parts
        true = int(exact.loc[r["area_id"], "signals"])
        assert abs((0 if r["signals"] == "<5" else r["signals"]) - true) < 5  # rounded, not further
    a = m.set_index("area_id")
    assert a.loc["A", "signals"] in (10, 15) and a.loc["B", "signals"] in ("<5", 5) and a.loc["D", "signals"] == "<5"
    # rates, intervals and ranks come from the rounded scores, not the exact ones
    rounded = np.array([0.0 if v == "<5" else float(v) for v in a.loc[list(prep.area_ids), "score"]])
    sm = eb_smooth(rounded, prep.dwellings)
    assert a.loc[list(prep.area_ids), "rate"].to_numpy() == pytest.approx(sm["rate"].to_numpy())
    assert a.loc[list(prep.area_ids), "rate_high"].to_numpy() == pytest.approx(sm["rate_high"].to_numpy())
    # the same cell always gets the same value
    again = rank_protected(prepare_ranking(area_of_entrance=aoe, dwellings=dw, signals=sig, as_of=AS_OF), FLAT)
    assert again.drop(columns=["signals_by_kind"]).equals(m.drop(columns=["signals_by_kind", "why"]))


def test_dwellings__units_or_one_or_bbr():
    e = pd.DataFrame({"entrance_id": ["a", "b", "c"]})
    u = pd.DataFrame({"entrance_id": ["a", "a"], "unit_id": ["1", "2"]})
    assert entrance_dwellings(e, u).tolist() == [2, 1, 1]
    b = pd.DataFrame({"entrance_id": ["b", None], "flats": [8, 50]})
    assert entrance_dwellings(e, u, b).to_dict() == {"a": 2, "b": 8, "c": 1}
    assert np.issubdtype(entrance_dwellings(e, u, b).dtype, np.integer)


def _messy(seed: int = 8):
    """Random areas and signals with every special case the ranking handles: several kinds
    (one unknown to the model), credibility 1–3 and missing, future and old dates,
    partner and free-text sources, excluded assessments, signals at entrances without an
    area, areas without signals, BBR-like dwelling counts."""
    rng = np.random.default_rng(seed)
    n_ent, n_sig = 600, 1500
    ents = [f"e{i:04d}" for i in range(n_ent)]
    area = np.r_[rng.integers(0, 40, n_ent - 40), np.repeat([40, 41, 42, 43], 10)]  # 40–43: no signals
    aoe = pd.Series([f"A{int(a):02d}" for a in area], index=ents)
    dw = pd.Series(np.where(rng.random(n_ent) < 0.7, 1, rng.integers(2, 30, n_ent)), index=ents)
    kinds = ["landlord_report", "neighbour_complaint", "eviction_risk", "caretaker_concern", "other", "mystery_kind"]
    sig = pd.DataFrame({
        "entrance_id": np.r_[rng.choice(ents[:-40], n_sig - 20), [f"nowhere{i}" for i in range(20)]],
        "kind": rng.choice(kinds, n_sig),
        "received": [AS_OF - pd.Timedelta(days=int(d)) for d in rng.integers(-10, 700, n_sig)],
        "credibility": pd.array(rng.integers(1, 4, n_sig), dtype="Int64"),
        "partner_id": pd.Series(rng.integers(0, 12, n_sig).astype(str)).where(rng.random(n_sig) < 0.7, None),
        "source": rng.choice(["Nabo", "Vicevært", "Borger"], n_sig),
        "assessment": rng.choice([None, "confirmed", "not_in_target_group"], n_sig, p=[0.7, 0.2, 0.1]),
    })
    sig.loc[sig.index[:15], "credibility"] = pd.NA
    return aoe, dw, sig


@pytest.mark.parametrize("params", [
    ModelParams(),
    ModelParams().with_weight("eviction_risk", 3.0).with_weight("other", 0.0),
    ModelParams(credibility_spread=0.9, half_life_days=30, source_bonus=2.0),
    FLAT,
])
def test_rank__prepared_path_equals_reference(params):
    """The cached path (prepare once, re-rank per slider move) gives the reference
    pandas/esda ranking: same areas in the same order, same counts and per-kind dicts,
    floats equal up to summation order."""
    from detection.priorities.hotspots import grid_weights
    from detection.priorities.ranking import prepare_ranking, rank_areas_reference, rank_prepared

    aoe, dw, sig = _messy()
    cells = {a: f"250m_{619000 + 25 * (i // 8)}_{5900 + 25 * (i % 8)}" for i, a in enumerate(sorted(aoe.unique()))}
    aoe = aoe.map(cells)
    names = {c: f"celle {c[-4:]}" for c in list(cells.values())[::3]}
    kw = dict(area_of_entrance=aoe, dwellings=dw, signals=sig, as_of=AS_OF, names=names, weights=grid_weights)
    ref = rank_areas_reference(params=params, **kw)
    prep = prepare_ranking(**kw)
    # the same prepared inputs serve another model first: nothing in them depends on it
    rank_prepared(prep, ModelParams(half_life_days=14, source_bonus=0.0))
    got = rank_prepared(prep, params)
    assert list(got["area_id"]) == list(ref["area_id"]) and list(got["rank"]) == list(ref["rank"])
    assert len(got) == 44 and ref["signals"].sum() > 500 and (ref["signals"] == 0).any()
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=1e-12, atol=1e-12)
    assert got["signals_by_kind"].tolist() == ref["signals_by_kind"].tolist()
    assert got.attrs["mean_rate"] == pytest.approx(ref.attrs["mean_rate"], rel=1e-12)
    pd.testing.assert_frame_equal(rank_areas(params=params, **kw), got)
    assert add_why(got, "en")["why"].tolist() == add_why(ref, "en")["why"].tolist()


def test_rank__prepared_path_equals_reference_on_hand_fixture():
    from detection.priorities.ranking import rank_areas_reference

    aoe, dw, sig = _fixture({"A": 12, "B": 2, "C": 1}, {"A": 200, "B": 100, "C": 3, "D": 100})
    ref = rank_areas_reference(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF)
    got = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF)
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=1e-12)
    assert got.loc[0, "signals_by_kind"] == {"landlord_report": 12}


def test_rank__no_signals_and_by_kind_order():
    from detection.priorities.ranking import _by_kind_dicts, rank_areas_reference

    aoe, dw, sig = _fixture({}, {"A": 30, "B": 20, "C": 25})
    got = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF)
    ref = rank_areas_reference(area_of_entrance=aoe, dwellings=dw, signals=sig, params=FLAT, as_of=AS_OF)
    pd.testing.assert_frame_equal(got, ref)
    assert got["signals"].tolist() == [0, 0, 0] and got["signals_by_kind"].tolist() == [{}, {}, {}]
    # most frequent first, ties by kind id; zero counts left out
    counts = np.array([[1, 3, 0, 3], [0, 0, 0, 0], [2, 0, 2, 1]])
    assert _by_kind_dicts(counts, ["a", "b", "c", "d"]) == [{"b": 3, "d": 3, "a": 1}, {}, {"a": 2, "c": 2, "d": 1}]
