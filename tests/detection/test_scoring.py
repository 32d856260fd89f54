"""Signal weights: kinds, credibility, half-life decay, independent sources."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from detection.errors import InputError
from detection.priorities.scoring import (
    ModelParams,
    code_signals,
    entrance_scores,
    entrance_scores_coded,
    signal_weights,
    weights_coded,
)

AS_OF = date(2026, 11, 1)


def _sig(rows):
    return pd.DataFrame(rows, columns=["entrance_id", "kind", "received", "credibility", "partner_id", "source"])


def test_weight__kind_credibility_and_half_life():
    p = ModelParams(half_life_days=100)
    s = _sig([
        ("e", "eviction_risk", AS_OF, 2, None, "a"),                      # 1.5 × 1 × 1
        ("e", "landlord_report", AS_OF - timedelta(days=100), 2, None, "a"),  # 1 × 1 × 0.5
        ("e", "landlord_report", AS_OF - timedelta(days=200), 3, None, "a"),  # 1 × 1.5 × 0.25
        ("e", "neighbour_complaint", AS_OF, 1, None, "a"),                # 0.8 × 0.5
        ("e", "landlord_report", AS_OF + timedelta(days=1), 2, None, "a"),  # future: 0
    ])
    assert signal_weights(s, p, as_of=AS_OF) == pytest.approx([1.5, 0.5, 0.375, 0.4, 0.0])


def test_weight__not_in_target_group_does_not_count():
    s = _sig([("e", "landlord_report", AS_OF, 2, None, "a")]).assign(assessment="not_in_target_group")
    assert signal_weights(s, ModelParams(), as_of=AS_OF).tolist() == [0.0]


def test_entrance__three_partners_beat_one_neighbour_three_times():
    p = ModelParams(source_bonus=0.5)
    three_partners = _sig([("a", "neighbour_complaint", AS_OF, 2, f"p{i}", "") for i in range(3)])
    one_three_times = _sig([("b", "neighbour_complaint", AS_OF, 2, None, "Nabo") for _ in range(3)])
    s = entrance_scores(pd.concat([three_partners, one_three_times]), p, as_of=AS_OF)
    # a: 3 sources × 0.8 × (1 + 0.5 × 2) = 4.8; b: one source, its heaviest signal: 0.8
    assert s.loc["a", "score"] == pytest.approx(4.8)
    assert s.loc["b", "score"] == pytest.approx(0.8)
    assert s.loc["a", "n_sources"] == 3 and s.loc["b", "n_sources"] == 1 and s.loc["b", "n_signals"] == 3


def test_entrance__coded_fast_path_equals_pandas():
    rng = np.random.default_rng(1)
    n = 2000
    kinds = ["landlord_report", "neighbour_complaint", "eviction_risk"]
    df = pd.DataFrame({"entrance_id": rng.integers(0, 300, n).astype(str), "kind": rng.choice(kinds, n),
                       "received": [AS_OF - timedelta(days=int(d)) for d in rng.integers(-5, 400, n)],
                       "credibility": rng.integers(1, 4, n), "partner_id": rng.integers(0, 6, n).astype(str),
                       "source": ""})
    p = ModelParams(half_life_days=90, source_bonus=0.7)
    slow = entrance_scores(df, p, as_of=AS_OF)["score"]
    codes, uniq = pd.factorize(df["entrance_id"])
    fast = entrance_scores_coded(
        codes, df["partner_id"].astype(int).to_numpy(), pd.Categorical(df["kind"], categories=kinds).codes,
        (np.datetime64(AS_OF) - pd.to_datetime(df["received"]).to_numpy("datetime64[D]")).astype(float),
        df["credibility"].to_numpy(float), p, kinds=kinds, n_entrances=len(uniq))
    got = pd.Series(fast, index=uniq)
    assert got[got > 0].sort_index().to_numpy() == pytest.approx(slow.sort_index().to_numpy())


def test_params__json_round_trip_and_validation():
    p = ModelParams(credibility_spread=0.2, half_life_days=60, source_bonus=1.5).with_weight("other", 2.0)
    q = ModelParams.from_json(p.to_json())
    assert q == p and hash(q) == hash(p) and q.weight("other") == 2.0
    assert ModelParams.from_json("{}") == ModelParams()
    for bad in ({"half_life_days": 0}, {"credibility_spread": 1.5}, {"nonsense": 1}):
        with pytest.raises(InputError):
            ModelParams.from_json(bad)


def test_weight__coded_once_then_reweighed():
    """The parameter-free coding is done once; re-weighing it under new parameters gives
    the weights written out by hand."""
    s = _sig([
        ("e", "eviction_risk", AS_OF - timedelta(days=90), 3, None, "a"),
        ("e", "mystery", AS_OF, None, None, "a"),                          # unknown kind: like other
        ("e", "landlord_report", "not a date", 2, None, "a"),              # unreadable: 0
        ("e", "landlord_report", AS_OF + timedelta(days=2), 2, None, "a"),  # future: 0
    ]).assign(assessment=[None, None, None, "not_target_group"])
    coded = code_signals(s, as_of=AS_OF)
    assert coded[1] == ["eviction_risk", "landlord_report", "mystery"]
    p = ModelParams(half_life_days=90, credibility_spread=0.4).with_weight("other", 0.25)
    assert weights_coded(*coded, p) == pytest.approx([1.5 * 1.4 * 0.5, 0.25, 0.0, 0.0])
    q = p.with_weight("eviction_risk", 3.0)
    assert weights_coded(*coded, q).tolist() == signal_weights(s, q, as_of=AS_OF).tolist()
