"""Build a workspace from a municipality's own files (``opspor init``).

Reads the register (DAR CSV or OSM address tags), units and BBR, area layers, the walking
network (from the OSM file), decides the municipality, keeps only entrances inside it,
snaps entrances to the network's largest component, and returns a
:class:`detection.repository.core.WorkspaceData` that the repository stores in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from detection.errors import InputError
from geo import addresses as reg
from geo import network as net_mod
from geo import osm as osm_mod
from geo.areas import assign_areas, municipalities, read_area_layer
from geo.crs import WORK_CRS
from geo.errors import GeoInputError
from geo.network import WalkingNetwork

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class WorkspaceData:
    """Everything a workspace is built from, ready to store (all in EPSG:25832)."""

    name: str
    kommunekode: str
    synthetic: bool
    boundary: object | None  # shapely geometry
    sources: list[dict]
    entrances: pd.DataFrame
    units: pd.DataFrame
    buildings: pd.DataFrame
    bbr_units: pd.DataFrame
    area_layers: dict[str, gpd.GeoDataFrame]
    network: WalkingNetwork | None
    problems: pd.DataFrame
    partners: pd.DataFrame | None = None
    signals: pd.DataFrame | None = None


@dataclass(frozen=True)
class WorkspaceSpec:
    """The files a workspace is built from (``opspor init`` options)."""

    name: str
    addresses: Path | None = None
    units: Path | None = None
    osm: Path | None = None
    network: Path | None = None
    areas: tuple[tuple[str, Path], ...] = ()
    boundary: Path | None = None
    bbr_buildings: Path | None = None
    bbr_units: Path | None = None
    kommunekode: str | None = None
    synthetic: bool = False
    sources: tuple[dict, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise InputError("the workspace needs a name: --name NAME")
        if self.addresses is None and self.osm is None:
            raise InputError("a workspace needs an address register: give --addresses CSV "
                             "(DAR extract) or --osm FILE (OpenStreetMap with address tags)")
        if self.units is not None and self.addresses is None:
            raise InputError("--units needs --addresses (units belong to DAR entrances)")
        if self.bbr_units is not None and self.units is None:
            raise InputError("--bbr-units needs --units (BBR units link to unit addresses)")


def parse_area_option(value: str) -> tuple[str, Path]:
    """``[NAME=]FILE`` → (layer name, path). Without a name the file stem is used.

    >>> parse_area_option("parishes=data/samsoe/samsoe_sogne.geojson")
    ('parishes', PosixPath('data/samsoe/samsoe_sogne.geojson'))
    """
    if "=" in value and not Path(value).exists():
        name, file = value.split("=", 1)
    else:
        name, file = Path(value).stem, value
    name = name.strip()
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise InputError(f"area layer name {name!r} must be letters, digits, '-' or '_' (--areas NAME=FILE)")
    if name in ("grid100", "grid250", "grid1km"):
        raise InputError(f"area layer name {name!r} is reserved for the DDKN grid; choose another")
    return name, Path(file)


def _boundary_from_file(path: Path, kommunekode: str | None) -> tuple[str | None, object]:
    """The boundary polygon of ``--boundary`` and the kommunekode its id gives (if one)."""
    try:
        gdf = read_area_layer(path, id_field=None, require_id=False)
    except GeoInputError as exc:
        raise InputError(f"--boundary {path}: {exc}") from exc
    if kommunekode:
        match = gdf[gdf["area_id"].str.zfill(4) == kommunekode]
        if len(match):
            gdf = match
    code = gdf["area_id"].iloc[0].zfill(4) if len(gdf) == 1 and gdf["area_id"].iloc[0].isdigit() else None
    return code, shapely.union_all(gdf.geometry.to_numpy())


COAST_TOLERANCE_M = 2_000.0
"""How far outside a (generalised) boundary polygon an entrance may lie and still count."""


def _in_municipality(entr: pd.DataFrame, boundary, code: str, kommuner: gpd.GeoDataFrame) -> np.ndarray:
    """True for entrances in the municipality.

    Inside the boundary polygon counts. The shipped DAGI 1:500 000 polygons are generalised,
    so real addresses on the coast can fall just outside them (Samsø: 3 of 4,596): a point
    outside every municipality polygon counts when the nearest municipality, within
    ``COAST_TOLERANCE_M``, is this one.
    """
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(entr["x"], entr["y"]), crs=WORK_CRS)
    inside = shapely.contains_xy(boundary, entr["x"].to_numpy(), entr["y"].to_numpy())
    rest = pts[~inside]
    if rest.empty:
        return inside
    in_other = pd.Series(assign_areas(rest.geometry.x.to_numpy(), rest.geometry.y.to_numpy(), kommuner),
                         index=rest.index)
    loose = rest[in_other.isna().to_numpy()]
    if loose.empty:
        return inside
    near = gpd.sjoin_nearest(loose, kommuner[["area_id", "geometry"]], how="left",
                             max_distance=COAST_TOLERANCE_M)
    near = near[~near.index.duplicated(keep="first")]
    ok = near.index[near["area_id"] == code]
    out = inside.copy()
    out[ok.to_numpy()] = True
    return out


def build_workspace_data(spec: WorkspaceSpec) -> WorkspaceData:
    """Read and check every file of ``spec``; nothing is stored here."""
    problems: list[pd.DataFrame] = []
    sources: list[dict] = list(spec.sources)

    # ---- register
    if spec.addresses is not None:
        read = reg.read_dar_entrances(spec.addresses)
        sources.append({"kind": "addresses", "file": spec.addresses.name})
    else:
        assert spec.osm is not None
        log.info("reading address tags from %s", spec.osm)
        read = reg.entrances_from_osm(osm_mod.read_osm_entrances(spec.osm), file=spec.osm.name)
        sources.append({"kind": "osm", "file": spec.osm.name, "licence": "© OpenStreetMap contributors, ODbL 1.0"})
    entr = read.rows
    problems.append(read.problems)
    if entr.empty:
        raise InputError("the address register holds no usable entrance; see the problems reported for its rows")

    # ---- municipality and boundary
    kommuner = municipalities()
    code = spec.kommunekode
    boundary = None
    if spec.boundary is not None:
        bcode, boundary = _boundary_from_file(spec.boundary, code)
        code = code or bcode
        sources.append({"kind": "boundary", "file": spec.boundary.name})
    if code is None and spec.addresses is not None:
        codes = entr["kommunekode"][entr["kommunekode"] != ""]
        if len(codes):
            code = str(codes.value_counts().idxmax())
    if code is None:
        inside = pd.Series(assign_areas(entr["x"].to_numpy(), entr["y"].to_numpy(), kommuner)).dropna()
        if inside.empty:
            raise InputError("no entrance lies in a Danish municipality; are the coordinates EPSG:25832?")
        code = str(inside.value_counts().idxmax())
    code = code.zfill(4)
    if boundary is None:
        poly = kommuner[kommuner["area_id"] == code]
        if poly.empty:
            raise InputError(f"municipality code {code!r} is not a Danish kommunekode")
        boundary = poly.geometry.iloc[0]

    # ---- entrances outside the municipality
    if spec.addresses is not None and (entr["kommunekode"] != "").any():
        outside = (entr["kommunekode"] != "") & (entr["kommunekode"] != code)
    else:
        outside = pd.Series(~_in_municipality(entr, boundary, code, kommuner), index=entr.index)
    if outside.any():
        problems.append(pd.DataFrame({
            "file": sources[0]["file"], "row": 0, "field": "kommunekode",
            "value": entr.loc[outside, "entrance_id"].to_numpy(),
            "reason": "outside_municipality",
            "message": [f"entrance {e} ({s} {h}) lies outside municipality {code}; skipped"
                        for e, s, h in entr.loc[outside, ["entrance_id", "street", "house_number"]].itertuples(index=False)],
            "kept": False}))
        log.info("%d entrances outside municipality %s skipped", int(outside.sum()), code)
    entr = entr[~outside].reset_index(drop=True)
    if entr.empty:
        given = f"--boundary {spec.boundary.name}" if spec.boundary is not None else \
            f"municipality {code}"
        raise InputError(f"no entrance of the address register lies inside {given}; give the boundary "
                         "(or --kommunekode) of the municipality the addresses are in")
    entr["kommunekode"] = code
    entr["address_key"] = [reg.address_key(s, h, p) for s, h, p in
                           entr[["street", "house_number", "postcode"]].itertuples(index=False)]

    # ---- units and BBR
    units = pd.DataFrame(columns=reg.UNIT_COLUMNS)
    if spec.units is not None:
        r = reg.read_dar_units(spec.units, entrance_ids=set(entr["entrance_id"]))
        units, _ = r.rows, problems.append(r.problems)
        sources.append({"kind": "units", "file": spec.units.name})
    buildings = pd.DataFrame(columns=reg.BUILDING_COLUMNS)
    if spec.bbr_buildings is not None:
        r = reg.read_bbr_buildings(spec.bbr_buildings, entrance_ids=set(entr["entrance_id"]))
        buildings, _ = r.rows, problems.append(r.problems)
        sources.append({"kind": "bbr_buildings", "file": spec.bbr_buildings.name})
    bbr_units = pd.DataFrame(columns=reg.BBR_UNIT_COLUMNS)
    if spec.bbr_units is not None:
        r = reg.read_bbr_units(spec.bbr_units, unit_ids=set(units["unit_id"]))
        bbr_units, _ = r.rows, problems.append(r.problems)
        sources.append({"kind": "bbr_units", "file": spec.bbr_units.name})

    # ---- area layers
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name, path in spec.areas:
        try:
            gdf = read_area_layer(path)
        except GeoInputError as exc:
            raise InputError(f"--areas {name}={path}: {exc}") from exc
        gdf.attrs["source"] = path.name
        layers[name] = gdf
        sources.append({"kind": "areas", "layer": name, "file": path.name})

    # ---- walking network
    network = None
    entr["node_id"] = None
    entr["snap_m"] = np.nan

    if spec.network is not None:
        log.info("building the walking network from %s", spec.network)
        try:
            network, net_problems = net_mod.read_line_network(spec.network)
        except GeoInputError as exc:
            raise InputError(f"--network {spec.network}: {exc}") from exc
        if len(net_problems):
            problems.append(net_problems)
        sources.append({"kind": "network", "file": spec.network.name, "format": "lines"})
    elif spec.osm is not None:
        log.info("building the walking network from %s", spec.osm)
        # Every way node is kept (not only intersections): entrances then snap to the path
        # at their door (median 19.5 m on Samsø) rather than to the nearest crossing (29 m).
        network = osm_mod.read_osm_walking_network(spec.osm, simplify=False)
        sources.append({"kind": "network", "file": spec.osm.name})
    if network is not None and network.n_nodes:
        snapped = net_mod.snap_points(network, entr["x"].to_numpy(), entr["y"].to_numpy())
        entr["node_id"] = snapped["node_id"].to_numpy()
        entr["snap_m"] = snapped["snap_m"].to_numpy()

    all_problems = pd.concat([p for p in problems if len(p)], ignore_index=True) if any(
        len(p) for p in problems) else pd.DataFrame(columns=reg.PROBLEM_COLUMNS)
    return WorkspaceData(
        name=spec.name.strip(), kommunekode=code, synthetic=spec.synthetic, boundary=boundary,
        sources=sources,
        entrances=entr[["entrance_id", "street", "house_number", "postcode", "city", "kommunekode",
                        "address_key", "x", "y", "source", "node_id", "snap_m"]],
        units=units, buildings=buildings, bbr_units=bbr_units, area_layers=layers,
        network=network, problems=all_problems)
