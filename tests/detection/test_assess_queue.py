"""The assessment queue on a city (issue 18): :meth:`Repository.signals_to_assess` filters,
orders and limits in SQL and counts the whole filtered list, and
:meth:`Repository.assess_filtered` assesses that whole list.

Each filter gives the rows the earlier algorithm gave — read every report with its
address, drop restricted addresses and keep the area in Python (``ddkn_cell_ids`` for a
grid cell, ``shapely.contains_xy`` for a stored polygon), then ``head(limit)`` — computed
here from a full read of the same workspace: the Samsø demo with its reports copied past the
default limit of 5,000, mixed assessments and match qualities, units, a restricted address,
an entrance on the corner of its grid cells and a stored layer of awkward shapes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import insert, select, update

from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import idsets
from detection.store import schema as t
from detection.vocab import ASSESSMENTS, KINDS
from geo.addresses import format_address
from geo.areas import GRID_LAYERS, ddkn_cell_ids
from geo.geocode import QUALITIES

COPIES = 24
"""The demo's reports this many times over: its new ones past the default limit of 5,000."""
DEFAULT_LIMIT = 5_000


def _copy(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)  # the WAL's rows too
    return dst


@pytest.fixture(scope="module")
def queue_db(demo_db, tmp_path_factory) -> Path:
    """The demo made a city-sized queue (see the module's docstring)."""
    path = _copy(demo_db, tmp_path_factory.mktemp("queue") / "queue.sqlite")
    planner = Repository.open(Repository.database_url(str(path)), "planner")
    s, e = t.signals, t.entrances
    with store_engine.write_tx(planner.engine) as conn:
        demo = [dict(r) for r in conn.execute(select(s)).mappings().all()]
        rows = [{**r, "signal_id": str(uuid.uuid4()), "external_ref": None} for _ in range(COPIES - 1) for r in demo]
        conn.execute(insert(s), rows)
        ids = sorted(conn.execute(select(s.c.signal_id)).scalars())
        for i, sid in enumerate(ids):  # every match quality; assessed, unassessed, by two people
            assessment = ASSESSMENTS[i % len(ASSESSMENTS)] if i % 3 == 0 else "new"
            assessed = assessment != "new"
            conn.execute(update(s).where(s.c.signal_id == sid).values(
                match_quality=QUALITIES[i % len(QUALITIES)], assessment=assessment,
                assessed_by=("planner" if i % 2 else "other") if assessed else None,
                assessed_at=dt.datetime(2026, 11, 1 + i % 20, 9, tzinfo=dt.UTC) if assessed else None))
        # flats at a few entrances, a report at each
        for entrance_id, sid in conn.execute(select(s.c.entrance_id, s.c.signal_id).order_by(s.c.signal_id)
                                             .limit(40)).all():
            unit_id = str(uuid.uuid4())
            conn.execute(insert(t.units).values(unit_id=unit_id, entrance_id=entrance_id, floor="2", door="tv"))
            conn.execute(update(s).where(s.c.signal_id == sid).values(unit_id=unit_id))
        # an entrance with reports on the corner its 100 m, 250 m and 1 km cells share
        corner = conn.execute(select(s.c.entrance_id).order_by(s.c.signal_id).limit(1).offset(100)).scalar_one()
        x, y = conn.execute(select(e.c.x, e.c.y).where(e.c.entrance_id == corner)).one()
        conn.execute(update(e).where(e.c.entrance_id == corner).values(x=float(x // 1000 * 1000),
                                                                      y=float(y // 1000 * 1000)))
        cx, cy = float(x // 1000 * 1000), float(y // 1000 * 1000)
        # a stored layer: a triangle with the corner entrance on its edge, a square with a hole
        box = shapely.box(cx - 3000, cy - 3000, cx + 3000, cy + 3000)
        shapes = {"triangle": shapely.Polygon([(cx, cy - 4000), (cx, cy + 4000), (cx + 5000, cy)]),
                  "holed": box.difference(shapely.box(cx - 800, cy - 800, cx + 800, cy + 800)),
                  "empty": shapely.Polygon()}
        conn.execute(insert(t.area_layers).values(layer="shapes", source="test"))
        conn.execute(insert(t.areas), [{"layer": "shapes", "area_id": k, "name": k, "geometry_wkb": shapely.to_wkb(g)}
                                       for k, g in shapes.items()])
    restricted = planner.signals_to_assess(assessment=None)["entrance_id"].iloc[7]
    planner.restrict_subject(restricted, "declined")
    return path


@pytest.fixture()
def planner(queue_db) -> Repository:
    return Repository.open(Repository.database_url(str(queue_db)), "planner")


@pytest.fixture()
def own_planner(queue_db, tmp_path) -> Repository:
    """A planner on a private copy of the queue (for tests that assess)."""
    path = _copy(queue_db, tmp_path / "queue.sqlite")
    return Repository.open(Repository.database_url(str(path)), "planner")


def read_all(repo: Repository) -> pd.DataFrame:
    """Every report with its address, oldest first, restricted addresses dropped: the full
    read the queue began with before issue 18."""
    s, e, u = t.signals, t.entrances, t.units
    q = (select(s.c.signal_id, s.c.received, s.c.kind, s.c.source, s.c.note, s.c.credibility,
                s.c.match_quality, s.c.assessment, s.c.assessed_by, s.c.assessed_at, s.c.cpr_removed,
                s.c.entrance_id, s.c.unit_id, e.c.street, e.c.house_number, e.c.postcode, e.c.city,
                u.c.floor, u.c.door, e.c.x, e.c.y)
         .join(e, e.c.entrance_id == s.c.entrance_id)
         .outerjoin(u, u.c.unit_id == s.c.unit_id)
         .order_by(s.c.received, s.c.signal_id))
    with store_engine.read_tx(repo.engine) as conn:
        df = pd.read_sql(q, conn)
        return df[~df["entrance_id"].isin(set(conn.execute(select(t.restrictions.c.entrance_id)).scalars()))]


def old_way(repo: Repository, *, kind: str | None = None, source: str | None = None,
            area: tuple[str, str] | None = None, match_quality: str | None = None,
            assessment: str | None = "new", limit: int | None = DEFAULT_LIMIT,
            everything: pd.DataFrame | None = None) -> pd.DataFrame:
    """The queue as ``signals_to_assess`` computed it before issue 18, from :func:`read_all`
    (``everything``, when read already): the filters and the area in Python, then the first
    ``limit``."""
    df = read_all(repo) if everything is None else everything
    for column, value in (("kind", kind), ("source", source), ("match_quality", match_quality),
                          ("assessment", assessment)):
        if value:
            df = df[df[column] == value]
    if area is not None and area[0] in GRID_LAYERS:
        df = df[ddkn_cell_ids(df["x"].to_numpy(), df["y"].to_numpy(), size_m=GRID_LAYERS[area[0]]) == area[1]]
    elif area is not None:
        with store_engine.read_tx(repo.engine) as conn:
            wkb = conn.execute(select(t.areas.c.geometry_wkb).where(
                t.areas.c.layer == area[0], t.areas.c.area_id == area[1])).scalar_one()
        df = df[shapely.contains_xy(shapely.from_wkb(wkb), df["x"].to_numpy(), df["y"].to_numpy())]
    if limit is not None:
        df = df.head(limit)
    df = df.assign(address=[format_address(a, b, c, d, f, g) for a, b, c, d, f, g in zip(
        df["street"], df["house_number"], df["postcode"], df["city"], df["floor"].fillna(""),
        df["door"].fillna(""), strict=True)])
    return df.drop(columns=["street", "house_number", "postcode", "city", "floor", "door"]).reset_index(drop=True)


def _rows(df: pd.DataFrame) -> list[tuple]:
    """A frame's rows with every gap as ``None`` and times as Python datetimes: a column's
    dtype follows the rows in it (names with gaps are NaN, without them None)."""
    def norm(v: object) -> object:
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return None
        return v.to_pydatetime() if isinstance(v, pd.Timestamp) else v
    return [tuple(norm(v) for v in row) for row in df.itertuples(index=False, name=None)]


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    assert _rows(new) == _rows(old)


def _cells(repo: Repository, layer: str) -> list[str]:
    df = read_all(repo)
    return sorted(set(ddkn_cell_ids(df["x"].to_numpy(), df["y"].to_numpy(), size_m=GRID_LAYERS[layer])))


def _corner(repo: Repository) -> tuple[float, float]:
    with store_engine.read_tx(repo.engine) as conn:
        wkb = conn.execute(select(t.areas.c.geometry_wkb).where(t.areas.c.area_id == "triangle")).scalar_one()
    x, y = shapely.from_wkb(wkb).exterior.coords[0]
    return x, y + 4000


def _filters(repo: Repository) -> list[dict]:
    """Every filter alone and a few together, with a grid cell of each layer (one with
    reports, the cells around the corner entrance, ids that name no cell of the layer) and
    each shape of the stored layers."""
    full = read_all(repo)
    out: list[dict] = [{}, {"assessment": None}, *({"assessment": a} for a in ASSESSMENTS),
                       *({"kind": k.id} for k in KINDS), *({"source": s} for s in sorted(set(full["source"]))),
                       *({"match_quality": q} for q in QUALITIES), {"source": "no such partner"}]
    cx, cy = _corner(repo)
    for layer, size in GRID_LAYERS.items():
        cells = _cells(repo, layer)
        near = ddkn_cell_ids([cx, cx - 1, cx, cx - 1e-6], [cy, cy, cy - 1, cy - 1e-6], size_m=size)
        for cell in {cells[0], cells[len(cells) // 2], cells[-1], *near}:
            out += [{"area": (layer, cell)}, {"area": (layer, cell), "assessment": None}]
        other = next(s for s in GRID_LAYERS.values() if s != size)
        wrong = ddkn_cell_ids([cx], [cy], size_m=other)[0]
        out += [{"area": (layer, wrong), "assessment": None}, {"area": (layer, "1km_0_0")},
                {"area": (layer, "not a cell")}]
    for layer in repo.area_layer_names():
        for area_id in repo.areas(layer)["area_id"]:
            out += [{"area": (layer, area_id)}, {"area": (layer, area_id), "assessment": None}]
    out += [{"kind": full["kind"].iloc[0], "match_quality": "exact", "assessment": None},
            {"source": full["source"].iloc[0], "area": ("parishes", repo.areas("parishes")["area_id"].iloc[0])},
            {"kind": full["kind"].iloc[0], "area": ("grid1km", _cells(repo, "grid1km")[0]),
             "assessment": "unclear"}]
    return out


def test_the_queue_is_a_city_queue(planner):
    """What the other tests rely on: past the default limit, every quality and assessment,
    flats, a restricted address with reports, an entrance on a cell corner."""
    full = old_way(planner, assessment=None, limit=None)
    assert len(full) > DEFAULT_LIMIT
    assert set(full["match_quality"]) == set(QUALITIES) and set(full["assessment"]) == set(ASSESSMENTS)
    assert full["address"].str.contains("2. tv").any()
    restricted = set(planner.as_user("admin").restrictions()["entrance_id"])
    with store_engine.read_tx(planner.engine) as conn:
        at_restricted = conn.execute(select(t.signals.c.signal_id).where(
            t.signals.c.entrance_id.in_(restricted))).all()
    assert restricted and at_restricted
    assert (full["x"] == _corner(planner)[0]).any()


def test_every_filter__the_rows_of_the_old_algorithm(planner):
    filters = _filters(planner)
    assert len(filters) > 60
    everything = read_all(planner)
    for f in filters:
        full = old_way(planner, **f, limit=None, everything=everything)
        for limit in (DEFAULT_LIMIT, 3):
            new = planner.signals_to_assess(**f, limit=limit)
            _same(new, full.head(limit))
            assert new.attrs["total"] == len(full), f


def test_default_limit__5000_rows_and_the_real_total(planner):
    new = planner.signals_to_assess()
    full = old_way(planner, limit=None)
    assert len(full) > DEFAULT_LIMIT
    assert len(new) == DEFAULT_LIMIT and new.attrs["total"] == len(full)
    _same(new, full.head(DEFAULT_LIMIT))
    everything = planner.signals_to_assess(assessment=None, limit=10**6)
    assert everything.attrs["total"] == len(everything) > len(full)


def test_restricted_address__never_listed_nor_counted(planner):
    restricted = set(planner.as_user("admin").restrictions()["entrance_id"])
    new = planner.signals_to_assess(assessment=None, limit=10**6)
    assert not set(new["entrance_id"]) & restricted
    with store_engine.read_tx(planner.engine) as conn:
        x, y = conn.execute(select(t.entrances.c.x, t.entrances.c.y).where(
            t.entrances.c.entrance_id.in_(restricted))).one()
    cell = ddkn_cell_ids([x], [y], size_m=100)[0]
    in_cell = planner.signals_to_assess(area=("grid100", cell), assessment=None)
    assert not set(in_cell["entrance_id"]) & restricted
    assert in_cell.attrs["total"] == len(in_cell)


def test_unknown_filters_are_refused(planner):
    for bad in ({"match_quality": "maybe"}, {"assessment": "maybe"}, {"area": ("parishes", "no such parish")}):
        with pytest.raises(InputError):
            planner.signals_to_assess(**bad)
        with pytest.raises(InputError):
            planner.assess_filtered("unclear", **bad)
    with pytest.raises(InputError):
        planner.assess_filtered("new")


def _audited(repo: Repository, audit_id: int) -> list[str]:
    """The entrances one audit entry names (its own rows or its compressed set)."""
    sj, ss, n = t.audit_subjects, t.audit_subject_sets, t.audit_entrance_numbers
    with store_engine.read_tx(repo.engine) as conn:
        ids = list(conn.execute(select(sj.c.entrance_id).where(sj.c.audit_id == audit_id)).scalars())
        for encoding, data in conn.execute(select(ss.c.encoding, ss.c.data).where(ss.c.audit_id == audit_id)):
            numbers = [int(v) for v in idsets.decode(bytes(data), encoding)]
            ids += conn.execute(select(n.c.entrance_id).where(n.c.n.in_(numbers))).scalars().all()
    return ids


def _last_entry(repo: Repository, action: str) -> pd.Series:
    entries = repo.as_user("admin").audit_list(action=action)
    return entries[entries["action"] == action].iloc[0]


@pytest.mark.parametrize("limit", [3, 40, DEFAULT_LIMIT])
def test_audit__names_exactly_the_entrances_returned(planner, limit):
    new = planner.signals_to_assess(assessment=None, limit=limit)
    entry = _last_entry(planner, "signals.assess.read")
    assert entry["user_name"] == "planner"
    audited = _audited(planner, int(entry["id"]))
    assert sorted(audited) == sorted(set(new["entrance_id"]))
    assert str(len(new)) in entry["object"] and str(new.attrs["total"]) in entry["object"]


def test_audit__an_empty_list_names_no_one(planner):
    new = planner.signals_to_assess(source="no such partner")
    assert new.empty and new.attrs["total"] == 0
    assert _audited(planner, int(_last_entry(planner, "signals.assess.read")["id"])) == []


@pytest.mark.parametrize("which", ["all new", "grid cell", "stored area", "kind and quality"])
def test_assess_filtered__the_whole_filtered_list(own_planner, which):
    repo = own_planner
    f = {"all new": {},
         "grid cell": {"area": ("grid1km", _cells(repo, "grid1km")[0]), "assessment": None},
         "stored area": {"area": ("shapes", "holed")},
         "kind and quality": {"kind": KINDS[0].id, "match_quality": "uncertain"}}[which]
    expected = old_way(repo, **f, limit=None)
    shown = repo.signals_to_assess(**f)
    assert shown.attrs["total"] == len(expected) > 0
    others = set(old_way(repo, assessment=None, limit=None)["signal_id"]) - set(expected["signal_id"])
    before = {r["signal_id"]: r for r in _states(repo)}
    done = repo.assess_filtered("not_in_target_group", **f)
    assert len(done["before"]) == len(expected)
    assert {b["signal_id"] for b in done["before"]} == set(expected["signal_id"])
    after = {r["signal_id"]: r for r in _states(repo)}
    assert all(after[i]["assessment"] == "not_in_target_group" and after[i]["assessed_by"] == "planner"
               for i in expected["signal_id"])
    assert all(after[i] == before[i] for i in others)  # nothing outside the list
    entry = _last_entry(repo, "signals.assess")
    assert sorted(_audited(repo, int(entry["id"]))) == sorted(set(expected["entrance_id"]))
    assert repo.undo_assessment(done) == len(expected)
    assert {r["signal_id"]: r for r in _states(repo)} == before  # who and when too


def _states(repo: Repository) -> list[dict]:
    s = t.signals
    with store_engine.read_tx(repo.engine) as conn:
        return [dict(r) for r in conn.execute(select(s.c.signal_id, s.c.assessment, s.c.assessed_by,
                                                     s.c.assessed_at)).mappings()]


def test_assess_filtered__assesses_the_list_as_it_is_when_pressed(own_planner):
    """The list shown, then changed by someone else: the bulk assessment covers what the
    filters match now and says how many."""
    repo = own_planner
    shown = repo.signals_to_assess(kind=KINDS[0].id)
    repo.assess_signals(list(shown["signal_id"].iloc[:4]), "unclear")
    done = repo.assess_filtered("in_target_group", kind=KINDS[0].id)
    assert len(done["before"]) == shown.attrs["total"] - 4
    assert repo.signals_to_assess(kind=KINDS[0].id).attrs["total"] == 0
    empty = repo.assess_filtered("in_target_group", kind=KINDS[0].id)
    assert empty["before"] == []


@pytest.mark.parametrize("user", ["admin", "teamleder", "feltarbejder", "analytiker"])
def test_assess_filtered__only_the_planner(queue_db, user):
    other = Repository.open(Repository.database_url(str(queue_db)), user)
    assert other.actor.role != "planner"
    with pytest.raises(NotAllowed):
        other.assess_filtered("unclear")

