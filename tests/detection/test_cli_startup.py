"""`opspor priorities` in a fresh process without changing a byte (issue 18).

The parser loads no data library, the repository reads the ranking's inputs straight from
the driver's rows, the ranking uses the scipy.special functions scipy.stats would call, and
the schema check reads the version without loading alembic. Each is checked here against
what it replaces: the same help, the same frames as ``pd.read_sql``, the same bits as
scipy.stats, the same head as alembic, the same JSON as before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sqlalchemy import func, select

from detection.cli import main as cli
from detection.priorities.hotspots import (
    norm_sf,
    polygon_gi_weights,
    polygon_weights,
    prepare_gi_star,
)
from detection.priorities.ranking import (
    add_why,
    entrance_area_ids,
    entrance_dwellings,
    gamma_ppf,
    prepare_ranking,
    rank_prepared,
    rank_protected,
)
from detection.privacy import MIN_DWELLINGS, publication_date
from detection.repository import Repository
from detection.repository.priorities import _read_frame
from detection.store import engine as store_engine
from detection.store import schema as t
from geo.areas import read_area_layer

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 1)


def _commands() -> list[str]:
    names = list(cli.COMMANDS)
    for ext in cli._extensions():
        names += list(ext.COMMANDS)
    return names


def test_help__lists_every_command_and_each_has_its_own(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = out.split("positional arguments:", 1)[1].split("{", 1)[1].split("}", 1)[0].split(",")
    assert sorted(listed) == sorted(_commands()) and len(set(listed)) == len(listed)
    for name in _commands():
        assert cli.main([name, "--help"]) == 0, name
        assert f"usage: opspor {name}" in capsys.readouterr().out


def test_parser__loads_no_data_library():
    """``opspor --help`` and usage errors build the parser only: no repository, database,
    pandas or scipy (their import took two seconds of every ``opspor --help``)."""
    code = ("import sys\nfrom detection.cli.main import build_parser\nbuild_parser()\n"
            "print(sorted(m for m in ('detection.repository', 'sqlalchemy', 'pandas', 'numpy', "
            "'scipy', 'geopandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_priorities__loads_no_optional_library(demo_copy):
    """A ranking on a migrated workspace loads neither alembic (the schema is at its head)
    nor the map, GPX, geometry-solver or statistics libraries of other commands; a layer
    of polygons not libpysal either."""
    code = ("import io, sys, contextlib\nfrom detection.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    for layer in ('grid250', 'parishes'):\n"
            f"        assert main(['--db', {str(demo_copy)!r}, '--user', 'planner', 'priorities', "
            "'--areas', layer, '--json']) == 0\n"
            "print(sorted(m for m in ('alembic', 'folium', 'gpxpy', 'scipy.stats', 'scipy.spatial', "
            "'scipy.sparse.csgraph', 'holidays', 'rapidfuzz', 'libpysal', 'esda') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_head_from_files__is_alembics_head():
    assert store_engine._head_from_files() == store_engine.head_revision()


def test_gamma_ppf_and_norm_sf__the_bits_of_scipy_stats():
    rng = np.random.default_rng(18)
    shape = np.concatenate([rng.gamma(2.0, 3.0, 5000), rng.uniform(1e-6, 1e-2, 200), [0.0, -1.0, np.nan]])
    scale = np.concatenate([1 / rng.uniform(1, 20000, 5200), [1.0, 1.0, 1.0]])
    for q in (0.025, 0.5, 0.975):
        assert gamma_ppf(q, shape, scale).tobytes() == stats.gamma.ppf(q, shape, scale=scale).tobytes()
    z = np.concatenate([rng.normal(0, 3, 5000), [0.0, -0.0, 40.0, -40.0, np.inf, -np.inf, np.nan]])
    assert norm_sf(z).tobytes() == stats.norm.sf(z).tobytes()


def test_polygon_gi_weights__libpysals_queen_matrix_entry_for_entry():
    """Odense's 35 parishes and the layer's halves in shuffled orders: the same CSR arrays,
    expectations and variance factors as libpysal's queen contiguity with self-weights."""
    sogne = read_area_layer(ROOT / "data" / "odense" / "odense_sogne.geojson")
    rng = np.random.default_rng(5)
    for order in (np.arange(len(sogne)), rng.permutation(len(sogne)), rng.permutation(len(sogne))[:17]):
        areas = sogne.iloc[order].reset_index(drop=True)
        got, want = polygon_gi_weights(areas), prepare_gi_star(polygon_weights(areas))
        assert got.matrix.shape == want.matrix.shape and got.matrix.nnz > len(areas)
        for part in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(got.matrix, part), getattr(want.matrix, part))
        assert got.expected.tobytes() == want.expected.tobytes()
        assert got.var_factor.tobytes() == want.var_factor.tobytes()


def _statements() -> list[tuple[str, object, str | None]]:
    e, s, u, b = t.entrances, t.signals, t.units, t.buildings
    return [
        ("entrances", select(e.c.entrance_id, e.c.x, e.c.y), "entrance_id"),
        ("signals", select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received, s.c.credibility,
                           s.c.partner_id, s.c.source, s.c.assessment), "signal_id"),
        ("signal times", select(s.c.signal_id, s.c.created_at, s.c.assessed_at, s.c.synthetic), "signal_id"),
        ("units", select(u.c.entrance_id, func.count().label("n")).where(u.c.entrance_id.is_not(None))
         .group_by(u.c.entrance_id), None),
        ("flats", select(b.c.entrance_id, func.sum(b.c.flats).label("flats")).group_by(b.c.entrance_id), None),
    ]


def test_read_frame__the_frame_read_sql_gives(nordby):
    """Values, dtypes and order as ``pd.read_sql`` (with ``ORDER BY``) gives them: strings,
    dates and times processed as SQLAlchemy processes them, NULLs, empty tables."""
    with store_engine.read_tx(nordby.engine) as conn:
        first = conn.execute(select(t.signals.c.signal_id).order_by(t.signals.c.signal_id)).scalar()
    nordby.as_user("u_planner").assess_signal(first, "unclear")  # one time set, the rest NULL
    with store_engine.read_tx(nordby.engine) as conn:
        for what, stmt, order in _statements():
            want = pd.read_sql(stmt.order_by(stmt.selected_columns[order]) if order else stmt, conn)
            got = _read_frame(conn, stmt, order_by=order)
            if order is None:  # a GROUP BY's order is the database's
                want, got = (f.sort_values(list(f.columns)).reset_index(drop=True) for f in (want, got))
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=what)


def _to_json_before(df: pd.DataFrame) -> list[dict]:
    """``to_json_areas`` as it was written before issue 18 (row by row)."""
    return [{"area_id": r["area_id"], "name": r["name"], "rank": int(r["rank"]),
             "score": r["score"] if isinstance(r["score"], str) else round(float(r["score"]), 3),
             "signals": r["signals"], "signals_by_kind": r["signals_by_kind"], "dwellings": int(r["dwellings"]),
             "rate": round(float(r["rate"]), 2), "rate_low": round(float(r["rate_low"]), 2),
             "rate_high": round(float(r["rate_high"]), 2), "hotspot": bool(r["hotspot"]),
             "hotspot_p": round(float(r["hotspot_p"]), 4), "why": r["why"]} for r in df.to_dict("records")]


@pytest.mark.parametrize("user", ["planner", "analytiker"])
@pytest.mark.parametrize("layer", ["grid250", "parishes"])
def test_priorities_json__as_from_the_inputs_read_with_read_sql(demo_copy, capsys, user, layer):
    """The command's JSON equals the ranking computed the way it was before: every input
    read with ``pd.read_sql`` (all units and buildings rows), rows turned into JSON one by one."""
    assert cli.main(["--db", str(demo_copy), "--user", user, "--as-of", AS_OF.isoformat(), "--json",
                     "priorities", "--areas", layer]) == 0
    got = json.loads(capsys.readouterr().out)

    repo = Repository.open(str(demo_copy), user)
    e, s = t.entrances, t.signals
    with store_engine.read_tx(repo.engine) as conn:
        ent = pd.read_sql(select(e.c.entrance_id, e.c.x, e.c.y).order_by(e.c.entrance_id), conn)
        units = pd.read_sql(select(t.units.c.unit_id, t.units.c.entrance_id), conn)
        bld = pd.read_sql(select(t.buildings.c.entrance_id, t.buildings.c.flats), conn)
        sig = pd.read_sql(select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received, s.c.credibility,
                                 s.c.partner_id, s.c.source, s.c.assessment).order_by(s.c.signal_id), conn)
        sig = sig[~sig["entrance_id"].isin(repo._restricted_ids(conn))].reset_index(drop=True)
    idx = repo._layer_index(layer)
    aoe = entrance_area_ids(ent, layer, None if layer.startswith("grid") else repo.areas(layer))
    pd.testing.assert_series_equal(aoe, idx["aoe"])
    protected = user == "analytiker"
    as_of = publication_date(AS_OF) if protected else AS_OF
    prep = prepare_ranking(area_of_entrance=aoe, dwellings=entrance_dwellings(ent, units, bld), signals=sig,
                           as_of=as_of, names=idx["names"], weights=idx["weights"])
    df = (rank_protected if protected else rank_prepared)(prep, repo.model())
    if protected:
        df = df[df["dwellings"] >= MIN_DWELLINGS].reset_index(drop=True)
        df["rank"] = np.arange(1, len(df) + 1)
    want = _to_json_before(add_why(df, "da"))
    assert got["areas"] == want and len(want) > 0
    assert json.dumps(got["areas"], ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
