"""Bytes of *Prioritering*'s grid data on a city (issue 18): the squares of ``grid100`` and
``grid250`` as :class:`geo.maps.GridChoropleth` sends them, with the ranking, the numbers
and the place names the page uses (the colour classes are the page's: quintiles of the rate).

    .venv/bin/python bench/grid_bytes.py --db /tmp/city.sqlite [--as-of 2026-12-02]

Each layer is sent twice in the same run: the encoding before (nine whole numbers a cell in
a JSON list, kept here as ``_baseline_data``/``_baseline_cells``) and today's
(``geo.maps.grid_choropleth_data``: varints in one base64 string). Both must read back to
the same cells (every square, class, hotspot flag, rank, number and place name) or the
script stops with an error.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.repository import Repository  # noqa: E402
from geo.crs import require_crs, xy_to_lonlat  # noqa: E402
from geo.maps import GridChoropleth, escape_html, grid_cells, grid_choropleth_data  # noqa: E402
from geo.varint import split_repeat  # noqa: E402
from ui.widgets import cell_labels, number_text  # noqa: E402

TIP = "{p} · Nr. {r} · {v} ({l}–{u}) rate pr. 1.000 boliger · klasse {c} af 5{h}"
PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]


def _baseline_data(squares: gpd.GeoDataFrame, *, cls: Sequence[int], hotspot: Sequence[bool],
                   rank: Sequence[int], texts: Sequence[Sequence[str]], places: Sequence[str],
                   tip: str, hot: str, palette: Sequence[str]) -> dict:
    """The encoding before (commit 773f085's ``grid_choropleth_data``): nine whole numbers a
    cell in one JSON list (corner Δlat, Δlon, size index, class, hotspot, rank, numbers index,
    place index, repeat number)."""
    require_crs(squares, what="grid cells")
    b = shapely.bounds(squares.geometry.to_numpy())
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1])
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3])
    la0, lo0 = np.round(lat0 * 1e5).astype(np.int64), np.round(lon0 * 1e5).astype(np.int64)
    dla, dlo = np.round(lat1 * 1e5).astype(np.int64) - la0, np.round(lon1 * 1e5).astype(np.int64) - lo0
    order = np.lexsort((lo0, la0))
    split = [split_repeat(escape_html(p)) for p in places]
    prefix = os.path.commonprefix([b for b, _n in split]) if split else ""
    place_ids: dict[str, int] = {}
    place_of = [place_ids.setdefault(b[len(prefix):], len(place_ids)) for b, _n in split]
    text_ids: dict[tuple[str, str, str], int] = {}
    text_of = [text_ids.setdefault(tuple(escape_html(x) for x in tr), len(text_ids)) for tr in texts]
    size_ids: dict[tuple[int, int], int] = {}
    cells: list[int] = []
    prev_la = int(la0[order[0]]) if len(order) else 0
    prev_lo = int(lo0[order[0]]) if len(order) else 0
    base = [prev_la, prev_lo]
    for i in order:
        size = size_ids.setdefault((int(dla[i]), int(dlo[i])), len(size_ids))
        cells.extend((int(la0[i]) - prev_la, int(lo0[i]) - prev_lo, size, int(cls[i]), 1 if hotspot[i] else 0,
                      int(rank[i]), text_of[i], place_of[i], split[i][1]))
        prev_la, prev_lo = int(la0[i]), int(lo0[i])
    return {"base": base, "cells": cells, "sizes": [list(k) for k in size_ids], "texts": [list(k) for k in text_ids],
            "prefix": prefix, "places": list(place_ids), "tip": html.escape(tip), "hot": html.escape(hot),
            "palette": list(palette)}


def _baseline_cells(data: dict) -> list[dict]:
    """The cells of :func:`_baseline_data`'s ``data`` (the ``grid_cells`` before)."""
    out, la, lo, c = [], data["base"][0], data["base"][1], data["cells"]
    for i in range(0, len(c) - 8, 9):
        la, lo = la + c[i], lo + c[i + 1]
        dla, dlo = data["sizes"][c[i + 2]]
        place = data["prefix"] + data["places"][c[i + 7]] + (f" ({c[i + 8]})" if c[i + 8] else "")
        out.append({"lat": la, "lon": lo, "dlat": dla, "dlon": dlo, "cls": c[i + 3], "hot": c[i + 4],
                    "rank": c[i + 5], "texts": data["texts"][c[i + 6]], "place": place})
    return out


def _parts(data: dict) -> dict[str, int]:
    return {k: len(json.dumps(data[k], separators=(",", ":"), ensure_ascii=False).encode())
            for k in ("cells", "sizes", "texts", "words", "places") if k in data}


def _key(cell: dict) -> str:
    return json.dumps(cell, sort_keys=True, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/city.sqlite", help="a city from bench/city.py")
    ap.add_argument("--as-of", default="2026-12-02")
    a = ap.parse_args(argv)
    repo = Repository.open(a.db, "planner")
    print("| layer | cells | encoding | bytes | bytes a cell | build s | parts (bytes) |")
    print("|---|---:|---|---:|---:|---:|---|")
    for layer in ("grid100", "grid250"):
        df = repo.priorities(layer, as_of=date.fromisoformat(a.as_of))
        geo = repo.area_geometries(layer, list(df["area_id"]))
        gdf = geo.merge(df[["area_id", "rank", "rate", "rate_low", "rate_high", "hotspot"]], on="area_id")
        places = cell_labels(repo.cell_places(layer, sorted(gdf["area_id"].astype(str))), layer, "da")
        texts = [tuple(number_text(v, "da", decimals=1) for v in row)
                 for row in zip(gdf["rate"], gdf["rate_low"], gdf["rate_high"], strict=True)]
        rates = gdf["rate"].to_numpy(float)  # the page's classes: quintiles of the shown rates
        cls = np.searchsorted(np.quantile(rates, [0.2, 0.4, 0.6, 0.8]), rates, side="right").clip(0, 4).tolist()
        args = {"cls": cls, "hotspot": gdf["hotspot"].tolist(), "rank": gdf["rank"].tolist(), "texts": texts,
                "places": [places.get(c, c) for c in gdf["area_id"]], "tip": TIP, "hot": " · Hot spot",
                "palette": PALETTE}
        read: dict[str, list[str]] = {}
        for name, build, cells_of in (("before: JSON list", _baseline_data, _baseline_cells),
                                      ("now: varints, base64", grid_choropleth_data, grid_cells)):
            t0 = time.perf_counter()
            data = build(gdf[["geometry"]], **args)
            seconds = time.perf_counter() - t0
            sent = GridChoropleth(data).data_json.encode()
            read[name] = sorted(_key(c) for c in cells_of(data))
            print(f"| {layer} | {len(gdf):,} | {name} | {len(sent):,} | {len(sent) / len(gdf):.1f} | {seconds:.2f} "
                  f"| {_parts(data)} |", flush=True)
        before, now = read.values()
        if before != now:
            raise SystemExit(f"{layer}: the cells read back differ between the encodings")
    print("\nBoth encodings read back to the same cells (squares, classes, hotspots, ranks, numbers, places).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
