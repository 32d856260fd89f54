"""Repository operations for priorities and focus areas (issue 5): a mixin of
:class:`detection.repository.core.Repository`. Every public method carries ``@operation``.

Analysts (roles not in :data:`detection.access.SEES_ADDRESSES`) get aggregates only:
the signals are read by an internal, unaudited helper (:meth:`PriorityOps._priority_inputs`)
that never leaves this module, and every public method masks what it returns (counts 1–4
as ``"<5"``, areas and clusters under 20 dwellings left out, cluster shapes coarsened to
250 m grid cells).

The inputs (register, dwellings, signals, the point-in-polygon join of entrances to each
area layer, the neighbour weights) are cached per workspace version, so moving a slider
only re-scores and re-ranks.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Select, delete, func, insert, select, update

from detection import clock
from detection.access import SEES_ADDRESSES
from detection.cpr import scrub
from detection.errors import InputError
from detection.priorities.focus import focus_candidates as _focus_candidates
from detection.priorities.focus import (
    polygon_stats,
    protect_clusters,
    valid_area_polygon,
)
from detection.priorities.hotspots import grid_gi_weights, polygon_gi_weights
from detection.priorities.ranking import (
    add_why,
    dwellings_from_counts,
    entrance_area_ids,
    is_grid,
    prepare_ranking,
    rank_prepared,
    rank_protected,
)
from detection.priorities.scoring import ModelParams, entrance_scores, signal_weights
from detection.privacy import MIN_DWELLINGS, publication_date
from detection.repository.base import ProcessCache, operation
from detection.repository.workspace import WorkspaceOps
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.store.guard import check_label
from geo.areas import GRID_LAYERS, cell_polygon
from geo.crs import WORK_CRS

ORIGINS = ("cluster", "area", "drawn")
"""How a focus area came about: an accepted cluster, an area picked from a layer, drawn/uploaded."""

_CACHE = ProcessCache(32)  # model inputs, layers and prepared rankings per data version
_FOCUS = ProcessCache(16)  # focus-area candidates per data version and settings


def _cached(key: tuple, make):  # noqa: ANN001, ANN202
    return _CACHE.get(key, make)


def _read_frame(conn: Connection, stmt: Select, *, order_by: str | None = None) -> pd.DataFrame:
    """``pd.read_sql(stmt.order_by(order_by), conn)``: the same frame (values, dtypes, row
    order) in less than half the time on a city's register and reports (issue 18).

    The rows come straight from the driver's cursor, without SQLAlchemy's objects per row,
    and are converted as ``read_sql`` converts them (pandas' conversion of records); a
    column whose type has result processing (SQLite's text dates) is processed once per
    distinct value. On SQLite the rows are sorted here: ``ORDER BY`` a text primary key
    walks its index and fetches the table row by row, while sorting the frame takes
    milliseconds, in the same order (SQLite's ``BINARY`` collation and Python's string
    order both go by code point). Other databases sort, in their collation, as before.
    ``stmt`` takes no parameters.
    """
    sqlite = conn.dialect.name == "sqlite"
    names = list(stmt.selected_columns.keys())
    if order_by is not None and not sqlite:
        stmt = stmt.order_by(stmt.selected_columns[order_by])
    compiled = stmt.compile(dialect=conn.dialect)
    if compiled.params:
        raise ValueError("_read_frame reads statements without parameters")
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled))
        rows = cursor.fetchall()
        type_codes = [d[1] for d in cursor.description]
    finally:
        cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
    for name, col, type_code in zip(names, stmt.selected_columns, type_codes, strict=True):
        process = col.type.dialect_impl(conn.dialect).result_processor(conn.dialect, type_code)
        if process is not None and len(frame):
            codes, raw = pd.factorize(frame[name])  # the driver's values (NULL: code −1)
            done = np.array([process(v) for v in [*raw.tolist(), None]], dtype=object)
            # converted as read_sql converts a column of the processed values
            frame[name] = pd.DataFrame.from_records(zip(done[codes]), columns=[name], coerce_float=True)[name]
    if order_by is not None and sqlite:
        frame = frame.sort_values(order_by, kind="stable", ignore_index=True)
    return frame


class PriorityOps(WorkspaceOps):
    """Area priorities and saved focus areas."""

    # ------------------------------------------------------------------ internal inputs


    def _priority_inputs(self) -> dict:
        """Register, dwellings and signal rows for the aggregates (internal; never returned raw).

        Not audited: it feeds only area aggregates; whatever reaches a user is masked by
        role in the public methods.
        """
        key = self.data_version()

        def load() -> dict:
            e, s, u, b = t.entrances, t.signals, t.units, t.buildings
            with store_engine.read_tx(self.engine) as conn:
                ent = _read_frame(conn, select(e.c.entrance_id, e.c.x, e.c.y), order_by="entrance_id")
                # dwellings need only each entrance's number of units and sum of BBR flats:
                # counted by the database instead of reading every unit row
                units = _read_frame(conn, select(u.c.entrance_id, func.count().label("n"))
                                    .where(u.c.entrance_id.is_not(None)).group_by(u.c.entrance_id))
                bld = _read_frame(conn, select(b.c.entrance_id, func.sum(b.c.flats).label("flats"))
                                  .where(b.c.entrance_id.is_not(None)).group_by(b.c.entrance_id))
                sig = _read_frame(conn, select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received,
                                               s.c.credibility, s.c.partner_id, s.c.source, s.c.assessment),
                                  order_by="signal_id")
                restricted = self._restricted_ids(conn)
                if restricted:
                    sig = sig[~sig["entrance_id"].isin(restricted)].reset_index(drop=True)
            dwellings = dwellings_from_counts(
                ent["entrance_id"], pd.Series(units["n"].to_numpy(), index=units["entrance_id"]) if len(units) else None,
                pd.Series(bld["flats"].to_numpy(), index=bld["entrance_id"]) if len(bld) else None)
            return {"key": key, "entrances": ent, "dwellings": dwellings, "signals": sig}

        return _cached(("inputs", *key), load)

    def _layer_index(self, layer: str, inp: dict | None = None) -> dict:
        """Entrance → area of one layer, area names and a Gi* weights builder (cached;
        it returns :class:`detection.priorities.hotspots.GiStarWeights`). ``inp``: the
        :meth:`_priority_inputs` the caller holds (else read)."""
        inp = inp or self._priority_inputs()

        def load() -> dict:
            if is_grid(layer):
                aoe = entrance_area_ids(inp["entrances"], layer)
                names: dict[str, str] = {}
                geoms = None
            else:
                gdf = self.areas(layer)
                aoe = entrance_area_ids(inp["entrances"], layer, gdf)
                names = dict(zip(gdf["area_id"], gdf["name"], strict=True))
                geoms = gdf.set_index("area_id")
            wcache: dict[tuple, Any] = {}

            def weights(ids: np.ndarray):
                k = tuple(ids)
                if k not in wcache:
                    wcache[k] = (grid_gi_weights(ids) if geoms is None
                                 else polygon_gi_weights(geoms.loc[list(ids)].reset_index()))
                return wcache[k]

            return {"aoe": aoe, "names": names, "weights": weights, "geoms": geoms}

        return _cached(("layer", layer, *inp["key"]), load)

    def _prepared_ranking(self, layer: str, as_of: date):
        """What a ranking of ``layer`` needs apart from the model parameters (cached per
        workspace version, layer and ``as_of``): a slider move only calls
        :func:`detection.priorities.ranking.rank_prepared`."""
        inp = self._priority_inputs()
        idx = self._layer_index(layer, inp)
        return _cached(("prepared", layer, as_of.isoformat(), *inp["key"]),
                       lambda: prepare_ranking(area_of_entrance=idx["aoe"], dwellings=inp["dwellings"],
                                               signals=inp["signals"], as_of=as_of, names=idx["names"],
                                               weights=idx["weights"]))

    def _check_layer(self, layer: str) -> None:
        if is_grid(layer):
            return
        names = self.area_layer_names()
        if layer not in names:
            raise InputError(f"area layer {layer!r} does not exist; use one of: "
                             + ", ".join([*GRID_LAYERS, *names]))

    # ------------------------------------------------------------------ priorities

    @operation("priorities.read")
    def priorities(self, layer: str, params: ModelParams | None = None, *, as_of: date,
                   top: int | None = None, lang: str = "da") -> pd.DataFrame:
        """The ranked areas of ``layer`` (``parishes``, an uploaded layer, ``grid100``,
        ``grid250``, ``grid1km``) under ``params`` (default: the saved model).

        Columns: ``area_id, name, rank, score, signals, recent, sources, signals_by_kind,
        dwellings, rate, rate_low, rate_high, (raw_rate,) ratio, hotspot, hotspot_p, why``.
        For roles that may not see addresses the disclosure policy applies (docs/privacy.md):
        the saved model whatever ``params`` say, ``as_of`` moved back to its publication
        point, counts and scores rounded (:func:`detection.priorities.ranking.rank_protected`),
        areas under 20 dwellings left out. The frame's ``attrs`` hold ``mean_rate``,
        ``layer``, the ``as_of`` used and ``protected``.
        """
        self._check_layer(layer)
        if top is not None and int(top) < 1:
            raise InputError(f"--top must be at least 1. Got {top!r} instead.")
        if self.actor.role in SEES_ADDRESSES:
            params = params or self._model()
            ranked = out = rank_prepared(self._prepared_ranking(layer, as_of), params)
        else:
            # disclosure control (docs/privacy.md): the saved model only, at the publication
            # point, from rounded counts; areas under 20 dwellings left out
            as_of = publication_date(as_of)
            ranked = rank_protected(self._prepared_ranking(layer, as_of), self._model())
            out = ranked[ranked["dwellings"] >= MIN_DWELLINGS].reset_index(drop=True)
            out["rank"] = np.arange(1, len(out) + 1)
        if top is not None:
            out = out.head(int(top))
        out = add_why(out, lang)
        out.attrs.update({"mean_rate": ranked.attrs.get("mean_rate", 0.0), "layer": layer, "as_of": as_of,
                          "protected": self.actor.role not in SEES_ADDRESSES})
        return out

    @operation("priorities.read")
    def area_geometries(self, layer: str, area_ids: list[str] | None = None) -> gpd.GeoDataFrame:
        """Polygons (EPSG:25832) of areas of any layer, grid cells included, for the map."""
        self._check_layer(layer)
        if is_grid(layer):
            ids = list(area_ids) if area_ids is not None else list(self._layer_index(layer)["aoe"].unique())
            return gpd.GeoDataFrame({"area_id": ids, "name": ids},
                                    geometry=[cell_polygon(a) for a in ids], crs=WORK_CRS)
        gdf = self.areas(layer)
        return gdf if area_ids is None else gdf[gdf["area_id"].isin(area_ids)].reset_index(drop=True)

    # ------------------------------------------------------------------ model

    def _model(self, name: str = "default") -> ModelParams:
        with store_engine.read_tx(self.engine) as conn:
            raw = conn.execute(select(t.priority_model.c.params)
                               .where(t.priority_model.c.name == name)).scalar()
        return ModelParams.from_json(raw) if raw else ModelParams()

    @operation("priorities.read")
    def model(self, name: str = "default") -> ModelParams:
        """The saved model (defaults when none is saved)."""
        return self._model(name)

    @operation("focus.write")
    def save_model(self, params: ModelParams, name: str = "default") -> None:
        """Save the planner's model weights (used by everyone's ranking from then on)."""
        name = (name or "").strip()
        if not name or len(name) > 60:
            raise InputError("a model name must be 1–60 characters")
        with store_engine.write_tx(self.engine) as conn:
            values = {"params": params.to_json(), "updated_by": self.actor.name, "updated_at": clock.now_utc()}
            n = conn.execute(update(t.priority_model).where(t.priority_model.c.name == name)
                             .values(**values)).rowcount
            if n == 0:
                conn.execute(insert(t.priority_model).values(name=name, **values))
            self._audit(conn, "priorities.model", f"{name}: {params.to_json()}", "tune the priority model")

    # ------------------------------------------------------------------ focus areas

    def _focus_context(self, params: ModelParams, as_of: date) -> dict:
        inp = self._priority_inputs()
        sig = inp["signals"]
        w = signal_weights(sig, params, as_of=as_of)
        scores = entrance_scores(sig, params, as_of=as_of)["score"]
        return {"entrances": inp["entrances"], "dwellings": inp["dwellings"],
                "signals": sig[w > 0], "scores": scores}

    @operation("focus.read")
    def focus_candidates(self, *, eps_m: float = 150.0, min_samples: int = 3, as_of: date | None = None,
                         params: ModelParams | None = None) -> gpd.GeoDataFrame:
        """Clusters of concerned entrances (DBSCAN in metres) as polygons with statistics.

        For roles that may not see addresses (docs/privacy.md): the saved model at the
        publication point, clusters under 20 dwellings left out, statistics protected
        (rounded to multiples of 5), each shape replaced by the 250 m grid cells it covers.
        """
        if not 10 <= float(eps_m) <= 2000:
            raise InputError(f"eps_m must be between 10 and 2,000 metres. Got {eps_m!r} instead.")
        if not 2 <= int(min_samples) <= 100:
            raise InputError(f"min_samples must be between 2 and 100. Got {min_samples!r} instead.")
        as_of = as_of or clock.today()
        if self.actor.role in SEES_ADDRESSES:
            return self._clusters(float(eps_m), int(min_samples), as_of, params or self._model(), protected=False)
        # disclosure control (docs/privacy.md): saved model, publication point, protected stats
        return self._clusters(float(eps_m), int(min_samples), publication_date(as_of), self._model(), protected=True)

    def _clusters(self, eps_m: float, min_samples: int, as_of: date, params: ModelParams, *,
                  protected: bool) -> gpd.GeoDataFrame:
        """The clusters (protected or not), computed once per data version and settings for
        the whole process (a city's DBSCAN and statistics take seconds; issue 18). A copy:
        the caller may change it."""
        key = ("focus", *self.data_version(), eps_m, min_samples, as_of.isoformat(), params.to_json(), protected)

        def make() -> gpd.GeoDataFrame:
            ctx = self._focus_context(params, as_of)
            gdf = _focus_candidates(eps_m=eps_m, min_samples=min_samples, **ctx)
            return protect_clusters(gdf, **ctx) if protected else gdf

        return _FOCUS.get(key, make).copy()

    def _area_polygon(self, ref: str):
        layer, sep, area_id = ref.partition(":")
        if not sep or not area_id:
            raise InputError(f"{ref!r}: expected LAYER:AREA_ID, e.g. parishes:7151 or grid250:250m_617500_58775")
        if is_grid(layer):
            try:
                poly = cell_polygon(area_id)
            except Exception as exc:  # GeoInputError
                raise InputError(str(exc)) from exc
            return poly
        gdf = self.areas(layer)
        hit = gdf[gdf["area_id"] == area_id]
        if hit.empty:
            raise InputError(f"area {area_id!r} is not in layer {layer!r}")
        return hit.geometry.iloc[0]

    @operation("focus.write")
    def save_focus_area(self, name: str, geometry=None, origin: str = "drawn", source_ref: str = "",
                        stats: dict | None = None, *, as_of: date | None = None) -> str:
        """Save a focus area; returns its ``focus_id``.

        ``geometry``: a shapely (Multi)Polygon in EPSG:25832; for ``origin="area"`` it may be
        ``None`` and is then taken from ``source_ref`` (``LAYER:AREA_ID``). ``stats``
        default to the polygon's statistics under the saved model.
        """
        # scrubbed and checked before the uniqueness test: the stored name is what is compared
        name = check_label(scrub((name or "").strip())[0])
        if not name or len(name) > 200:
            raise InputError("a focus area needs a name of 1–200 characters", code="focus_name")
        if origin not in ORIGINS:
            raise InputError(f"origin must be one of {', '.join(ORIGINS)}. Got {origin!r} instead.")
        if geometry is None and origin == "area":
            geometry = self._area_polygon(source_ref)
        geometry = valid_area_polygon(geometry)
        if stats is None:
            ctx = self._focus_context(self._model(), as_of or clock.today())
            stats = polygon_stats(geometry, **ctx)
        fid = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            if conn.execute(select(t.focus_areas.c.focus_id).where(t.focus_areas.c.name == name)).first():
                raise InputError(f"a focus area named {name!r} exists already; choose another name",
                                 code="focus_name_taken")
            conn.execute(insert(t.focus_areas).values(
                focus_id=fid, name=name, origin=origin, source_ref=str(source_ref or "")[:200],
                geometry_wkb=shapely.to_wkb(geometry), stats=json.dumps(stats, ensure_ascii=False),
                created_by=self.actor.name, created_at=clock.now_utc()))
            self._audit(conn, "focus.save", f"{fid}: {name} ({origin} {source_ref})", "choose a focus area")
        return fid

    @operation("focus.read")
    def focus_areas(self) -> gpd.GeoDataFrame:
        """Saved focus areas: ``focus_id, name, origin, source_ref, stats (dict), created_by,
        created_at, geometry`` (EPSG:25832), by name.

        For roles that may not see addresses (docs/privacy.md): ``stats`` recomputed under
        the saved model at the publication point and protected; areas under 20 dwellings
        left out.
        """
        fa = t.focus_areas
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(fa.c.focus_id, fa.c.name, fa.c.origin, fa.c.source_ref,
                                       fa.c.geometry_wkb, fa.c.stats, fa.c.created_by, fa.c.created_at)
                                .order_by(fa.c.name)).mappings().all()
        sees = self.actor.role in SEES_ADDRESSES
        ctx = None if sees else self._focus_context(self._model(), publication_date(clock.today()))
        recs, geoms = [], []
        for r in rows:
            st = json.loads(r["stats"] or "{}")
            if not sees:  # disclosure control: recomputed, protected, at the publication point
                st = polygon_stats(shapely.from_wkb(r["geometry_wkb"]), **ctx, protected=True)
                if st["dwellings"] < MIN_DWELLINGS:
                    continue
            recs.append({"focus_id": r["focus_id"], "name": r["name"], "origin": r["origin"],
                         "source_ref": r["source_ref"], "stats": st,
                         "created_by": r["created_by"] if sees else "", "created_at": r["created_at"]})
            geoms.append(shapely.from_wkb(r["geometry_wkb"]))
        cols = ["focus_id", "name", "origin", "source_ref", "stats", "created_by", "created_at"]
        return gpd.GeoDataFrame(pd.DataFrame(recs, columns=cols), geometry=geoms, crs=WORK_CRS)

    @operation("focus.read")
    def focus_area(self, ref: str) -> dict:
        """One saved focus area by id or name: ``{focus_id, name, origin, source_ref, stats,
        geometry}`` (shapely, EPSG:25832). Raises :class:`InputError` when unknown."""
        gdf = self.focus_areas()
        hit = gdf[(gdf["focus_id"] == ref) | (gdf["name"] == ref)]
        if hit.empty:
            raise InputError(f"focus area {ref!r} does not exist; `opspor focus-areas list` shows them")
        r = hit.iloc[0]
        return {"focus_id": r["focus_id"], "name": r["name"], "origin": r["origin"],
                "source_ref": r["source_ref"], "stats": r["stats"], "geometry": r.geometry}

    @operation("focus.write")
    def delete_focus_area(self, focus_id: str) -> None:
        """Delete a saved focus area (by id)."""
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(delete(t.focus_areas).where(t.focus_areas.c.focus_id == focus_id)).rowcount
            if n == 0:
                raise InputError(f"focus area {focus_id!r} does not exist")
            self._audit(conn, "focus.delete", focus_id, "remove a focus area")
