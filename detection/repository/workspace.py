"""The workspace: its register (entrances, units, BBR), areas, boundary and walking network."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, delete, func, insert, select, update

from detection import clock
from detection.access import SEES_ADDRESSES
from detection.errors import InputError, WorkspaceError
from detection.privacy import cell_keys, publication_date, record_keys, round_keyed, shown
from detection.register.workspace import WorkspaceData
from detection.repository.accounts import retire_demo_accounts
from detection.repository.base import (
    ProcessCache,
    RepositoryBase,
    frame_rows,
    insert_many,
    operation,
)
from detection.store import engine as store_engine
from detection.store import schema as t
from geo.crs import WORK_CRS
from geo.geocode import AddressIndex
from geo.network import WalkingNetwork

if TYPE_CHECKING:
    from geo.basemap import BaseLayers, TileService

REPLACE_REAL_MESSAGE = (
    "this database holds a real workspace ({name!r}, not the demo); `opspor demo` replaces it only "
    "when told so in words: --replace-real-workspace (--force is not enough). Everything in it, "
    "reports included, is then deleted")

LEFT_DEMO_NOTICE = (
    "this workspace is no longer the demo: real data was imported into it (--allow-in-demo). Its "
    "demo users and their published passwords are gone and the app asks for sign-in from now on; "
    "set the administrator's password with `opspor users passwd admin` and add users with "
    "`opspor users add NAME --role ROLE`")


class WorkspaceOps(RepositoryBase):
    """The workspace: its register (entrances, units, BBR), areas, boundary and walking network."""

    def has_workspace(self) -> bool:
        with store_engine.read_tx(self.engine) as conn:
            return conn.execute(select(func.count()).select_from(t.workspace)).scalar_one() > 0

    @operation("workspace.read")
    def workspace_info(self) -> dict:
        """Name, kommunekode, synthetic flag, data version and sources of the workspace."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.workspace)).mappings().first()
        if row is None:
            raise WorkspaceError("this database holds no workspace yet; run `opspor init` or `opspor demo`")
        info = dict(row)
        info.pop("boundary_wkb")
        info["sources"] = json.loads(info["sources"] or "[]")
        return info

    @operation("areas.read")
    def boundary(self) -> gpd.GeoDataFrame:
        """The municipality boundary (EPSG:25832); empty when unknown."""
        with store_engine.read_tx(self.engine) as conn:
            wkb = conn.execute(select(t.workspace.c.boundary_wkb)).scalar()
        geoms = [shapely.from_wkb(wkb)] if wkb else []
        return gpd.GeoDataFrame(geometry=geoms, crs=WORK_CRS)

    @operation("workspace.build")
    def check_demo_may_replace(self, *, replace_real: bool) -> None:
        """Raise :class:`WorkspaceError` when the demo may not replace what is stored: a real
        workspace, without ``replace_real`` (``--replace-real-workspace``)."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.workspace.c.name, t.workspace.c.synthetic)).first()
        if row is not None and not row.synthetic and not replace_real:
            raise WorkspaceError(REPLACE_REAL_MESSAGE.format(name=row.name))

    @operation("workspace.build")
    def replace_workspace(self, data: WorkspaceData, *, force: bool, replace_real: bool = False) -> str:
        """Store a whole workspace in one transaction, replacing what was there.

        Refuses a non-empty database unless ``force``, and a real workspace replaced by the
        demo (``data.synthetic``) unless also ``replace_real``. A real workspace never keeps
        anything of the demo's accounts (docs/privacy.md, "The demo and a real workspace"):
        replacing the demo by a real workspace removes every user but ``admin`` and
        ``admin``'s password; replacing a real one removes any demo user still holding its
        published password (:func:`detection.repository.accounts.retire_demo_accounts`).
        Returns the register batch id.
        """
        batch_id = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            old = conn.execute(select(t.workspace.c.name, t.workspace.c.synthetic)).first()
            exists = old is not None
            if exists and not force:
                raise WorkspaceError(
                    "this database already holds a workspace; use --force to replace it "
                    "(everything in it, signals included, is deleted)")
            if exists and not old.synthetic and data.synthetic and not replace_real:
                raise WorkspaceError(REPLACE_REAL_MESSAGE.format(name=old.name))
            if not data.synthetic:
                retired = retire_demo_accounts(conn, demo_era=bool(exists and old.synthetic))
                if retired:
                    self._audit(conn, "users.retire_demo", ", ".join(retired),
                                "a real workspace keeps no demo account or published password")
            # route plans name the old register's entrances: their stops go with the entrances
            # (FK cascade), so the plans and routes go too, assignments with them
            for table in (t.route_plans, t.signals, t.register_problems, t.import_batches, t.partners,
                          t.bbr_units, t.buildings, t.units, t.entrances, t.network_edges,
                          t.network_nodes, t.areas, t.area_layers, t.workspace):
                conn.execute(delete(table))
            conn.execute(insert(t.workspace).values(
                id=1, name=data.name, kommunekode=data.kommunekode, synthetic=data.synthetic,
                created_at=clock.now_utc(),
                boundary_wkb=shapely.to_wkb(data.boundary) if data.boundary is not None else None,
                sources=json.dumps(data.sources, ensure_ascii=False), data_version=1))
            conn.execute(insert(t.import_batches).values(
                batch_id=batch_id, kind="register", file_name=", ".join(
                    s.get("file", "") for s in data.sources),
                created_at=clock.now_utc(), created_by=self.actor.name,
                rows=len(data.entrances) + int((~data.problems["kept"].astype(bool)).sum())
                if len(data.problems) else len(data.entrances),
                imported=len(data.entrances),
                rejected=int((~data.problems["kept"].astype(bool)).sum()) if len(data.problems) else 0))
            if data.network is not None:
                insert_many(conn, t.network_nodes, frame_rows(data.network.nodes[["node_id", "x", "y"]]))
                insert_many(conn, t.network_edges, frame_rows(
                    data.network.edges[["u", "v", "length_m", "highway", "geometry_wkb"]]))
            insert_many(conn, t.entrances, frame_rows(data.entrances))
            insert_many(conn, t.units, frame_rows(data.units))
            insert_many(conn, t.buildings, frame_rows(data.buildings))
            insert_many(conn, t.bbr_units, frame_rows(data.bbr_units))
            for layer, gdf in data.area_layers.items():
                conn.execute(insert(t.area_layers).values(layer=layer, source=str(gdf.attrs.get("source", ""))))
                insert_many(conn, t.areas, [
                    {"layer": layer, "area_id": a, "name": n, "geometry_wkb": shapely.to_wkb(g)}
                    for a, n, g in zip(gdf["area_id"], gdf["name"], gdf.geometry, strict=True)])
            if len(data.problems):
                probs = data.problems.assign(batch_id=batch_id)
                insert_many(conn, t.register_problems, frame_rows(probs[[
                    "batch_id", "file", "row", "field", "value", "reason", "message", "kept"]]))
            if data.partners is not None and len(data.partners):
                insert_many(conn, t.partners, frame_rows(data.partners))
            if data.signals is not None and len(data.signals):
                insert_many(conn, t.signals, frame_rows(data.signals.assign(created_at=clock.now_utc())))
                self._audit(conn, "signals.create", f"{len(data.signals)} signals (demo generator)",
                            "build demo workspace")
            self._audit(conn, "workspace.build", data.name, "build workspace")
        return batch_id

    def _leave_demo(self, conn: Connection, why: str) -> None:
        """The demo becomes a real workspace, in ``conn``'s transaction: not synthetic from now
        on (the app asks for sign-in), every demo-era user removed and ``admin`` without a
        password (:func:`detection.repository.accounts.retire_demo_accounts`), a line in the
        sources and the audit log. Called by an import told ``allow_in_demo``."""
        sources = json.loads(conn.execute(select(t.workspace.c.sources)).scalar() or "[]")
        sources.append({"kind": "left_demo", "at": clock.now_utc().isoformat(timespec="seconds"),
                        "note": why})
        conn.execute(update(t.workspace).values(synthetic=False,
                                                sources=json.dumps(sources, ensure_ascii=False)))
        retired = retire_demo_accounts(conn, demo_era=True)
        self._bump_version(conn)
        self._audit(conn, "workspace.left_demo", why,
                    f"real data in the demo: it is a real workspace now; users retired: {', '.join(retired)}")

    @operation("summary.read")
    def summary(self) -> dict:
        """Counts of the workspace (conventions: ``summary --json``)."""
        info = self.workspace_info()
        with store_engine.read_tx(self.engine) as conn:
            def count(table) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()

            layers = dict(conn.execute(
                select(t.areas.c.layer, func.count()).group_by(t.areas.c.layer)).all())
            for name in conn.execute(select(t.area_layers.c.layer)).scalars():
                layers.setdefault(name, 0)
            n_entr = count(t.entrances)
            entr_with_units = conn.execute(
                select(func.count(func.distinct(t.units.c.entrance_id)))).scalar_one()
            n_units = count(t.units)
            by_kind = dict(conn.execute(
                select(t.signals.c.kind, func.count()).group_by(t.signals.c.kind)).all())
            problems = dict(conn.execute(
                select(t.register_problems.c.reason, func.count())
                .group_by(t.register_problems.c.reason)).all())
            snapped = conn.execute(select(func.count()).select_from(t.entrances)
                                   .where(t.entrances.c.node_id.is_not(None))).scalar_one()
            out = {
                "name": info["name"],
                "kommunekode": info["kommunekode"],
                "synthetic": bool(info["synthetic"]),
                "entrances": n_entr,
                "units": n_units,
                "dwellings": n_units + (n_entr - entr_with_units),
                "buildings": count(t.buildings),
                "areas": layers,
                "grid_layers": ["grid100", "grid250", "grid1km"],
                "network_nodes": count(t.network_nodes),
                "network_edges": count(t.network_edges),
                "entrances_snapped": snapped,
                "signals": sum(by_kind.values()),
                "signals_by_kind": by_kind,
                "partners": count(t.partners),
                "register_problems": problems,
            }
        if self.actor.role not in SEES_ADDRESSES:
            counts = self._protected_counts(["kind"])
            out["signals"] = shown(int(counts["signals"].sum()))
            out["signals_by_kind"] = {k: v for k, v in zip(counts["kind"], counts["signals"], strict=True) if v}
            out["signals_as_of"] = str(publication_date(clock.today()))
        return out

    def _protected_counts(self, by: list[str]) -> pd.DataFrame:
        """Signal counts per ``by`` group as those who may not see addresses see them
        (docs/privacy.md): signals received up to the publication point, each group's count
        rounded to a multiple of 5 by cell-key random rounding (0 where it rounds to 0)."""
        cols = [getattr(t.signals.c, b) for b in by]
        with store_engine.read_tx(self.engine) as conn:
            df = pd.read_sql(select(t.signals.c.signal_id, t.signals.c.received, *cols), conn)
        received = pd.to_datetime(df["received"], errors="coerce")
        df = df[received <= pd.Timestamp(publication_date(clock.today()))]
        if df.empty:
            return pd.DataFrame(columns=[*by, "signals"])
        codes, groups = pd.factorize(pd.MultiIndex.from_frame(df[by].astype(str)) if len(by) > 1
                                     else df[by[0]].astype(str), sort=True)
        keys = cell_keys(codes, record_keys(df["signal_id"].astype(str)), len(groups))
        rounded = round_keyed(np.bincount(codes, minlength=len(groups)), keys, "signals." + ".".join(by))
        out = pd.DataFrame(list(groups) if len(by) > 1 else {by[0]: list(groups)}, columns=by)
        out["signals"] = rounded
        return out

    @operation("register.read")
    def entrances(self) -> pd.DataFrame:
        """The entrance register (public address data, no signals)."""
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.entrances).order_by(t.entrances.c.entrance_id), conn)

    @operation("register.read")
    def units(self) -> pd.DataFrame:
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.units).order_by(t.units.c.unit_id), conn)

    @operation("problems.read")
    def register_problems(self) -> pd.DataFrame:
        """Rows of the register files that were skipped or remarked on at build time."""
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.register_problems).order_by(t.register_problems.c.id), conn)

    @operation("areas.read")
    def area_layer_names(self) -> list[str]:
        with store_engine.read_tx(self.engine) as conn:
            return list(conn.execute(select(t.area_layers.c.layer).order_by(t.area_layers.c.layer)).scalars())

    @operation("areas.read")
    def areas(self, layer: str) -> gpd.GeoDataFrame:
        """Polygons of one stored area layer (EPSG:25832)."""
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(t.areas).where(t.areas.c.layer == layer)
                                .order_by(t.areas.c.area_id)).mappings().all()
        if not rows:
            known = ", ".join(self.area_layer_names()) or "none"
            raise InputError(f"area layer {layer!r} does not exist; stored layers: {known}")
        return gpd.GeoDataFrame(
            {"area_id": [r["area_id"] for r in rows], "name": [r["name"] for r in rows]},
            geometry=[shapely.from_wkb(r["geometry_wkb"]) for r in rows], crs=WORK_CRS)

    @operation("network.read")
    def network(self) -> WalkingNetwork | None:
        """The stored walking network, or ``None`` when the workspace has none."""

        with store_engine.read_tx(self.engine) as conn:
            nodes = pd.read_sql(select(t.network_nodes).order_by(t.network_nodes.c.node_id), conn)
            if nodes.empty:
                return None
            edges = pd.read_sql(select(t.network_edges), conn)
        return WalkingNetwork.from_frames(nodes, edges)

    def _address_index(self, conn: Connection) -> AddressIndex:
        """The offline address matcher of this register, built once per register and process
        (an import, an address search and a start address each used to rebuild it: seconds
        on a city); keyed like the base map, and on the units' count."""
        built = conn.execute(select(t.workspace.c.created_at)).scalar()
        n_e = conn.execute(select(func.count()).select_from(t.entrances)).scalar_one()
        n_u = conn.execute(select(func.count()).select_from(t.units)).scalar_one()
        key = ("address_index", self.engine.url.render_as_string(hide_password=True), str(built), n_e, n_u)
        return _ADDRESS_INDEXES.get(key, lambda: self._read_address_index(conn))

    def _read_address_index(self, conn: Connection) -> AddressIndex:
        ent = pd.read_sql(select(t.entrances.c.entrance_id, t.entrances.c.street, t.entrances.c.house_number,
                                 t.entrances.c.postcode, t.entrances.c.x, t.entrances.c.y), conn)
        units = pd.read_sql(select(t.units.c.unit_id, t.units.c.entrance_id, t.units.c.floor, t.units.c.door), conn)
        wkb = conn.execute(select(t.workspace.c.boundary_wkb)).scalar()
        return AddressIndex(ent, units, shapely.from_wkb(wkb) if wkb else None)

    @operation("areas.read")
    def base_map_layers(self) -> BaseLayers:
        """The offline base map of this workspace version (:func:`geo.basemap.build_base_layers`).

        Roads from the walking network, land from the boundary, built-up areas from the
        buildings (else the entrances) as 50 m cells, place names from the first area layer and
        street names. Nothing in it names an address or a person, so every role may read it.
        Built once per register and process (≈ 0.5 s for Samsø), then shared: an import of
        reports does not rebuild it. With
        ``OPSPOR_TILE_URL`` set (docs/deploy.md) a web tile service is drawn above it.
        """
        key = ("base_map", self._base_map_register())

        def load() -> BaseLayers:
            e = t.network_edges
            with store_engine.read_tx(self.engine) as conn:
                edges = pd.read_sql(select(e.c.highway, e.c.geometry_wkb).where(e.c.geometry_wkb.is_not(None)), conn)
                bld = pd.read_sql(select(t.buildings.c.x, t.buildings.c.y).where(t.buildings.c.x.is_not(None)), conn)
                ent = pd.read_sql(select(t.entrances.c.street, t.entrances.c.x, t.entrances.c.y), conn)
                first = conn.execute(select(t.area_layers.c.layer).where(t.area_layers.c.layer.not_like("grid%"))
                                     .order_by(t.area_layers.c.layer)).scalar()
            lines = gpd.GeoDataFrame({"highway": edges["highway"]},
                                     geometry=shapely.from_wkb(edges["geometry_wkb"].to_numpy()), crs=WORK_CRS)
            areas = self.areas(first) if first else None
            return build_base_layers(boundary=self.boundary(), edges=lines, points=bld if len(bld) else ent,
                                     areas=areas, streets=ent)

        return _BASE_MAPS.get(key, load).with_tiles(tile_service_from_env())

    @operation("areas.read")
    def base_map_key(self) -> str:
        """A key of this workspace's base map: the same as long as the register is (the
        database, when the workspace was built, its entrances, the base map's format), and
        naming neither (a SHA-256 hex digest). ``ui/basemap.py`` names its published file by it."""
        return hashlib.sha256(repr(self._base_map_register()).encode()).hexdigest()

    def _base_map_register(self) -> tuple:
        # keyed on the register (built when the workspace was, and its size), not on the data
        # version: an import of reports bumps that, and the base map holds no report (on a
        # city a build costs seconds, see bench/RESULTS.md)
        from geo.basemap import BASEMAP_FORMAT

        with store_engine.read_tx(self.engine) as conn:
            built = conn.execute(select(t.workspace.c.created_at)).scalar()
            n_e = conn.execute(select(func.count()).select_from(t.entrances)).scalar_one()
        return (self.engine.url.render_as_string(hide_password=True), str(built), n_e, BASEMAP_FORMAT)


def build_base_layers(**kwargs) -> BaseLayers:  # noqa: ANN003
    """:func:`geo.basemap.build_base_layers`, whose module (folium) is loaded on first use:
    every command and page but the maps starts without it (issue 18)."""
    from geo.basemap import build_base_layers as build

    return build(**kwargs)


_ADDRESS_INDEXES = ProcessCache(4)  # per database and register (see _address_index)
_BASE_MAPS = ProcessCache(8)  # per database and register (see base_map_layers)


TILE_URL_ENV = "OPSPOR_TILE_URL"
TILE_ATTRIBUTION_ENV = "OPSPOR_TILE_ATTRIBUTION"


def tile_service_from_env() -> TileService | None:
    """The web tile service configured in ``OPSPOR_TILE_URL`` (and ``OPSPOR_TILE_ATTRIBUTION``),
    or ``None`` (the default: the offline base map only). A malformed URL raises ``ValueError``."""
    url = (os.environ.get(TILE_URL_ENV) or "").strip()
    if not url:
        return None
    from geo.basemap import TileService

    attribution = (os.environ.get(TILE_ATTRIBUTION_ENV) or "").strip() or "© SDFI/GeoDanmark"
    return TileService(url=url, attribution=attribution)
