"""A generated city workspace (issue 18): Samsø's real addresses tiled near Aarhus, and
tens of thousands of synthetic reports imported the normal way.

- The register: the Samsø workspace as ``opspor demo`` reads it from ``data/samsoe``
  (:func:`detection.register.demo.demo_spec`, :func:`build_workspace_data`) tiled ``--tiles``
  times (default 33 → 151,668 entrances) on a grid of offsets in EPSG:25832 metres around
  Aarhus. Each tile has its own entrance ids (UUID 5 of the tile and the Samsø id), its own
  postcode (``8000 + tile``) and town name, so every address is unique and imported reports
  match one entrance.
- Areas: the 5 Samsø parishes of each tile, dissolved into ``--areas-per-tile`` areas
  (default 2 → 66 "parishes"); the boundary is the union of the tiled municipality polygons.
- The walking network is tiled with ``--network`` (about 0.56M nodes and 0.58M edges at 33
  tiles); without it (the default) the city has no network and entrances are not snapped.
- Reports: ``--reports`` (default 50,000) invented reports on density-weighted entrances
  (:func:`detection.register.demo.generate_signals`), written as a Danish CSV and imported
  with :meth:`Repository.import_signals` (address by entrance id), then ``--second-batch``
  more if asked. Partners are the demo's invented ones (no coverage, no contacts: *Dækning*
  with no partner coverage at all).
- Users: ``admin`` and one per role (``planner``, ``teamleder``, ``feltarbejder``,
  ``analytiker``) with the password ``city-<name>-bench`` (not the demo's published ones).

Everything is written to ``--db`` only (a SQLite path or a ``postgresql+psycopg://`` URL);
nothing lands in the repository. Each step's time is printed.

    .venv/bin/python bench/city.py --db /tmp/city.sqlite [--tiles 33] [--reports 50000]
        [--second-batch 50000] [--network] [--force]
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.register.demo import _demo_partners, demo_spec, generate_signals  # noqa: E402
from detection.register.workspace import WorkspaceData, build_workspace_data  # noqa: E402
from geo import addresses as reg  # noqa: E402
from geo.crs import WORK_CRS  # noqa: E402
from geo.network import WalkingNetwork  # noqa: E402

AS_OF = date(2026, 11, 1)
CITY_NS = uuid.UUID("5c1d7f0e-2b8a-4d7e-9a51-6f0c1e3b9a18")
AARHUS = (575_000.0, 6_225_000.0)  # the centre the tiles are laid around (EPSG:25832)
KOMMUNEKODE = "0751"
USERS = (("admin", "administrator"), ("planner", "planner"), ("teamleder", "team_lead"),
         ("feltarbejder", "field_worker"), ("analytiker", "analyst"))
NODE_STRIDE = 10**11  # tile k's network node ids: the OSM id + k · NODE_STRIDE


def _say(step: str, t0: float, extra: str = "") -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{step:<34} {time.perf_counter() - t0:8.2f} s   (max RSS {rss:,.0f} MB){'   ' + extra if extra else ''}",
          flush=True)


def tile_offsets(n: int, extent: tuple[float, float, float, float], gap_m: float = 500.0) -> np.ndarray:
    """``n`` (dx, dy) offsets: tiles of the register's ``extent`` on a near-square grid around
    :data:`AARHUS`, ``gap_m`` apart."""
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx + gap_m, maxy - miny + gap_m
    cols = int(np.ceil(np.sqrt(n * h / w)))
    rows = int(np.ceil(n / cols))
    k = np.arange(n)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    dx = AARHUS[0] - cx + ((k % cols) - (cols - 1) / 2) * w
    dy = AARHUS[1] - cy + ((k // cols) - (rows - 1) / 2) * h
    return np.column_stack([dx, dy])


def _tile_network(net: WalkingNetwork, offsets: np.ndarray) -> WalkingNetwork:
    nodes, edges = [], []
    for k, (dx, dy) in enumerate(offsets):
        add = np.int64(k) * NODE_STRIDE
        nodes.append(net.nodes.assign(node_id=net.nodes["node_id"].to_numpy(np.int64) + add,
                                      x=net.nodes["x"] + dx, y=net.nodes["y"] + dy))
        lines = shapely.from_wkb(net.edges["geometry_wkb"].to_numpy())
        moved = shapely.transform(lines, lambda c, dx=dx, dy=dy: c + np.array([dx, dy]))
        edges.append(net.edges.assign(u=net.edges["u"].to_numpy(np.int64) + add,
                                      v=net.edges["v"].to_numpy(np.int64) + add,
                                      geometry_wkb=list(shapely.to_wkb(moved))))
    return WalkingNetwork(nodes=pd.concat(nodes, ignore_index=True), edges=pd.concat(edges, ignore_index=True))


def _tile_areas(parishes: gpd.GeoDataFrame, offsets: np.ndarray, per_tile: int) -> gpd.GeoDataFrame:
    """Each tile's parishes, dissolved into ``per_tile`` areas (largest parishes first, the
    rest merged into the last), with tile-unique ids and names."""
    order = parishes.assign(_a=parishes.geometry.area).sort_values("_a", ascending=False, kind="mergesort")
    p = max(1, min(int(per_tile), len(order)))
    groups = [[i] for i in order.index[:p - 1]] + [list(order.index[p - 1:])]
    rows, geoms = [], []
    for k, (dx, dy) in enumerate(offsets):
        for j, g in enumerate(groups):
            geom = shapely.union_all(parishes.geometry.loc[g].to_numpy())
            rows.append({"area_id": f"city{k:02d}{j}", "name": f"Sogn {k + 1}-{j + 1}"})
            geoms.append(shapely.transform(geom, lambda c, dx=dx, dy=dy: c + np.array([dx, dy])))
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=WORK_CRS)
    gdf.attrs["source"] = "bench/city.py (tiled samsoe_sogne.geojson)"
    return gdf


def build_city(*, tiles: int = 33, areas_per_tile: int = 2, network: bool = False) -> WorkspaceData:
    """The city as :class:`WorkspaceData` (nothing stored)."""
    base = build_workspace_data(demo_spec())
    ent = base.entrances
    extent = (ent["x"].min(), ent["y"].min(), ent["x"].max(), ent["y"].max())
    offsets = tile_offsets(tiles, extent)
    parts = []
    for k, (dx, dy) in enumerate(offsets):
        e = ent.copy()
        e["entrance_id"] = [str(uuid.uuid5(CITY_NS, f"{k}:{i}")) for i in ent["entrance_id"]]
        e["postcode"] = str(8000 + k)
        e["city"] = f"Aarhus T{k + 1:02d}"
        e["kommunekode"] = KOMMUNEKODE
        e["x"] = ent["x"] + dx
        e["y"] = ent["y"] + dy
        if network and base.network is not None:
            e["node_id"] = ent["node_id"].astype("Int64") + k * NODE_STRIDE
        else:
            e["node_id"] = None
            e["snap_m"] = np.nan
        parts.append(e)
    entrances = pd.concat(parts, ignore_index=True)
    entrances["address_key"] = [reg.address_key(s, h, p) for s, h, p in
                                entrances[["street", "house_number", "postcode"]].itertuples(index=False)]
    boundary = shapely.union_all([shapely.transform(base.boundary, lambda c, dx=dx, dy=dy: c + np.array([dx, dy]))
                                  for dx, dy in offsets])
    net = _tile_network(base.network, offsets) if network and base.network is not None else None
    sources = [{"kind": "generated", "file": "bench/city.py",
                "note": f"Samsø's OSM addresses tiled {tiles}× near Aarhus (benchmark city)"},
               {"kind": "osm", "file": "samsoe.osm.pbf", "licence": "© OpenStreetMap contributors, ODbL 1.0"}]
    return replace(base, name=f"Generated city ({tiles} × Samsø)", kommunekode=KOMMUNEKODE, synthetic=False,
                   boundary=boundary, sources=sources, entrances=entrances,
                   area_layers={"parishes": _tile_areas(base.area_layers["parishes"], offsets, areas_per_tile)},
                   network=net, problems=base.problems.iloc[0:0], partners=_demo_partners(), signals=None)


def reports_csv(entrances: pd.DataFrame, *, n: int, seed: int) -> bytes:
    """``n`` invented reports as a Danish Excel CSV (``;``, ``dd-mm-yyyy``), placed by entrance id."""
    sig = generate_signals(entrances, n=n, as_of=AS_OF, seed=seed)
    out = pd.DataFrame({
        "Dato": pd.to_datetime(sig["received"]).dt.strftime("%d-%m-%Y"),
        "Type": sig["kind"], "Adgangsadresse id": sig["entrance_id"], "Kilde": sig["source"],
        "Reference": [f"CITY-{seed}-{i + 1:06d}" for i in range(len(sig))], "Bemærkning": sig["note"],
        "Troværdighed": sig["credibility"]})
    buf = io.StringIO()
    out.to_csv(buf, sep=";", index=False)
    return buf.getvalue().encode("utf-8")


def import_reports(repo, entrances: pd.DataFrame, *, n: int, seed: int, label: str) -> dict:  # noqa: ANN001
    t0 = time.perf_counter()
    data = reports_csv(entrances, n=n, seed=seed)
    _say(f"{label}: write CSV ({n:,} rows)", t0, f"{len(data) / 1e6:.1f} MB")
    t0 = time.perf_counter()
    summary = repo.import_signals(data, as_of=AS_OF, file_name=f"city-{seed}.csv", source=None)
    _say(f"{label}: import_signals", t0, f"imported {summary['imported']:,}, rejected {summary['rejected']:,}, "
         f"duplicates {summary['duplicates']:,}")
    for r in summary["rejected_rows"][:3]:
        print(f"    rejected row {r['row']}: {r['reason']} ({r['field']}: {r['message']})")
    return summary


def make_city(db: str, *, tiles: int = 33, reports: int = 50_000, second_batch: int = 0,
              areas_per_tile: int = 2, network: bool = False, force: bool = False) -> dict:
    """Build the city into ``db`` and import its reports; returns a summary."""
    from detection.repository import Repository

    t_all = time.perf_counter()
    t0 = time.perf_counter()
    data = build_city(tiles=tiles, areas_per_tile=areas_per_tile, network=network)
    _say("build register (tiled)", t0, f"{len(data.entrances):,} entrances, "
         f"{len(data.area_layers['parishes'])} areas, network "
         f"{f'{data.network.n_nodes} nodes' if data.network is not None else 'none'}")
    t0 = time.perf_counter()
    repo = Repository.open(db, None)
    repo.replace_workspace(data, force=force)
    for name, role in USERS:
        repo.upsert_user(name, role=role, password=f"city-{name}-bench")
    _say("store workspace (replace_workspace)", t0)
    out = {"entrances": len(data.entrances), "areas": len(data.area_layers["parishes"])}
    importer = repo.as_user("planner")  # the administrator may not import reports
    if reports:
        out["first"] = import_reports(importer, data.entrances, n=reports, seed=101, label="reports")
    if second_batch:
        out["second"] = import_reports(importer, data.entrances, n=second_batch, seed=202, label="second batch")
    _say("city total", t_all)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="SQLite path or postgresql+psycopg:// URL (written to)")
    ap.add_argument("--tiles", type=int, default=33)
    ap.add_argument("--reports", type=int, default=50_000)
    ap.add_argument("--second-batch", type=int, default=0, help="import this many more reports afterwards")
    ap.add_argument("--areas-per-tile", type=int, default=2)
    ap.add_argument("--network", action="store_true", help="tile the walking network too")
    ap.add_argument("--force", action="store_true", help="replace a workspace already in --db")
    a = ap.parse_args(argv)
    if not a.db.startswith(("postgresql", "sqlite")) and Path(a.db).resolve().is_relative_to(ROOT):
        ap.error("--db must lie outside the repository (the city's data stays out of it)")
    make_city(a.db, tiles=a.tiles, reports=a.reports, second_batch=a.second_batch,
              areas_per_tile=a.areas_per_tile, network=a.network, force=a.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
