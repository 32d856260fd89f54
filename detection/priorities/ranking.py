"""Area priorities: signal scores aggregated to areas, empirical-Bayes smoothed, explained.

Pure functions (no database): the repository (:mod:`detection.repository.priorities`) feeds
them the register and the signals. See ``docs/model.md`` for the model in words.

1. Each entrance gets a score (:func:`detection.priorities.scoring.entrance_scores`).
2. Each entrance belongs to one area: a DDKN grid cell by integer division of its
   coordinates (:func:`geo.areas.ddkn_cell_ids`), or a polygon of a stored layer by one
   point-in-polygon join per entrance set (:func:`geo.areas.assign_areas`).
3. Dwellings per entrance: its units (an entrance with no units is one dwelling), or the
   BBR flats of its buildings when BBR is loaded and says more.
4. Per area ``y`` = Σ entrance scores, ``n`` = Σ dwellings. The raw rate ``y/n`` is noisy
   for small areas, so it is smoothed towards the layer's mean with Marshall's global
   empirical Bayes (a Poisson–Gamma model): ``m = Σy/Σn``,
   ``s² = Σ n_i (y_i/n_i − m)² / Σ n_i``, prior variance ``A = max(s² − m/n̄, (0.5·m)²)``,
   all estimated from the areas with at least 20 dwellings
   (the floor keeps a layer that looks homogeneous from collapsing onto its mean); the
   prior is Gamma(α = m²/A, β = m/A) and each area's posterior Gamma(α + y_i, β + n_i),
   whose mean is the smoothed rate and whose 2.5 % and 97.5 % quantiles are the interval.
   Rates are per 1,000 dwellings. Areas are ranked by the smoothed rate (ties: higher
   score, then area id).
5. Hot spots: Gi* on the smoothed rates (:mod:`detection.priorities.hotspots`).
6. A plain-language ``why`` per area in Danish or English.
7. For those who may not see addresses, :func:`rank_protected` ranks the same areas from
   cell-key rounded counts and scores (:mod:`detection.privacy`, docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from detection.priorities.hotspots import GiStarWeights, prepare_gi_star
from detection.priorities.hotspots import hotspots as _hotspots
from detection.priorities.scoring import (
    ModelParams,
    code_signals,
    entrance_scores,
    signal_weights,
    source_keys,
    weights_coded,
)
from detection.privacy import (
    MIN_DWELLINGS,
    cell_keys,
    protect,
    protect_parts,
    record_keys,
    round_keyed,
    shown,
)
from detection.vocab import KIND_BY_ID
from geo.areas import GRID_LAYERS, assign_areas, ddkn_cell_ids

PER = 1000.0
RECENT_DAYS = 183
""""Recent" in the why text: the last 6 months."""



# ---------------------------------------------------------------- areas and dwellings

def entrance_dwellings(entrances: pd.DataFrame, units: pd.DataFrame,
                       buildings: pd.DataFrame | None = None) -> pd.Series:
    """Dwellings per entrance (index ``entrance_id``): units, at least 1; BBR flats when more.

    >>> e = pd.DataFrame({"entrance_id": ["a", "b", "c"]})
    >>> u = pd.DataFrame({"entrance_id": ["a", "a", "a"], "unit_id": ["1", "2", "3"]})
    >>> b = pd.DataFrame({"entrance_id": ["c"], "flats": [6]})
    >>> entrance_dwellings(e, u, b).tolist()
    [3, 1, 6]
    """
    n_units = units.groupby("entrance_id").size() if len(units) else None
    flats = None
    if buildings is not None and len(buildings) and "flats" in buildings.columns:
        flats = buildings.dropna(subset=["entrance_id"]).groupby("entrance_id")["flats"].sum()
    return dwellings_from_counts(entrances["entrance_id"], n_units, flats)


def dwellings_from_counts(ids: pd.Series, n_units: pd.Series | None, flats: pd.Series | None) -> pd.Series:
    """:func:`entrance_dwellings` from each entrance's number of units and sum of BBR flats
    (Series by ``entrance_id``; ``None``: none known), e.g. as counted by the database.

    >>> dwellings_from_counts(pd.Series(["a", "b", "c"]), pd.Series({"a": 3}), pd.Series({"c": 6})).tolist()
    [3, 1, 6]
    """
    index = pd.Index(ids, name="entrance_id")
    n = n_units.reindex(index).fillna(0).astype(int).to_numpy() if n_units is not None else np.zeros(len(index), int)
    d = np.maximum(n, 1)
    if flats is not None:
        d = np.maximum(d, flats.reindex(index).fillna(0).astype(int).to_numpy())
    return pd.Series(d, index=index).astype(int)


def is_grid(layer: str) -> bool:
    return layer in GRID_LAYERS


def entrance_area_ids(entrances: pd.DataFrame, layer: str, areas=None) -> pd.Series:
    """The area id of each entrance (index ``entrance_id``); entrances outside every area dropped.

    Grid layers by arithmetic; polygon layers (``areas``, a GeoDataFrame in EPSG:25832) by
    one point-in-polygon join (call once per entrance set and cache the result).
    """
    x, y = entrances["x"].to_numpy(float), entrances["y"].to_numpy(float)
    index = pd.Index(entrances["entrance_id"], name="entrance_id")
    if is_grid(layer):  # every point has a cell
        return pd.Series(ddkn_cell_ids(x, y, size_m=GRID_LAYERS[layer]), index=index, dtype=object)
    if areas is None:
        raise ValueError(f"polygon layer {layer!r} needs its areas")
    return pd.Series(assign_areas(x, y, areas), index=index, dtype=object).dropna()


# ---------------------------------------------------------------- smoothing

MIN_PRIOR_CV = 0.5
"""Floor of the prior's coefficient of variation (√A / m), see :func:`eb_smooth`."""


def eb_smooth(y: np.ndarray, n: np.ndarray, *, per: float = PER, min_prior_cv: float = MIN_PRIOR_CV,
              min_n_for_prior: int = MIN_DWELLINGS) -> pd.DataFrame:
    """Marshall's global empirical-Bayes rates with a 95 % Gamma-posterior interval.

    The prior (mean ``m``, variance ``A``) is estimated from the areas with at least
    ``min_n_for_prior`` dwellings (all areas when fewer than 3 qualify): tiny areas would
    inflate the between-area variance with their own noise and so weaken the smoothing
    that is meant to tame them. It is then applied to every area.

    Parameters
    ----------
    y : array
        Area scores (weighted signal counts), ≥ 0.
    n : array
        Dwellings per area, > 0.

    Returns
    -------
    DataFrame with ``rate``, ``rate_low``, ``rate_high`` (smoothed, per ``per``
    dwellings), ``raw_rate`` and ``shrink`` (weight of the area's own rate, 0–1);
    ``attrs["mean_rate"]`` is the overall rate Σy/Σn per ``per``.

    Examples
    --------
    200 dwellings with 12 signals, 100 with 2, 3 with 1 and 100 with 0 (worked through in
    tests/detection/test_priorities.py): the area of 3 dwellings comes second, not first.

    >>> r = eb_smooth(np.array([12.0, 2.0, 1.0, 0.0]), np.array([200, 100, 3, 100]))
    >>> r["raw_rate"].round(1).tolist()
    [60.0, 20.0, 333.3, 0.0]
    >>> r["rate"].round(2).tolist()
    [52.55, 26.89, 45.19, 16.07]
    """
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    out = pd.DataFrame({"raw_rate": np.where(n > 0, y / np.where(n > 0, n, 1), 0.0) * per})
    if len(y) == 0:
        return out.assign(rate=[], rate_low=[], rate_high=[], shrink=[])
    overall = y.sum() / n.sum()
    out.attrs["mean_rate"] = overall * per
    big = n >= min_n_for_prior
    yb, nb = (y[big], n[big]) if big.sum() >= 3 else (y, n)
    m = yb.sum() / nb.sum() if nb.sum() > 0 else 0.0
    if m <= 0:
        m = overall
    if m <= 0:
        from scipy import stats  # only here: scipy.stats takes half a second to import

        upper = stats.chi2.ppf(0.975, 2) / 2 / n  # exact Poisson bound for 0 observed
        return out.assign(rate=0.0, rate_low=0.0, rate_high=upper * per, shrink=0.0)
    s2 = (nb * (yb / nb - m) ** 2).sum() / nb.sum()
    a = max(s2 - m / nb.mean(), (min_prior_cv * m) ** 2)
    alpha, beta = m * m / a, m / a
    shape, rate_param = alpha + y, beta + n
    out["rate"] = shape / rate_param * per
    out["rate_low"] = gamma_ppf(0.025, shape, 1 / rate_param) * per
    out["rate_high"] = gamma_ppf(0.975, shape, 1 / rate_param) * per
    out["shrink"] = n / (n + beta)
    out.attrs.update({"prior_mean": m * per, "prior_alpha": alpha, "prior_beta": beta})
    return out


def gamma_ppf(q: float, shape: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``scipy.stats.gamma.ppf(q, shape, scale=scale)`` for ``0 < q < 1``: the same
    arithmetic (``gammaincinv(shape, q) · scale + 0``, NaN where shape or scale is not
    positive), so the same bits, without importing ``scipy.stats`` (half a second of every
    ``opspor priorities``; issue 18). Tested equal to scipy.stats.

    >>> float(gamma_ppf(0.5, np.array([1.0]), np.array([2.0]))[0]) == 2 * np.log(2)
    True
    """
    shape = np.asarray(shape, dtype=float)
    scale = np.asarray(scale, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where((shape > 0) & (scale > 0), special.gammaincinv(shape, q) * scale + 0.0, np.nan)


# ---------------------------------------------------------------- ranking

@dataclass(frozen=True)
class PreparedRanking:
    """Everything :func:`rank_areas` needs that does not depend on the model parameters.

    Built once per workspace version, layer and ``as_of`` (:func:`prepare_ranking`), so
    a slider move only re-weighs the signals and re-aggregates integer-coded arrays
    (:func:`rank_prepared`). Areas are in ascending ``area_id`` order; per-signal arrays
    cover the signals at entrances that have an area.
    """

    area_ids: np.ndarray
    names: np.ndarray
    dwellings: np.ndarray
    kinds: list[str]
    kind_code: np.ndarray
    credibility: np.ndarray
    age_days: np.ndarray
    excluded: np.ndarray
    recent: np.ndarray
    area_code: np.ndarray
    """Area of each signal (−1: its entrance's area has no dwellings)."""
    source_code: np.ndarray
    n_sources: int
    group_order: np.ndarray
    """Signals sorted by (entrance, source)."""
    group_starts: np.ndarray
    """Where each (entrance, source) group starts in ``group_order``."""
    group_entrance: np.ndarray
    """Compact entrance number of each group."""
    entrance_area: np.ndarray
    """Area code of each compact entrance number (−1: none)."""
    gi: GiStarWeights | None
    record_ids: np.ndarray
    """Each signal's id (what its cell-key record key is made from)."""
    source_ids: np.ndarray
    """Each source code's source key (``p:partner`` or ``s:text``)."""

    @cached_property
    def record_key(self) -> np.ndarray:
        """Each signal's cell-key record key (:func:`detection.privacy.record_keys` of its id);
        computed when a protected ranking first needs it (a SHA-256 per report)."""
        return record_keys(self.record_ids)

    @cached_property
    def source_key(self) -> np.ndarray:
        """Each source code's record key (for the protected count of distinct sources)."""
        return record_keys(self.source_ids)


def prepare_ranking(*, area_of_entrance: pd.Series, dwellings: pd.Series, signals: pd.DataFrame,
                    as_of: date, names: dict[str, str] | None = None, weights=None) -> PreparedRanking:
    """The parameter-free part of :func:`rank_areas` (arguments as there); cache it per
    workspace version, layer and ``as_of``."""
    dw = dwellings.reindex(area_of_entrance.index).fillna(1).astype(int).to_numpy(np.int64)
    codes_e, uniq = _factorize_ids(area_of_entrance.to_numpy(object))
    n_all = np.bincount(codes_e, weights=dw, minlength=len(uniq)).astype(np.int64)
    has = n_all > 0
    remap = np.full(len(uniq), -1, dtype=np.int64)
    remap[has] = np.arange(int(has.sum()))
    area_ids = np.asarray(uniq, dtype=object)[has]
    area_of_ent = remap[codes_e]

    ent_idx = area_of_entrance.index.get_indexer(signals["entrance_id"])
    sig = signals[ent_idx >= 0]
    ent_idx = ent_idx[ent_idx >= 0]
    if len(sig):
        kind_code, kinds, cred, age, excluded = code_signals(sig, as_of=as_of)
        src_code, src_uniq = pd.factorize(source_keys(sig).to_numpy(object))
    else:
        kind_code, kinds = np.zeros(0, np.int64), []
        cred, age, excluded = np.zeros(0), np.zeros(0), np.zeros(0, bool)
        src_code, src_uniq = np.zeros(0, np.int64), []
    n_src = max(len(src_uniq), 1)
    rec_ids = (sig["signal_id"].astype(str).to_numpy() if "signal_id" in sig.columns else
               [f"{e}|{k}|{r}|{i}" for i, (e, k, r) in enumerate(zip(sig["entrance_id"], sig["kind"], sig["received"],
                                                                       strict=True))])
    ent_c, ent_u = pd.factorize(ent_idx)
    key = ent_c.astype(np.int64) * n_src + src_code
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if len(ks) else np.zeros(0, np.int64)
    gi = None
    if weights is not None and len(area_ids) >= 3:
        w = weights(area_ids)
        gi = w if isinstance(w, GiStarWeights) else prepare_gi_star(w)
    return PreparedRanking(
        area_ids=area_ids, names=np.array([(names or {}).get(a, a) for a in area_ids], dtype=object),
        dwellings=n_all[has], kinds=kinds, kind_code=kind_code, credibility=cred, age_days=age,
        excluded=excluded, recent=age <= RECENT_DAYS, area_code=area_of_ent[ent_idx], source_code=src_code,
        n_sources=n_src, group_order=order, group_starts=starts, group_entrance=(ks // n_src)[starts],
        entrance_area=area_of_ent[np.asarray(ent_u, dtype=np.int64)], gi=gi,
        record_ids=np.asarray(rec_ids, dtype=object), source_ids=np.asarray(src_uniq, dtype=object))


def _factorize_ids(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(ids.astype(str), sort=True)``: codes and sorted uniques of each id
    as a string. Ids that are strings already are factorized as they are (twice as fast
    on a city's entrances: no copy into numpy's fixed-width strings, which would drop a
    trailing NUL — so an id ending in one goes the long way)."""
    if pd.api.types.infer_dtype(ids, skipna=False) == "string":
        codes, uniq = pd.factorize(ids, sort=True)
        if not any(u.endswith("\x00") for u in uniq):
            return codes, uniq
    return pd.factorize(ids.astype(str), sort=True)


def _by_kind_dicts(counts: np.ndarray, kinds: list[str]) -> list[dict[str, int]]:
    """Per row of an (areas × kinds) count matrix: ``{kind: count}`` for counts > 0, most
    frequent first, ties by kind id (``kinds`` are sorted, the sort is stable)."""
    n = counts.shape[0]
    if counts.shape[1] == 0:
        return [{} for _ in range(n)]
    order = np.argsort(-counts, axis=1, kind="stable")
    sorted_counts = np.take_along_axis(counts, order, axis=1)
    nonzero = sorted_counts > 0
    names = np.asarray(kinds, dtype=object)[order[nonzero]].tolist()  # row-major: row by row
    vals = sorted_counts[nonzero].tolist()
    ends = np.cumsum(nonzero.sum(axis=1)).tolist()
    starts = [0, *ends[:-1]]
    return [dict(zip(names[a:b], vals[a:b], strict=True)) for a, b in zip(starts, ends, strict=True)]


def _aggregate(prep: PreparedRanking, params: ModelParams) -> dict:
    """Per-area exact aggregates under ``params``, with what protecting them needs."""
    n_a = len(prep.area_ids)
    w = weights_coded(prep.kind_code, prep.kinds, prep.credibility, prep.age_days, prep.excluded, params)
    counted = (w > 0) & (prep.area_code >= 0)
    ac = prep.area_code[counted]
    n_signals = np.bincount(ac, minlength=n_a)
    n_recent = np.bincount(ac, weights=prep.recent[counted], minlength=n_a).astype(np.int64)
    pairs = np.unique(ac * prep.n_sources + prep.source_code[counted])
    n_sources = np.bincount(pairs // prep.n_sources, minlength=n_a)
    k = len(prep.kinds)
    kc = prep.kind_code[counted]
    ok = kc >= 0
    by_kind = np.bincount(ac[ok] * k + kc[ok], minlength=n_a * k).reshape(n_a, k) if k else np.zeros((n_a, 0))

    # entrance scores: the heaviest signal per (entrance, source), then the source bonus
    if len(w):
        gmax = np.maximum.reduceat(w[prep.group_order], prep.group_starts)
    else:
        gmax = np.zeros(0)
    pos = gmax > 0
    n_ent = len(prep.entrance_area)
    base = np.bincount(prep.group_entrance[pos], weights=gmax[pos], minlength=n_ent)
    nsrc = np.bincount(prep.group_entrance[pos], minlength=n_ent)
    es = base * (1.0 + params.source_bonus * (nsrc - 1))
    has = (nsrc > 0) & (prep.entrance_area >= 0)
    score = np.bincount(prep.entrance_area[has], weights=es[has], minlength=n_a)
    return {"counted": counted, "ac": ac, "kc": kc, "ok": ok, "pairs": pairs, "n_signals": n_signals,
            "n_recent": n_recent, "n_sources": n_sources, "by_kind": by_kind, "score": score}


def _ranked_frame(prep: PreparedRanking, *, score: np.ndarray, signals: list, recent: list, sources: list,
                  kinds_col: list[dict], raw: bool) -> pd.DataFrame:
    """Smooth ``score`` (numbers), find hot spots, rank, and lay out the columns."""
    n_a = len(prep.area_ids)
    sm = eb_smooth(score, prep.dwellings)
    mean_rate = sm.attrs.get("mean_rate", 0.0)
    rate = sm["rate"].to_numpy()
    ratio = rate / mean_rate if mean_rate > 0 else np.zeros(n_a)
    if prep.gi is not None:
        hs = _hotspots(rate, prep.gi)
        hot, hot_p = hs["hotspot"].to_numpy(), hs["hotspot_p"].to_numpy()
    else:
        hot, hot_p = np.zeros(n_a, dtype=bool), np.ones(n_a)
    o = np.lexsort((np.arange(n_a), -score, -rate))  # rate ↓, score ↓, area id ↑
    cols = {
        "area_id": pd.array(prep.area_ids[o], dtype="str"), "name": pd.array(prep.names[o], dtype="str"),
        "rank": np.arange(1, n_a + 1, dtype=np.int64),
        "score": score[o].astype(float) if raw else pd.Series([shown(int(v)) for v in score[o]], dtype=object),
        "signals": _pick(signals, o, raw), "recent": _pick(recent, o, raw), "sources": _pick(sources, o, raw),
        "signals_by_kind": pd.Series([kinds_col[i] for i in o], dtype=object),
        "dwellings": prep.dwellings[o].astype(np.int64), "rate": rate[o],
        "rate_low": sm["rate_low"].to_numpy()[o], "rate_high": sm["rate_high"].to_numpy()[o]}
    if raw:
        cols["raw_rate"] = sm["raw_rate"].to_numpy()[o]
    cols.update({"ratio": np.asarray(ratio, dtype=float)[o], "hotspot": hot[o].astype(bool),
                 "hotspot_p": np.asarray(hot_p, dtype=float)[o]})
    out = pd.DataFrame(cols)
    out.attrs["mean_rate"] = mean_rate
    return out


def _pick(values, order: np.ndarray, raw: bool):  # noqa: ANN001, ANN202
    if raw:
        return np.asarray(values)[order].astype(np.int64)
    return pd.Series([values[i] for i in order], dtype=object)


def rank_prepared(prep: PreparedRanking, params: ModelParams) -> pd.DataFrame:
    """:func:`rank_areas` from prepared inputs: vectorised numpy, Gi* by one sparse
    mat-vec. Same columns and order as :func:`rank_areas_reference` (scores equal up to
    floating-point summation order)."""
    a = _aggregate(prep, params)
    return _ranked_frame(prep, score=a["score"], signals=a["n_signals"], recent=a["n_recent"],
                         sources=a["n_sources"], kinds_col=_by_kind_dicts(a["by_kind"], prep.kinds), raw=True)


def rank_protected(prep: PreparedRanking, params: ModelParams) -> pd.DataFrame:
    """The ranking as those who may not see addresses see it (:mod:`detection.privacy`).

    Every count (signals per kind, recent signals, distinct sources) and the weighted score
    is rounded to a multiple of 5 by cell-key random rounding, keyed on the records in the
    cell; ``signals`` is the sum of the rounded kinds; the smoothed rate, its interval, the
    ratio and the hot spots are computed from the rounded score, and areas are ranked by
    them. A value that rounds to 0 reads ``"<5"``. No unsmoothed rate. Areas under 20
    dwellings are still in the frame (the repository leaves them out).
    """
    n_a = len(prep.area_ids)
    a = _aggregate(prep, params)
    counted, ac, kc, ok = a["counted"], a["ac"], a["kc"], a["ok"]
    rk = prep.record_key[counted]
    k = len(prep.kinds)
    by_kind_ck = cell_keys(ac[ok] * k + kc[ok], rk[ok], n_a * k).reshape(n_a, k) if k else np.zeros((n_a, 0))
    by_kind, signals = protect_parts(a["by_kind"], by_kind_ck, "signals")
    area_ck = cell_keys(ac, rk, n_a)
    recent_ck = cell_keys(np.where(prep.recent[counted], ac, -1), rk, n_a)
    src_ck = cell_keys(a["pairs"] // prep.n_sources, prep.source_key[a["pairs"] % prep.n_sources], n_a)
    score = round_keyed(a["score"], area_ck, "score").astype(float)
    return _ranked_frame(prep, score=score, signals=[shown(int(v)) for v in signals],
                         recent=protect(a["n_recent"], recent_ck, "recent"),
                         sources=protect(a["n_sources"], src_ck, "sources"),
                         kinds_col=_by_kind_dicts(by_kind, prep.kinds), raw=False)


def rank_areas(*, area_of_entrance: pd.Series, dwellings: pd.Series, signals: pd.DataFrame,
               params: ModelParams, as_of: date, names: dict[str, str] | None = None,
               weights=None) -> pd.DataFrame:
    """Rank the areas of one layer (all roles; mask with :func:`mask_for_role`).

    Parameters
    ----------
    area_of_entrance : Series
        ``entrance_id`` → ``area_id`` (from :func:`entrance_area_ids`).
    dwellings : Series
        ``entrance_id`` → dwellings (from :func:`entrance_dwellings`).
    signals : DataFrame
        ``entrance_id, kind, received, credibility`` and ``partner_id``/``source``,
        optionally ``assessment``.
    weights : callable or None
        ``weights(area_ids)`` → libpysal weights (or :class:`detection.priorities.hotspots.GiStarWeights`)
        in that order, for Gi*; ``None``: no hot spots (all False).

    Returns
    -------
    DataFrame, one row per area with dwellings, sorted by ``rank``: ``area_id, name, rank,
    score, signals, recent, sources, signals_by_kind, dwellings, rate, rate_low,
    rate_high, raw_rate, ratio, hotspot, hotspot_p`` (no ``why`` yet: :func:`add_why`).

    To re-rank the same inputs under other parameters, keep :func:`prepare_ranking`'s
    result and call :func:`rank_prepared` (what the repository does).
    """
    prep = prepare_ranking(area_of_entrance=area_of_entrance, dwellings=dwellings, signals=signals,
                           as_of=as_of, names=names, weights=weights)
    return rank_prepared(prep, params)


def rank_areas_reference(*, area_of_entrance: pd.Series, dwellings: pd.Series, signals: pd.DataFrame,
               params: ModelParams, as_of: date, names: dict[str, str] | None = None,
               weights=None) -> pd.DataFrame:
    """:func:`rank_areas` written straightforwardly in pandas with esda's Gi* (slow); the
    same parameters and the same result.

    The executable specification of the ranking: tests and ``bench/priorities.py``
    check the prepared path (:func:`prepare_ranking` + :func:`rank_prepared`) against it.
    """
    dw = dwellings.reindex(area_of_entrance.index).fillna(1).astype(int)
    n = dw.groupby(area_of_entrance.to_numpy()).sum()
    n = n[n > 0]
    areas = n.index.astype(str)
    df = pd.DataFrame({"area_id": areas, "dwellings": n.to_numpy().astype(int)})

    known = pd.Index(area_of_entrance.index.to_numpy(object))
    sig = signals[known.get_indexer(signals["entrance_id"].to_numpy(object)) >= 0]
    w = signal_weights(sig, params, as_of=as_of) if len(sig) else np.zeros(0)
    counted = sig[w > 0].copy() if len(sig) else sig.copy()
    counted["area_id"] = area_of_entrance.reindex(counted["entrance_id"]).to_numpy()
    counted["src"] = source_keys(counted).to_numpy() if len(counted) else []
    age = (np.datetime64(as_of, "D") - pd.to_datetime(counted["received"]).to_numpy("datetime64[D]")
           ).astype("timedelta64[D]").astype(float) if len(counted) else np.zeros(0)
    counted["recent"] = age <= RECENT_DAYS
    g = counted.groupby("area_id")
    df["signals"] = df["area_id"].map(g.size()).fillna(0).astype(int)
    df["recent"] = df["area_id"].map(g["recent"].sum()).fillna(0).astype(int)
    df["sources"] = df["area_id"].map(g["src"].nunique()).fillna(0).astype(int)
    by_kind = counted.groupby(["area_id", "kind"]).size()
    kinds_map: dict[str, dict[str, int]] = {}
    for (a, k), c in by_kind.items():
        kinds_map.setdefault(a, {})[k] = int(c)
    df["signals_by_kind"] = [dict(sorted(kinds_map.get(a, {}).items(), key=lambda kv: (-kv[1], kv[0])))
                             for a in df["area_id"]]

    es = entrance_scores(sig, params, as_of=as_of)["score"] if len(sig) else pd.Series(dtype=float)
    area_score = es.groupby(area_of_entrance.reindex(es.index).to_numpy()).sum() if len(es) else pd.Series(dtype=float)
    df["score"] = df["area_id"].map(area_score).fillna(0.0).astype(float)

    sm = eb_smooth(df["score"].to_numpy(), df["dwellings"].to_numpy())
    for c in ("rate", "rate_low", "rate_high", "raw_rate"):
        df[c] = sm[c].to_numpy()
    mean_rate = sm.attrs.get("mean_rate", 0.0)
    df["ratio"] = df["rate"] / mean_rate if mean_rate > 0 else 0.0
    df["name"] = [(names or {}).get(a, a) for a in df["area_id"]]

    if weights is not None and len(df) >= 3:
        hs = _hotspots(df["rate"].to_numpy(), weights(df["area_id"].to_numpy()))
        df["hotspot"] = hs["hotspot"].to_numpy()
        df["hotspot_p"] = hs["hotspot_p"].to_numpy()
    else:
        df["hotspot"] = False
        df["hotspot_p"] = 1.0

    df = df.sort_values(["rate", "score", "area_id"], ascending=[False, False, True], kind="mergesort")
    df["rank"] = np.arange(1, len(df) + 1)
    df.attrs["mean_rate"] = mean_rate
    cols = ["area_id", "name", "rank", "score", "signals", "recent", "sources", "signals_by_kind",
            "dwellings", "rate", "rate_low", "rate_high", "raw_rate", "ratio", "hotspot", "hotspot_p"]
    out = df[cols].reset_index(drop=True)
    out.attrs["mean_rate"] = mean_rate
    return out


# ---------------------------------------------------------------- masking and words

def _num(v: float, lang: str, digits: int = 1) -> str:
    s = f"{v:,.{digits}f}"
    if lang == "da":
        s = s.replace(",", "§").replace(".", ",").replace("§", ".")
    return s


def _count(v, lang: str, one: tuple[str, str], many: tuple[str, str]) -> str:
    word = (one if v == 1 else many)[0 if lang == "da" else 1]
    return f"{v} {word}"


def why_text(row, lang: str = "da") -> str:
    """A plain-language reason for an area's place, from a (possibly masked) ranking row."""
    n = row["signals"]
    d = int(row["dwellings"])
    dw = _count(_num(d, lang, 0) if d >= 1000 else d, lang, ("bolig", "dwelling"), ("boliger", "dwellings"))
    if n == 0:
        return (f"Ingen henvendelser, der tæller; {dw}." if lang == "da"
                else f"No signals that count; {dw}.")
    parts = []
    sig = _count(n, lang, ("henvendelse", "signal"), ("henvendelser", "signals"))
    src = row["sources"]
    if lang == "da":
        srcs = f"{src} forskellig kilde" if src == 1 else f"{src} forskellige kilder"
        parts.append(f"{sig} fra {srcs} ({row['recent']} inden for de seneste 6 måneder)")
    else:
        srcs = f"{src} source" if src == 1 else f"{src} different sources"
        parts.append(f"{sig} from {srcs} ({row['recent']} in the last 6 months)")
    kinds = list(row["signals_by_kind"].items())[:2]
    if kinds:
        names = [f"{c} {KIND_BY_ID[k].name(lang) if k in KIND_BY_ID else k}" for k, c in kinds]
        parts.append(("mest " if lang == "da" else "most often ") + " og ".join(names) if lang == "da"
                     else "most often " + " and ".join(names))
    rate = _num(row["rate"], lang)
    ratio = _num(row["ratio"], lang)
    if lang == "da":
        parts.append(f"udjævnet rate {rate} pr. 1.000 boliger, {ratio} × gennemsnittet, i {dw}")
    else:
        parts.append(f"smoothed rate {rate} per 1,000 dwellings, {ratio}× the average, in {dw}")
    text = "; ".join(parts) + "."
    if row.get("hotspot"):
        text += (" Signifikant hot spot (Gi*, FDR 5 %)." if lang == "da"
                 else " Significant hot spot (Gi*, FDR 5%).")
    return text


def add_why(df: pd.DataFrame, lang: str = "da") -> pd.DataFrame:
    """``df`` with a ``why`` column in ``lang``."""
    out = df.copy()
    keys = [c for c in _WHY_COLUMNS if c in out.columns]
    # plain column lists instead of to_dict("records"): half the time on 24k rows, same values
    cols = [out[c].tolist() for c in keys]
    out["why"] = [why_text(dict(zip(keys, vals, strict=True)), lang) for vals in zip(*cols, strict=True)]
    return out


_WHY_COLUMNS = ("signals", "dwellings", "sources", "recent", "signals_by_kind", "rate", "ratio", "hotspot")
"""The columns :func:`why_text` reads."""


def to_json_areas(df: pd.DataFrame) -> list[dict]:
    """Rows in the conventions.md shape of ``priorities --json``.

    Read column by column (a city's 24k grid cells in a third of the time of
    ``to_dict("records")``), with the values ``to_dict`` gives: Python numbers, not numpy's.
    """
    c = {k: _column(df[k]) for k in ("area_id", "name", "rank", "score", "signals", "signals_by_kind",
                                      "dwellings", "rate", "rate_low", "rate_high", "hotspot", "hotspot_p", "why")}
    return [{
        "area_id": area_id, "name": name, "rank": int(rank),
        "score": score if isinstance(score, str) else round(float(score), 3),
        "signals": signals, "signals_by_kind": by_kind, "dwellings": int(dwellings),
        "rate": round(float(rate), 2), "rate_low": round(float(low), 2), "rate_high": round(float(high), 2),
        "hotspot": bool(hot), "hotspot_p": round(float(hot_p), 4), "why": why,
    } for area_id, name, rank, score, signals, by_kind, dwellings, rate, low, high, hot, hot_p, why in zip(
        *c.values(), strict=True)]


def _column(s: pd.Series) -> list:
    """A column's values as ``to_dict("records")`` gives them: numpy scalars as Python ones."""
    values = s.tolist()
    if s.dtype == object:
        return [v.item() if isinstance(v, np.generic) else (None if v is pd.NA else v) for v in values]
    return values
