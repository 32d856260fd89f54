"""CLI commands for priorities and focus areas (registered by :func:`detection.cli.main.build_parser`).

- ``opspor priorities --areas parishes|grid100|grid250|grid1km|<layer> [--top N]
  [--out FILE.csv] [--json]``: ``{"layer", "as_of", "mean_rate", "model", "areas": [...]}``
  in the conventions.md shape. For users who may not see addresses, counts 1–4 are
  ``"<5"`` (in ``why`` too) and areas under 20 dwellings are left out — in the CSV as well.
- ``opspor focus-areas list``; ``focus-areas save --name NAME (--from-cluster N [--eps-m M
  --min-samples K] | --area LAYER:AREA_ID | --geojson FILE)``; ``focus-areas delete ID``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from detection import clock
from detection.cli.common import UsageError, open_repo
from detection.errors import InputError


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add this module's subcommands. ``sub(name, help)`` makes a subparser with the global
    options; ``subs`` is the raw subparsers object (for nested subcommands)."""
    sp = sub("priorities", "ranked areas: where do the reports point (geografisk afdækning)")
    sp.add_argument("--areas", required=True, metavar="LAYER",
                    help="parishes, grid100, grid250, grid1km or an uploaded layer")
    sp.add_argument("--top", type=int, help="only the first N areas")
    sp.add_argument("--out", type=Path, help="also write the ranking as CSV (Danish Excel)")

    sp = sub("focus-areas", "list, save or delete focus areas (fokusområder)")
    sp.add_argument("focus_command", choices=["list", "save", "delete"])
    sp.add_argument("focus_id", nargs="?", help="delete: the focus area's id")
    sp.add_argument("--name", help="save: the focus area's name")
    src = sp.add_mutually_exclusive_group()
    src.add_argument("--from-cluster", type=int, dest="from_cluster", metavar="N",
                     help="save: cluster N of the current candidates (1 = highest score)")
    src.add_argument("--area", metavar="LAYER:AREA_ID", help="save: an area of a layer, e.g. parishes:7240")
    src.add_argument("--geojson", type=Path, help="save: a polygon from a GeoJSON file")
    sp.add_argument("--eps-m", type=float, default=150.0, dest="eps_m",
                    help="clusters: neighbourhood radius in metres (default 150)")
    sp.add_argument("--min-samples", type=int, default=3, dest="min_samples",
                    help="clusters: concerned entrances needed (default 3)")


def cmd_priorities(args) -> dict:
    from detection.priorities.ranking import to_json_areas

    repo = open_repo(args)
    as_of = args.as_of or clock.today()
    params = repo.model()
    df = repo.priorities(args.areas, params, as_of=as_of, top=args.top, lang=args.lang or "da")
    areas = to_json_areas(df)
    out = {"layer": args.areas, "as_of": str(df.attrs.get("as_of", as_of)), "mean_rate": round(float(df.attrs.get("mean_rate", 0.0)), 3),
           "model": params.to_json(), "areas": areas}
    if args.out:
        import pandas as pd

        from detection.tabular import write_csv

        flat = pd.DataFrame(areas)
        flat["signals_by_kind"] = [json.dumps(d, ensure_ascii=False) for d in flat.get("signals_by_kind", [])]
        write_csv(flat, args.out)
        out["file"] = str(args.out)
    return out


def _focus_row(r) -> dict:
    return {"focus_id": r["focus_id"], "name": r["name"], "origin": r["origin"],
            "source_ref": r["source_ref"], "stats": r["stats"], "created_by": r["created_by"],
            "created_at": str(r["created_at"])}


def cmd_focus_areas(args) -> dict:
    repo = open_repo(args)
    as_of = args.as_of or clock.today()
    c = args.focus_command
    if c == "list":
        gdf = repo.focus_areas()
        return {"focus_areas": [_focus_row(r) for r in gdf.to_dict("records")]}
    if c == "delete":
        if not args.focus_id:
            raise UsageError("focus-areas delete: the focus area's id is required")
        repo.delete_focus_area(args.focus_id)
        return {"deleted": args.focus_id}
    if not args.name:
        raise UsageError("focus-areas save: --name is required")
    if args.from_cluster is not None:
        cands = repo.focus_candidates(eps_m=args.eps_m, min_samples=args.min_samples, as_of=as_of)
        hit = cands[cands["cluster"] == args.from_cluster]
        if hit.empty:
            raise InputError(f"cluster {args.from_cluster} does not exist; there are {len(cands)} clusters "
                             f"(eps {args.eps_m:g} m, min {args.min_samples})")
        geom = hit.geometry.iloc[0]
        fid = repo.save_focus_area(args.name, geom, origin="cluster",
                                   source_ref=f"dbscan eps={args.eps_m:g} min={args.min_samples} #{args.from_cluster}",
                                   as_of=as_of)
    elif args.area:
        fid = repo.save_focus_area(args.name, None, origin="area", source_ref=args.area, as_of=as_of)
    elif args.geojson:
        from geo.areas import read_polygon

        fid = repo.save_focus_area(args.name, read_polygon(args.geojson, "GeoJSON file"), origin="drawn",
                                   source_ref=args.geojson.name, as_of=as_of)
    else:
        raise UsageError("focus-areas save: give --from-cluster N, --area LAYER:AREA_ID or --geojson FILE")
    saved = repo.focus_areas()
    row = saved[saved["focus_id"] == fid]
    return {"saved": _focus_row(row.iloc[0]) if len(row) else {"focus_id": fid, "name": args.name}}


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {"priorities": cmd_priorities, "focus-areas": cmd_focus_areas}
