"""Benchmark: the offline base map of the Samsø demo (issue 15), beside a naive GeoJSON layer.

Builds the demo workspace into a temporary SQLite file, then prints a table: method, seconds
to build the layer, its size in KB (what every map embeds), and the size of a whole *Kort*
map's HTML with it. The naive baseline embeds every stored network edge as its own GeoJSON
feature (what ``folium.GeoJson(edges)`` would send), unmerged and unsimplified.

    .venv/bin/python bench/basemap.py [--db existing-demo.sqlite]

With ``--city DB`` (a workspace from ``bench/city.py``, issue 18) it times the build on the
city instead, against the code of ``--baseline-rev`` (default 32b76c9: the built-up areas
softened and simplified as one multi-polygon, 50 m cells whatever the size, a loop per
street) run on the same inputs in the same run, and gives the bytes a *Kort*-like map sends
with the layer embedded (the baseline) and with the layer published as a file
(``ui/basemap.py``; the file itself is fetched once per browser).

    .venv/bin/python bench/basemap.py --city /tmp/city.sqlite [--baseline-rev 32b76c9]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select

from detection.cli.main import main as cli
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from geo.assets import use_local_assets
from geo.basemap import BaseMapOptions, build_base_layers, naive_geojson
from geo.crs import WORK_CRS
from geo.maps import build_map


def _inputs(r: Repository) -> dict:
    with store_engine.read_tx(r.engine) as conn:
        edges = pd.read_sql(select(t.network_edges.c.highway, t.network_edges.c.geometry_wkb), conn)
        ent = pd.read_sql(select(t.entrances.c.street, t.entrances.c.x, t.entrances.c.y), conn)
    lines = gpd.GeoDataFrame({"highway": edges["highway"]}, geometry=shapely.from_wkb(edges["geometry_wkb"]),
                             crs=WORK_CRS)
    return {"boundary": r.boundary(), "edges": lines, "points": ent, "areas": r.areas("parishes"),
            "streets": ent}


def _html_kb(r: Repository, extra) -> float:
    m = build_map(boundary=r.boundary(), area_layers={"parishes": r.areas("parishes")}, tiles_label=None)
    extra(m)
    return len(use_local_assets(m).get_root().render().encode()) / 1024


def _baseline_module(rev: str):
    """``geo/basemap.py`` as it was at ``rev``, imported under another name."""
    import importlib.util
    import subprocess
    import sys

    src = subprocess.run(["git", "show", f"{rev}:geo/basemap.py"], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    path = Path(tempfile.mkdtemp()) / "basemap_baseline.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("basemap_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["basemap_baseline"] = mod
    spec.loader.exec_module(mod)
    return mod


def city(db: Path, rev: str) -> None:
    r = Repository.open(str(db), "planner")
    with store_engine.read_tx(r.engine) as conn:
        first = conn.execute(select(t.area_layers.c.layer).where(t.area_layers.c.layer.not_like("grid%"))
                             .order_by(t.area_layers.c.layer)).scalar()
    inp = _inputs(r) | {"areas": r.areas(first)}
    n_edges = len(inp["edges"])
    rows = []
    for label, build in [(f"baseline ({rev}): one multi-polygon, 50 m", _baseline_module(rev).build_base_layers),
                         ("opspor: per polygon, cells fitted", build_base_layers)]:
        t0 = time.perf_counter()
        layers = build(**inp)
        dt = time.perf_counter() - t0
        embedded = _html_kb(r, layers.add_to)
        published = _html_kb(r, layers.with_url("/app/static/basemap/x.json").add_to) \
            if hasattr(layers, "with_url") else None
        rows.append((label, dt, layers.size_bytes / 1024, dict(layers.counts).get("built", 0), embedded, published))
    print(f"city: {len(inp['points']):,} entrances, {n_edges:,} network edges, areas {first!r}")
    print("| way | build s | layer KB | built-up polygons | map KB, layer embedded | map KB, layer fetched |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, dt, kb, nb, emb, pub in rows:
        print(f"| {label} | {dt:.1f} | {kb:,.0f} | {nb:,} | {emb:,.0f} | {'–' if pub is None else f'{pub:,.0f}'} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing demo database (default: build one)")
    ap.add_argument("--city", type=Path, help="a city workspace (bench/city.py): time the build there")
    ap.add_argument("--baseline-rev", default="32b76c9")
    args = ap.parse_args(argv)
    if args.city:
        city(args.city, args.baseline_rev)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.sqlite"
            assert cli(["--db", str(db), "demo", "--as-of", "2026-11-01"]) == 0
        r = Repository.open(str(db), "planner")
        inp = _inputs(r)
        rows = []
        t0 = time.perf_counter()
        naive = naive_geojson(boundary=inp["boundary"], edges=inp["edges"])
        t_naive = time.perf_counter() - t0
        kb_naive_html = _html_kb(r, lambda m: folium.GeoJson(naive, name="naive").add_to(m))
        rows.append(("naive GeoJSON, every edge", t_naive, len(naive.encode()) / 1024, kb_naive_html))
        for label, opt in [("opspor base map (default, 3 m)", BaseMapOptions()),
                           ("opspor base map, 1 m roads", BaseMapOptions(road_tolerance_m=1.0)),
                           ("opspor base map, 10 m roads", BaseMapOptions(road_tolerance_m=10.0))]:
            t0 = time.perf_counter()
            layers = build_base_layers(**inp, options=opt)
            dt = time.perf_counter() - t0
            rows.append((label, dt, layers.size_bytes / 1024, _html_kb(r, layers.add_to)))
        t0 = time.perf_counter()
        r.base_map_layers()
        t_repo = time.perf_counter() - t0
        t0 = time.perf_counter()
        r.base_map_layers()
        t_cached = time.perf_counter() - t0
    print(f"{'method':34} {'build s':>8} {'layer KB':>9} {'map HTML KB':>12}")
    for label, dt, kb, html in rows:
        print(f"{label:34} {dt:8.3f} {kb:9.1f} {html:12.1f}")
    print(f"Repository.base_map_layers(): first {t_repo:.3f} s (incl. reading the store), cached {t_cached * 1000:.1f} ms")
    print("layer parts (bytes):", dict(build_base_layers(**inp).sizes))


if __name__ == "__main__":
    main()
