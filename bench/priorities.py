"""Benchmark: score, aggregate to DDKN 250 m cells and EB-smooth 1M signals over 3M entrances.

Denmark-scale entrances are generated from the shipped register: the Samsø (OSM) and Odense
(DAWA extract) entrance points are copied as tiles across Denmark's extent with jitter.
Dwellings per entrance and signals (kind, age, credibility, source) are random with a
fixed seed. Printed beside a naive baseline (row-wise ``geopandas.sjoin`` of signal points
to cell polygons + pandas ``groupby``/``apply``) on a subsample in the same process, and a
re-rank of one municipality (50k signals, with Gi* hot spots) after a weight change: the
cached path the repository uses (``prepare_ranking`` once, ``rank_prepared`` per slider
move) beside the reference pandas/esda ranking (``rank_areas_reference``) on the same data.

Usage: ``.venv/bin/python bench/priorities.py [--entrances 3000000 --signals 1000000]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.priorities.hotspots import grid_gi_weights, grid_weights  # noqa: E402
from detection.priorities.ranking import (  # noqa: E402
    add_why,
    eb_smooth,
    entrance_area_ids,
    prepare_ranking,
    rank_areas_reference,
    rank_prepared,
)
from detection.priorities.scoring import ModelParams, entrance_scores, entrance_scores_coded  # noqa: E402
from detection.vocab import KINDS  # noqa: E402

AS_OF = date(2026, 11, 1)
KIND_IDS = [k.id for k in KINDS]


def templates() -> np.ndarray:
    s = pd.read_csv(ROOT / "data/samsoe/samsoe_osm_addresses.csv", usecols=["x_25832", "y_25832"])
    o = pd.read_csv(ROOT / "data/odense/dawa_test_adgangsadresser.csv", usecols=["x_25832", "y_25832"])
    parts = []
    for df in (s, o):
        xy = df.dropna().to_numpy(float)
        parts.append(xy - xy.mean(axis=0))
    return np.vstack(parts)


def generate(n_ent: int, n_sig: int, seed: int = 42) -> dict:
    rng = np.random.default_rng(seed)
    tpl = templates()
    n_tiles = int(np.ceil(n_ent / len(tpl)))
    cx = rng.uniform(450_000, 890_000, n_tiles)
    cy = rng.uniform(6_050_000, 6_400_000, n_tiles)
    tile = np.repeat(np.arange(n_tiles), len(tpl))[:n_ent]
    idx = np.tile(np.arange(len(tpl)), n_tiles)[:n_ent]
    x = cx[tile] + tpl[idx, 0] + rng.normal(0, 30, n_ent)
    y = cy[tile] + tpl[idx, 1] + rng.normal(0, 30, n_ent)
    dwell = np.where(rng.random(n_ent) < 0.7, 1, rng.integers(2, 25, n_ent)).astype(np.int64)
    p = dwell / dwell.sum()
    ent = rng.choice(n_ent, size=n_sig, p=p)
    return {"x": x, "y": y, "dwell": dwell, "tile": tile,
            "sig_ent": ent, "sig_kind": rng.integers(0, len(KIND_IDS), n_sig),
            "sig_age": rng.integers(-3, 540, n_sig).astype(float),
            "sig_cred": rng.integers(1, 4, n_sig).astype(float),
            "sig_src": rng.integers(0, 60, n_sig)}


def fast_path(d: dict, params: ModelParams) -> pd.DataFrame:
    """Vectorised: coded scores → integer 250 m cell keys → bincount → EB; names for cells only."""
    n = len(d["x"])
    score = entrance_scores_coded(d["sig_ent"], d["sig_src"], d["sig_kind"], d["sig_age"], d["sig_cred"],
                                  params, kinds=KIND_IDS, n_entrances=n)
    row = (np.floor(d["y"]).astype(np.int64) // 250)
    col = (np.floor(d["x"]).astype(np.int64) // 250)
    key = row * 10_000 + col
    cells, inv = np.unique(key, return_inverse=True)
    y = np.bincount(inv, weights=score, minlength=len(cells))
    nd = np.bincount(inv, weights=d["dwell"], minlength=len(cells))
    sm = eb_smooth(y, nd)
    names = ("250m_" + pd.Series(cells // 10_000 * 25).astype(str) + "_"
             + pd.Series(cells % 10_000 * 25).astype(str)).to_numpy()
    out = pd.DataFrame({"area_id": names, "score": y, "dwellings": nd, "rate": sm["rate"].to_numpy()})
    return out.sort_values(["rate", "score", "area_id"], ascending=[False, False, True], kind="mergesort")


def naive_path(d: dict, params: ModelParams, n_ent: int, n_sig: int) -> pd.DataFrame:
    """Row-wise: a frame per signal, pandas apply for weights, polygon sjoin, groupby."""
    import geopandas as gpd

    from geo.areas import cell_polygon, ddkn_cell_ids

    sel = d["sig_ent"] < n_ent
    ent = d["sig_ent"][sel][:n_sig]
    sig = pd.DataFrame({"entrance_id": ent, "kind": np.array(KIND_IDS)[d["sig_kind"][sel][:n_sig]],
                        "age": d["sig_age"][sel][:n_sig], "credibility": d["sig_cred"][sel][:n_sig],
                        "src": d["sig_src"][sel][:n_sig]})
    w = dict(params.kind_weights)
    sig["w"] = sig.apply(lambda r: 0.0 if r["age"] < 0 else w[r["kind"]]
                         * (1 + params.credibility_spread * (r["credibility"] - 2))
                         * 0.5 ** (r["age"] / params.half_life_days), axis=1)
    per = sig.groupby(["entrance_id", "src"])["w"].max().groupby(level=0).agg(["sum", "size"])
    score = per["sum"] * (1 + params.source_bonus * (per["size"] - 1))
    pts = gpd.GeoDataFrame({"entrance_id": np.arange(n_ent), "dwell": d["dwell"][:n_ent]},
                           geometry=gpd.points_from_xy(d["x"][:n_ent], d["y"][:n_ent]), crs="EPSG:25832")
    ids = np.unique(ddkn_cell_ids(d["x"][:n_ent], d["y"][:n_ent], size_m=250))
    cells = gpd.GeoDataFrame({"area_id": ids}, geometry=[cell_polygon(c) for c in ids], crs="EPSG:25832")
    j = gpd.sjoin(pts, cells, how="left", predicate="within")
    j["score"] = j["entrance_id"].map(score).fillna(0.0)
    g = j.groupby("area_id").agg(score=("score", "sum"), dwellings=("dwell", "sum"))
    sm = eb_smooth(g["score"].to_numpy(), g["dwellings"].to_numpy())
    return g.assign(rate=sm["rate"].to_numpy()).sort_values("rate", ascending=False)


def timed(fn, *a):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(*a)
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entrances", type=int, default=3_000_000)
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--naive-entrances", type=int, default=100_000, dest="naive_ent")
    ap.add_argument("--naive-signals", type=int, default=30_000, dest="naive_sig")
    a = ap.parse_args()
    t0 = time.perf_counter()
    d = generate(a.entrances, a.signals)
    print(f"generated {a.entrances:,} entrances, {a.signals:,} signals in {time.perf_counter() - t0:.1f} s")
    params = ModelParams()
    rows = []
    out, dt, mb = timed(fast_path, d, params)
    rows.append(("fast: score + 250 m cells + EB, Denmark scale", a.entrances, a.signals, dt, mb, len(out)))
    out2, dt2, _ = timed(fast_path, d, params.with_weight("eviction_risk", 3.0))
    rows.append(("fast: same after a weight change", a.entrances, a.signals, dt2, float("nan"), len(out2)))
    # same subsample through both paths
    sub = {k: v for k, v in d.items()}
    keep = d["sig_ent"] < a.naive_ent
    for k in ("sig_ent", "sig_kind", "sig_age", "sig_cred", "sig_src"):
        sub[k] = d[k][keep][:a.naive_sig]
    for k in ("x", "y", "dwell", "tile"):
        sub[k] = d[k][:a.naive_ent]
    n_sub = len(sub["sig_ent"])
    fs, dt_f, mb_f = timed(fast_path, sub, params)
    rows.append(("fast: subsample", a.naive_ent, n_sub, dt_f, mb_f, len(fs)))
    nv, dt_n, mb_n = timed(naive_path, d, params, a.naive_ent, a.naive_sig)
    rows.append(("naive: row-wise apply + sjoin + groupby, subsample", a.naive_ent, n_sub, dt_n, mb_n, len(nv)))
    same = list(fs["area_id"].head(20)) == list(nv.index[:20])
    # one municipality: the entrances of ~25 tiles (≈150k), 50k signals, repository-style path
    tiles = np.unique(d["tile"])[:25]
    m_ent = np.isin(d["tile"], tiles)
    ids = np.nonzero(m_ent)[0]
    ent = pd.DataFrame({"entrance_id": ids.astype(str), "x": d["x"][ids], "y": d["y"][ids]})
    ms = np.isin(d["sig_ent"], ids)
    pick = np.nonzero(ms)[0][:50_000]
    sig = pd.DataFrame({"entrance_id": d["sig_ent"][pick].astype(str),
                        "kind": np.array(KIND_IDS)[d["sig_kind"][pick]],
                        "received": pd.to_datetime(AS_OF) - pd.to_timedelta(d["sig_age"][pick], unit="D"),
                        "credibility": d["sig_cred"][pick].astype(int), "partner_id": d["sig_src"][pick].astype(str),
                        "source": ""})
    aoe = entrance_area_ids(ent, "grid250")
    dw = pd.Series(d["dwell"][ids], index=ent["entrance_id"])
    wcache = {}

    def weights(a_ids):
        k = tuple(a_ids)
        if k not in wcache:
            wcache[k] = grid_weights(a_ids)
        return wcache[k]

    heavier = params.with_weight("eviction_risk", 3.0)
    kw = dict(area_of_entrance=aoe, dwellings=dw, signals=sig, as_of=AS_OF, weights=weights)
    # what the repository does: prepare once per workspace version/layer/as-of (grid Gi* matrix
    # built directly), then re-rank per slider move
    t1 = time.perf_counter()
    prep = prepare_ranking(**{**kw, "weights": grid_gi_weights})
    rank_prepared(prep, params)
    first = time.perf_counter() - t1
    reranks = []
    for _ in range(3):
        t1 = time.perf_counter()
        r2 = rank_prepared(prep, heavier)
        reranks.append(time.perf_counter() - t1)
    rerank = float(np.median(reranks))
    t1 = time.perf_counter()
    add_why(r2, "da")
    why = time.perf_counter() - t1
    # baseline in the same run: the reference pandas/esda ranking (libpysal W cached, as before this change)
    t1 = time.perf_counter()
    rank_areas_reference(params=params, **kw)
    first_ref = time.perf_counter() - t1
    t1 = time.perf_counter()
    ref = rank_areas_reference(params=heavier, **kw)
    rerank_ref = time.perf_counter() - t1
    t1 = time.perf_counter()
    entrance_scores(sig, params, as_of=AS_OF)
    score_only = time.perf_counter() - t1
    same_rank = list(ref["area_id"]) == list(r2["area_id"]) and (ref["hotspot"] == r2["hotspot"]).all()
    max_rate_diff = float(np.abs(ref["rate"].to_numpy() - r2["rate"].to_numpy()).max())
    rows.append((f"municipality: first rank ({len(ent):,} entr., Gi* weights built)", len(ent), len(sig), first,
                 float("nan"), len(r2)))
    rows.append(("municipality: re-rank after a weight change (Gi* incl.)", len(ent), len(sig), rerank,
                 float("nan"), len(r2)))
    rows.append(("municipality: why text for every cell (add_why)", len(ent), len(sig), why,
                 float("nan"), len(r2)))
    rows.append(("municipality: first rank, reference path (libpysal W built)", len(ent), len(sig), first_ref,
                 float("nan"), len(ref)))
    rows.append(("municipality: re-rank, reference pandas/esda path (baseline)", len(ent), len(sig), rerank_ref,
                 float("nan"), len(ref)))
    rows.append(("municipality: entrance scores only", len(ent), len(sig), score_only, float("nan"), len(r2)))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'step':58s} {'entrances':>10s} {'signals':>10s} {'seconds':>8s} {'peak MB':>8s} {'cells':>8s}")
    for name, ne, ns, s, mb, nc in rows:
        print(f"{name:58s} {ne:>10,} {ns:>10,} {s:>8.2f} {mb:>8.0f} {nc:>8,}")
    print(f"\nnaive/fast on the subsample: {dt_n / dt_f:.0f}× slower; same top 20 cells: {same}")
    print(f"municipal re-rank: {len(reranks)} runs {', '.join(f'{x:.3f}' for x in reranks)} s (median shown); "
          f"reference/prepared {rerank_ref / rerank:.0f}×; identical ranking and hot spots: {same_rank}; "
          f"max |Δ rate| {max_rate_diff:.1e}")
    print(f"process peak RSS (ru_maxrss): {maxrss:,.0f} MB")


if __name__ == "__main__":
    main()
