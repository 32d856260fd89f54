"""Bytes of *Prioritering*'s grid data on a city (issue 18): the squares of ``grid100`` and
``grid250`` as :class:`geo.maps.GridChoropleth` sends them, with the ranking, the numbers
and the place names the page uses (the colour classes are a stand-in: one digit either way).

    .venv/bin/python bench/grid_bytes.py --db /tmp/city.sqlite [--as-of 2026-12-02]

Run it at two commits to compare encodings (bench/RESULTS.md did so, in the same session
on the same city).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.repository import Repository  # noqa: E402
from geo.maps import GridChoropleth, grid_choropleth_data  # noqa: E402
from ui.widgets import cell_labels, number_text  # noqa: E402

TIP = "{p} · Nr. {r} · {v} ({l}–{u}) rate pr. 1.000 boliger · klasse {c} af 5{h}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/city.sqlite", help="a city from bench/city.py")
    ap.add_argument("--as-of", default="2026-12-02")
    a = ap.parse_args(argv)
    repo = Repository.open(a.db, "planner")
    print("| layer | cells | bytes | bytes a cell | parts (bytes) |")
    print("|---|---:|---:|---:|---|")
    for layer in ("grid100", "grid250"):
        df = repo.priorities(layer, as_of=date.fromisoformat(a.as_of))
        geo = repo.area_geometries(layer, list(df["area_id"]))
        gdf = geo.merge(df[["area_id", "rank", "rate", "rate_low", "rate_high", "hotspot"]], on="area_id")
        places = cell_labels(repo.cell_places(layer, sorted(gdf["area_id"].astype(str))), layer, "da")
        texts = [tuple(number_text(v, "da", decimals=1) for v in row)
                 for row in zip(gdf["rate"], gdf["rate_low"], gdf["rate_high"], strict=True)]
        data = grid_choropleth_data(
            gdf[["geometry"]], cls=[i % 5 for i in range(len(gdf))], hotspot=gdf["hotspot"].tolist(),
            rank=gdf["rank"].tolist(), texts=texts, places=[places.get(c, c) for c in gdf["area_id"]],
            tip=TIP, hot=" · Hot spot", palette=["#000000"] * 5)
        sent = GridChoropleth(data).data_json.encode()
        parts = {k: len(json.dumps(data[k], separators=(",", ":"), ensure_ascii=False).encode())
                 for k in ("cells", "sizes", "texts", "places") if k in data}
        print(f"| {layer} | {len(gdf):,} | {len(sent):,} | {len(sent) / len(gdf):.1f} | {parts} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
