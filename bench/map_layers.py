"""Benchmark: the signal map at 10k and 100k signals, beside a naive one-marker-per-signal map.

Prints a table: method, signals, seconds to build the folium map, seconds to render its
HTML (what st_folium serialises on every rerun), and the HTML size. The signals are
generated on the real Samsø entrances (synthetic), so the clusters are realistic.

    .venv/bin/python bench/map_layers.py [--sizes 10000 100000] [--naive-max 10000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from detection.vocab import CORE_KINDS, KIND_BY_ID
from geo.areas import read_area_layer
from geo.crs import to_work_crs, xy_to_lonlat
from geo.maps import KindStyle, build_map

ROOT = Path(__file__).resolve().parent.parent
SAMSOE = ROOT / "data" / "samsoe"


def _signals(n: int, seed: int = 1) -> pd.DataFrame:
    entr = pd.read_csv(SAMSOE / "samsoe_osm_addresses.csv")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(entr), n)
    return pd.DataFrame({"kind": rng.choice(CORE_KINDS, n),
                         "x": entr["x_25832"].to_numpy()[idx] + rng.normal(0, 5, n),
                         "y": entr["y_25832"].to_numpy()[idx] + rng.normal(0, 5, n)})


def _naive(boundary: gpd.GeoDataFrame, sig: pd.DataFrame) -> folium.Map:
    """One CircleMarker per signal in one FeatureGroup per kind: the obvious way."""
    m = folium.Map(location=[55.88, 10.62], zoom_start=11, tiles=None)
    folium.GeoJson(boundary.to_crs(4326).__geo_interface__).add_to(m)
    lon, lat = xy_to_lonlat(sig["x"].to_numpy(), sig["y"].to_numpy())
    for kind in CORE_KINDS:
        fg = folium.FeatureGroup(name=kind).add_to(m)
        mask = (sig["kind"] == kind).to_numpy()
        for a, o in zip(lat[mask], lon[mask], strict=True):
            folium.CircleMarker([a, o], radius=5, tooltip=KIND_BY_ID[kind].name_da).add_to(fg)
    folium.LayerControl().add_to(m)
    return m


def _ours(boundary, parishes, sig) -> folium.Map:
    styles = [KindStyle(k, KIND_BY_ID[k].name_da, KIND_BY_ID[k].symbol, KIND_BY_ID[k].colour)
              for k in CORE_KINDS]
    return build_map(boundary=boundary, area_layers={"parishes": parishes}, signals=sig,
                     kind_styles=styles)


def _measure(label: str, fn, n: int) -> dict:
    t0 = time.perf_counter()
    m = fn()
    t1 = time.perf_counter()
    html = m.get_root().render()
    t2 = time.perf_counter()
    return {"method": label, "signals": n, "build_s": round(t1 - t0, 2),
            "render_s": round(t2 - t1, 2), "html_mb": round(len(html.encode()) / 1e6, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--naive-max", type=int, default=10_000,
                    help="largest size the naive baseline is run at (it grows linearly)")
    args = ap.parse_args()
    boundary = to_work_crs(gpd.read_file(SAMSOE / "samsoe_kommune.geojson"))
    parishes = read_area_layer(SAMSOE / "samsoe_sogne.geojson")
    rows = []
    for n in args.sizes:
        sig = _signals(n)
        rows.append(_measure("opspor: FastMarkerCluster per kind", lambda s=sig: _ours(boundary, parishes, s), n))
        if n <= args.naive_max:
            rows.append(_measure("naive: CircleMarker per signal", lambda s=sig: _naive(boundary, s), n))
    df = pd.DataFrame(rows)
    print(df.to_string(index=False))


if __name__ == "__main__":
    main()
