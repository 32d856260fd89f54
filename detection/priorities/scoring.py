"""Signal weights: how much one partner report counts, per entrance (docs/model.md).

A signal's weight is

    w = kind_weight[kind] × credibility_factor(credibility) × 0.5 ** (age_days / half_life_days)

with ``credibility_factor(c) = 1 + credibility_spread × (c − 2)`` (credibility 1–3; the
default spread 0.5 gives 0.5, 1.0, 1.5) and ``age_days = as_of − received`` (signals
received after ``as_of`` do not count yet). An entrance's score counts each independent
source once — the heaviest of its signals — and rewards agreement between sources:

    score(entrance) = (Σ over distinct sources s of max_{signals of s} w) × (1 + source_bonus × (n_sources − 1))

so three partners worried about one entrance count more than one neighbour complaining
three times. A source is the partner (``partner_id``) when known, else the ``source``
text. Signals assessed as not in the target group do not count.

Everything here is vectorised (numpy/pandas) and pure: same inputs, same scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from detection.errors import InputError
from detection.vocab import EXCLUDED_ASSESSMENTS, KIND_BY_ID, KINDS


def _default_weights() -> tuple[tuple[str, float], ...]:
    return tuple((k.id, float(k.weight)) for k in KINDS)


@dataclass(frozen=True)
class ModelParams:
    """The planner's tunable model (frozen, hashable: usable as a cache key).

    Attributes
    ----------
    kind_weights : tuple of (kind id, weight)
        Weight of a fresh signal of each kind (defaults from :mod:`detection.vocab`).
    credibility_spread : float
        ``factor = 1 + spread × (credibility − 2)``; 0 ignores credibility, 0.5 (default)
        gives 0.5 / 1.0 / 1.5 for credibility 1 / 2 / 3. Between 0 and 0.9.
    half_life_days : float
        After this many days a signal weighs half (default 180).
    source_bonus : float
        Extra weight per additional independent source at one entrance (default 0.5).
    """

    kind_weights: tuple[tuple[str, float], ...] = field(default_factory=_default_weights)
    credibility_spread: float = 0.5
    half_life_days: float = 180.0
    source_bonus: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.credibility_spread <= 0.9:
            raise InputError(f"credibility_spread must be between 0 and 0.9. Got {self.credibility_spread!r} instead.")
        if not self.half_life_days > 0:
            raise InputError(f"half_life_days must be positive. Got {self.half_life_days!r} instead.")
        if not 0 <= self.source_bonus <= 5:
            raise InputError(f"source_bonus must be between 0 and 5. Got {self.source_bonus!r} instead.")
        for kind, w in self.kind_weights:
            if not 0 <= float(w) <= 10:
                raise InputError(f"weight of kind {kind!r} must be between 0 and 10. Got {w!r} instead.")

    def weight(self, kind: str) -> float:
        """The weight of ``kind`` (kinds not listed weigh like ``other``)."""
        d = dict(self.kind_weights)
        return float(d.get(kind, d.get("other", KIND_BY_ID["other"].weight)))

    def with_weight(self, kind: str, weight: float) -> ModelParams:
        """A copy with one kind's weight changed."""
        d = dict(self.kind_weights)
        d[kind] = float(weight)
        return replace(self, kind_weights=tuple(d.items()))

    def to_json(self) -> str:
        return json.dumps({"kind_weights": dict(self.kind_weights),
                           "credibility_spread": self.credibility_spread,
                           "half_life_days": self.half_life_days,
                           "source_bonus": self.source_bonus}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | dict) -> ModelParams:
        """Parameters from :meth:`to_json` output; missing fields take their defaults."""
        raw = json.loads(text) if isinstance(text, str) else dict(text)
        unknown = set(raw) - {"kind_weights", "credibility_spread", "half_life_days", "source_bonus"}
        if unknown:
            raise InputError(f"unknown model parameter(s): {', '.join(sorted(unknown))}")
        weights = dict(_default_weights())
        weights.update({str(k): float(v) for k, v in (raw.get("kind_weights") or {}).items()})
        d = cls()
        return cls(kind_weights=tuple(weights.items()),
                   credibility_spread=float(raw.get("credibility_spread", d.credibility_spread)),
                   half_life_days=float(raw.get("half_life_days", d.half_life_days)),
                   source_bonus=float(raw.get("source_bonus", d.source_bonus)))


def _days(received: pd.Series | np.ndarray, as_of: date) -> np.ndarray:
    r = pd.to_datetime(pd.Series(np.asarray(received)), errors="coerce").to_numpy("datetime64[D]")
    return (np.datetime64(as_of, "D") - r).astype("timedelta64[D]").astype(float)


def signal_weights(signals: pd.DataFrame, params: ModelParams, *, as_of: date) -> np.ndarray:
    """The decayed weight of every signal (0 for future or excluded signals).

    ``signals`` needs ``kind``, ``received`` and ``credibility``; ``assessment`` is
    optional.
    """
    if len(signals) == 0:
        return np.zeros(0)
    return weights_coded(*code_signals(signals, as_of=as_of), params)


def code_signals(signals: pd.DataFrame, *, as_of: date) -> tuple:
    """The parameter-free part of :func:`signal_weights`, as arrays (computed once, reused
    for every slider move): ``(kind_code, kinds, credibility, age_days, excluded)``.

    ``kinds`` are the sorted distinct kinds (``kind_code`` indexes them; −1 for a missing
    kind), ``credibility`` is clipped to 1–3 (2 when missing), ``age_days`` is NaN for an
    unreadable date, ``excluded`` marks signals assessed as not in the target group.
    """
    kinds = signals["kind"].astype("category")
    kind_code = kinds.cat.codes.to_numpy().astype(np.int64)
    cred = pd.to_numeric(signals["credibility"], errors="coerce").fillna(2).clip(1, 3).to_numpy(float)
    age = _days(signals["received"], as_of)
    if "assessment" in signals.columns:
        excluded = signals["assessment"].isin(EXCLUDED_ASSESSMENTS).to_numpy()
    else:
        excluded = np.zeros(len(signals), dtype=bool)
    return kind_code, [str(k) for k in kinds.cat.categories], cred, age, excluded


def weights_coded(kind_code: np.ndarray, kinds: list[str], credibility: np.ndarray, age_days: np.ndarray,
                  excluded: np.ndarray, params: ModelParams) -> np.ndarray:
    """:func:`signal_weights` on the arrays of :func:`code_signals` (the same arithmetic,
    so the same bits)."""
    n = len(kind_code)
    lut = np.array([params.weight(k) for k in kinds], dtype=float)
    kw = lut[kind_code] if len(lut) else np.zeros(n)
    cf = 1.0 + params.credibility_spread * (credibility - 2.0)
    decay = np.power(0.5, np.clip(age_days, 0, None) / params.half_life_days)
    w = kw * cf * decay
    w[~(age_days >= 0)] = 0.0  # future or unreadable date
    w[excluded] = 0.0
    return w


def source_keys(signals: pd.DataFrame) -> pd.Series:
    """The independent source of each signal: ``partner_id`` when known, else ``source``."""
    src = signals["source"].fillna("").astype(str) if "source" in signals.columns else pd.Series("", index=signals.index)
    if "partner_id" in signals.columns:
        pid = signals["partner_id"]
        src = ("p:" + pid.astype(str)).where(pid.notna() & (pid.astype(str) != ""), "s:" + src)
    return src


def entrance_scores(signals: pd.DataFrame, params: ModelParams, *, as_of: date) -> pd.DataFrame:
    """Score of every entrance with at least one counting signal.

    Returns a frame indexed by ``entrance_id`` with ``score`` (see module docstring),
    ``n_sources`` and ``n_signals`` (signals that count, weight > 0).
    """
    cols = ["score", "n_sources", "n_signals"]
    if len(signals) == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="entrance_id"), dtype=float)
    w = signal_weights(signals, params, as_of=as_of)
    keep = w > 0
    if not keep.any():
        return pd.DataFrame(columns=cols, index=pd.Index([], name="entrance_id"), dtype=float)
    df = pd.DataFrame({"entrance_id": signals["entrance_id"].to_numpy()[keep],
                       "src": source_keys(signals).to_numpy()[keep], "w": w[keep]})
    per_src = df.groupby(["entrance_id", "src"], sort=False, observed=True)["w"].agg(["max", "size"])
    g = per_src.groupby(level=0, sort=True)
    out = pd.DataFrame({"base": g["max"].sum(), "n_sources": g["max"].size(), "n_signals": g["size"].sum()})
    out["score"] = out["base"] * (1.0 + params.source_bonus * (out["n_sources"] - 1))
    out.index.name = "entrance_id"
    return out[cols]


def entrance_scores_coded(entrance_code: np.ndarray, source_code: np.ndarray, kind_code: np.ndarray,
                          age_days: np.ndarray, credibility: np.ndarray, params: ModelParams, *,
                          kinds: list[str], n_entrances: int) -> np.ndarray:
    """:func:`entrance_scores` on integer-coded arrays (fast path for large data; bench).

    Returns a float array of length ``n_entrances`` (0 where no signal counts).
    """
    lut = np.array([params.weight(k) for k in kinds], dtype=float)
    w = lut[kind_code] * (1.0 + params.credibility_spread * (credibility - 2.0)) \
        * np.power(0.5, np.clip(age_days, 0, None) / params.half_life_days)
    w[age_days < 0] = 0.0
    n_src = int(source_code.max()) + 1 if len(source_code) else 1
    key = entrance_code.astype(np.int64) * n_src + source_code
    order = np.lexsort((-w, key))
    k_sorted = key[order]
    first = np.ones(len(k_sorted), dtype=bool)
    first[1:] = k_sorted[1:] != k_sorted[:-1]
    best = order[first & (w[order] > 0)]  # heaviest signal of each (entrance, source)
    ent = entrance_code[best]
    base = np.bincount(ent, weights=w[best], minlength=n_entrances)
    nsrc = np.bincount(ent, minlength=n_entrances)
    return base * (1.0 + params.source_bonus * np.clip(nsrc - 1, 0, None))
