"""Read OpenStreetMap files: address entrances and the walking network.

One reader for both formats: ``.osm`` (XML) and ``.osm.pbf`` files go through
pyosmium (the ``osmium`` package), so the same data gives the same entrances and the
same network whichever format it came in. Coordinates come out in EPSG:25832 metres
(:data:`geo.crs.WORK_CRS`).

We deliberately use pyosmium rather than pyrosm or osmnx: pyrosm reads only PBF and
osmnx reads only XML (``graph_from_xml``), and one reader must give the same network
for both formats. pyosmium reads both with one code path and keeps coordinates as the
same 1e-7 degree integers in both, so results are identical, not merely close.

Examples
--------
>>> from geo.osm import read_osm_entrances, read_osm_walking_network
>>> entrances = read_osm_entrances("tests/data/samsoe_nordby.osm.pbf")
>>> sorted(entrances.columns) == sorted(ENTRANCE_COLUMNS)
True
>>> net = read_osm_walking_network("tests/data/samsoe_nordby.osm")
>>> net.n_nodes > 0
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import osmium
import pandas as pd
import shapely
from shapely.geometry import LineString, Polygon

from geo.crs import lonlat_to_xy
from geo.errors import GeoInputError
from geo.network import EDGE_COLUMNS, NODE_COLUMNS, WalkingNetwork

__all__ = [
    "ENTRANCE_COLUMNS",
    "WALKABLE_HIGHWAYS",
    "is_walkable",
    "read_osm_entrances",
    "read_osm_walking_network",
]

ENTRANCE_COLUMNS = [
    "osm_ref",
    "entrance_id",
    "street",
    "house_number",
    "postcode",
    "city",
    "x",
    "y",
]
"""Columns of :func:`read_osm_entrances`, in order."""

WALKABLE_HIGHWAYS = frozenset(
    {
        "track",
        "path",
        "footway",
        "steps",
        "pedestrian",
        "living_street",
        "residential",
        "service",
        "unclassified",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
        "cycleway",
        "bridleway",
        "road",
        "corridor",
    }
)
"""``highway`` values a person may walk on (see :func:`is_walkable`)."""

_NO_ACCESS = frozenset({"private", "no"})
_FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TYPE_RANK = {"node": 0, "way": 1, "relation": 2}


# --------------------------------------------------------------------------- file access


def _checked_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise GeoInputError(
            f"OSM file {p} does not exist; give the path of an .osm (XML) or .osm.pbf file"
        )
    if not p.is_file():
        raise GeoInputError(
            f"OSM file {p} is not a file; give the path of an .osm or .osm.pbf file"
        )
    return p


def _unreadable(path: Path, exc: Exception) -> GeoInputError:
    return GeoInputError(
        f"OSM file {path} can't be read by osmium ({exc}); expected OpenStreetMap data as "
        ".osm (XML) or .osm.pbf, named with that suffix"
    )


def _project_wkb(wkb_hex: str) -> shapely.Geometry:
    """WKB (hex, EPSG:4326 lon/lat) from osmium's factory → shapely geometry in EPSG:25832."""
    geom = shapely.from_wkb(wkb_hex)
    return shapely.transform(geom, lambda c: np.column_stack(lonlat_to_xy(c[:, 0], c[:, 1])))


# --------------------------------------------------------------------------- entrances


def _entrance_id(value: str | None) -> str | None:
    if value is None:
        return None
    s = value.strip().lower()
    return s if _UUID.match(s) else None


def _address(tags: Mapping[str, str]) -> dict[str, str | None] | None:
    """Address fields of an element, or None unless it has a street/place and a number."""
    number = (tags.get("addr:housenumber") or "").strip()
    street = (tags.get("addr:street") or "").strip() or (tags.get("addr:place") or "").strip()
    if not number or not street:
        return None
    postcode = (tags.get("addr:postcode") or "").strip() or None
    city = (tags.get("addr:city") or "").strip() or None
    return {
        "entrance_id": _entrance_id(tags.get("osak:identifier")),
        "street": street,
        "house_number": number,
        "postcode": postcode,
        "city": city,
    }


def _line_point(lonlat: list[tuple[float, float]], closed: bool) -> tuple[float, float]:
    """Point for an addressed way osmium built no area for (x, y in EPSG:25832).

    A closed ring that still makes a polygon after ``make_valid`` gives its
    representative point; otherwise the point halfway along the line.
    """
    arr = np.asarray(lonlat, dtype=float)
    x, y = lonlat_to_xy(arr[:, 0], arr[:, 1])
    coords = np.column_stack([x, y])
    if len(coords) == 1:
        return float(x[0]), float(y[0])
    if closed and len(coords) >= 4:
        poly = shapely.make_valid(Polygon(coords))
        if poly.area > 0:
            p = poly.representative_point()
            return p.x, p.y
    p = LineString(coords).interpolate(0.5, normalized=True)
    return p.x, p.y


def read_osm_entrances(path: str | Path) -> pd.DataFrame:
    """Read every addressed element of an OSM file as an entrance.

    An element counts when it has ``addr:housenumber`` and ``addr:street`` (or, when
    there is no street, ``addr:place``). Where it sits:

    - a node: its location;
    - a closed way or a ``type=multipolygon`` relation: the representative point
      (shapely ``representative_point()``, always inside the area) of the polygon that
      osmium's area assembly builds, computed in EPSG:25832;
    - a closed way osmium builds no area from (broken ring, ``area=no``): the
      representative point of the ring repaired with ``make_valid``, or if that has no
      area, the point halfway along the way;
    - a way that is not closed: the point halfway along it (by length).

    Relations that are not multipolygons, and multipolygons whose rings can't be
    assembled, have no place of their own and are skipped. Way nodes missing from the
    file are skipped; an element with no located node is skipped.

    Parameters
    ----------
    path : str or Path
        An ``.osm`` (XML) or ``.osm.pbf`` file; both give identical results.

    Returns
    -------
    pandas.DataFrame
        One row per element, sorted by element type (node, way, relation) and then
        numeric id, with a fresh ``RangeIndex``. Columns (text columns have dtype
        ``object``, missing values are ``None``):

        ``osm_ref``
            ``"node/123"``, ``"way/45"`` or ``"relation/6"``.
        ``entrance_id``
            ``osak:identifier`` (the DAR id) lower-cased, when it is a valid UUID
            (``8-4-4-4-12`` hex digits); else ``None``.
        ``street``
            ``addr:street``, or ``addr:place`` when there is no street.
        ``house_number``, ``postcode``, ``city``
            ``addr:housenumber``, ``addr:postcode`` (str or ``None``),
            ``addr:city`` (or ``None``).
        ``x``, ``y``
            EPSG:25832 easting and northing (metres, float).

    Raises
    ------
    GeoInputError
        If the file does not exist or osmium can't read it; the message names the file.

    Examples
    --------
    >>> df = read_osm_entrances("tests/data/samsoe_nordby.osm")
    >>> df.loc[df.osm_ref == "node/341931394", ["street", "house_number"]].values.tolist()
    [['Nordby Hovedgade', '1']]
    """
    p = _checked_path(path)
    wkb = osmium.geom.WKBFactory()
    nodes: list[tuple[str, dict, float, float]] = []
    ways: dict[str, tuple[dict, list[tuple[float, float]], bool]] = {}
    areas: dict[str, tuple[dict, str]] = {}
    try:
        fp = (
            osmium.FileProcessor(str(p))
            .with_areas()
            .with_filter(osmium.filter.KeyFilter("addr:housenumber"))
        )
        for obj in fp:
            addr = _address(obj.tags)
            if addr is None:
                continue
            if obj.is_node():
                if obj.location.valid():
                    nodes.append((f"node/{obj.id}", addr, obj.location.lon, obj.location.lat))
            elif obj.is_way():
                coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
                if coords:
                    ways[f"way/{obj.id}"] = (addr, coords, obj.is_closed())
            elif obj.is_area():
                kind = "way" if obj.from_way() else "relation"
                try:
                    areas[f"{kind}/{obj.orig_id()}"] = (addr, wkb.create_multipolygon(obj))
                except RuntimeError:
                    continue  # osmium could not build the rings: no polygon, skipped
    except RuntimeError as exc:
        raise _unreadable(p, exc) from exc

    rows: list[dict] = []
    if nodes:
        lon = np.array([n[2] for n in nodes])
        lat = np.array([n[3] for n in nodes])
        xs, ys = lonlat_to_xy(lon, lat)
        for (ref, addr, _, _), x, y in zip(nodes, xs, ys, strict=True):
            rows.append({"osm_ref": ref, **addr, "x": float(x), "y": float(y)})
    for ref, (addr, coords, closed) in ways.items():
        if ref in areas:
            continue  # the area (same tags) gives the point
        x, y = _line_point(coords, closed)
        rows.append({"osm_ref": ref, **addr, "x": float(x), "y": float(y)})
    for ref, (addr, wkb_hex) in areas.items():
        geom = _project_wkb(wkb_hex)
        if geom.is_empty:
            continue
        pt = geom.representative_point()
        rows.append({"osm_ref": ref, **addr, "x": float(pt.x), "y": float(pt.y)})

    rows.sort(
        key=lambda r: (_TYPE_RANK[r["osm_ref"].split("/")[0]], int(r["osm_ref"].split("/")[1]))
    )
    text = ["osm_ref", "entrance_id", "street", "house_number", "postcode", "city"]
    data = {c: pd.Series([r[c] for r in rows], dtype=object) for c in text}
    data["x"] = pd.Series([r["x"] for r in rows], dtype="float64")
    data["y"] = pd.Series([r["y"] for r in rows], dtype="float64")
    return pd.DataFrame(data, columns=ENTRANCE_COLUMNS)


# --------------------------------------------------------------------------- walking network


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether a way with these OSM tags is part of the walking network.

    The filter follows osmnx's ``network_type="walk"`` semantics, adapted to Danish
    outreach work on foot:

    - ``highway`` must be one of :data:`WALKABLE_HIGHWAYS` (footways, paths, steps,
      tracks, pedestrian and living streets, residential/service/unclassified roads,
      tertiary/secondary/primary roads and their links, cycleways, bridleways,
      ``road``, ``corridor``). Everything else is out: motorways and trunk roads (and
      their links), ``bus_guideway``, ``raceway``, ``platform``, ``bus_stop``,
      ``elevator``, and ways that don't exist (``proposed``, ``planned``,
      ``construction``, ``abandoned``, ``razed``). Unlike osmnx we keep cycleways:
      in Denmark pedestrians may use a cycle track where there is no footway.
    - ``area=yes`` is out (a square drawn as an area: walking its outline misleads,
      as in osmnx).
    - ``foot=no`` is out; ``service=private`` is out.
    - ``access=private`` or ``access=no`` is out unless ``foot`` is ``yes``,
      ``designated`` or ``permissive`` (an explicit right of way on foot).

    Parameters
    ----------
    tags : Mapping[str, str]
        The way's tags (an ``osmium`` tag list or a dict).

    Examples
    --------
    >>> is_walkable({"highway": "residential"})
    True
    >>> is_walkable({"highway": "motorway"})
    False
    >>> is_walkable({"highway": "track", "access": "private", "foot": "yes"})
    True
    """
    highway = tags.get("highway")
    if highway not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("area") == "yes":
        return False
    foot = tags.get("foot")
    if foot == "no":
        return False
    if tags.get("service") == "private":
        return False
    return not (tags.get("access") in _NO_ACCESS and foot not in _FOOT_ALLOWED)


def read_osm_walking_network(path: str | Path, *, simplify: bool = True) -> WalkingNetwork:
    """Build the undirected walking network from the ways of an OSM file.

    Which ways: those with a ``highway`` tag that :func:`is_walkable` accepts (osmnx's
    ``"walk"`` filter semantics; see there for the exact rules and why).

    Topology (``simplify=True``, the default): a node is an OSM node that ends a
    walkable way or is used by two or more walkable ways (an intersection; a node a way
    passes twice counts too). An edge joins consecutive such nodes along a way; its
    ``length_m`` is the sum of the EPSG:25832 lengths of the segments in between, and
    its geometry runs through every intermediate OSM node. Then:

    - a way that returns to its own start node (a closed loop) is split at its middle
      node, so that no edge starts and ends at the same node;
    - self-loops of zero length (a node repeated back to back) are dropped;
    - parallel edges between the same two nodes are kept once, the shortest;
    - way nodes missing from the file (a clipped extract) split the way there; nothing
      is drawn across the gap.

    Parameters
    ----------
    path : str or Path
        An ``.osm`` (XML) or ``.osm.pbf`` file; both give identical networks.
    simplify : bool, default True
        Keyword-only. ``False`` keeps every OSM node of a walkable way as a network
        node (one edge per way segment), like pyrosm's graphs. That gives many more
        nodes, so points snap to the nearest vertex of a road rather than its nearest
        intersection; distances between nodes are the same.

    Returns
    -------
    WalkingNetwork
        ``nodes`` (``node_id`` = OSM node id, ``x``, ``y`` in EPSG:25832 metres) and
        ``edges`` (``u < v``, ``length_m`` in metres, ``highway``, ``geometry_wkb`` =
        WKB of the EPSG:25832 LineString from ``u`` to ``v``), one row per undirected
        edge, sorted by ``(u, v)``. Only nodes used by an edge are kept. A file with
        no walkable ways gives an empty network.

    Raises
    ------
    GeoInputError
        If the file does not exist or osmium can't read it; the message names the file.
    """
    p = _checked_path(path)
    runs: list[tuple[str, list[int]]] = []
    lonlat: dict[int, tuple[float, float]] = {}
    try:
        fp = (
            osmium.FileProcessor(str(p))
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in fp:
            if not is_walkable(way.tags):
                continue
            highway = way.tags.get("highway")
            run: list[int] = []
            for n in way.nodes:
                if n.location.valid():
                    run.append(n.ref)
                    lonlat[n.ref] = (n.lon, n.lat)
                else:  # missing node: end this run, start another after the gap
                    if len(run) >= 2:
                        runs.append((highway, run))
                    run = []
            if len(run) >= 2:
                runs.append((highway, run))
    except RuntimeError as exc:
        raise _unreadable(p, exc) from exc
    return _build_network(runs, lonlat, simplify=simplify)


def _build_network(
    runs: list[tuple[str, list[int]]],
    lonlat: dict[int, tuple[float, float]],
    *,
    simplify: bool,
) -> WalkingNetwork:
    """Split way runs at network nodes and assemble the deduplicated edge table."""
    if not runs:
        return WalkingNetwork(
            pd.DataFrame(
                {
                    "node_id": pd.Series([], dtype="int64"),
                    "x": pd.Series([], dtype="float64"),
                    "y": pd.Series([], dtype="float64"),
                },
                columns=NODE_COLUMNS,
            ),
            _edge_frame([], [], [], [], []),
        )
    ids = np.fromiter(lonlat.keys(), dtype=np.int64, count=len(lonlat))
    ll = np.array(list(lonlat.values()), dtype=float)
    xs, ys = lonlat_to_xy(ll[:, 0], ll[:, 1])
    pos = {int(i): k for k, i in enumerate(ids)}

    idx_runs = [(hw, np.array([pos[r] for r in run], dtype=np.int64)) for hw, run in runs]
    if simplify:
        occurrences = Counter()
        for _, idx in idx_runs:
            occurrences.update(idx.tolist())
        is_node = np.zeros(len(ids), dtype=bool)
        is_node[[k for k, c in occurrences.items() if c >= 2]] = True
        for _, idx in idx_runs:
            is_node[idx[0]] = is_node[idx[-1]] = True
    else:
        is_node = np.ones(len(ids), dtype=bool)

    pieces: list[tuple[str, np.ndarray, float]] = []
    for hw, idx in idx_runs:
        seg = np.hypot(np.diff(xs[idx]), np.diff(ys[idx]))
        cut = np.flatnonzero(is_node[idx])
        for a, b in zip(cut[:-1], cut[1:], strict=True):
            a, b = int(a), int(b)
            length = float(seg[a:b].sum())
            if idx[a] != idx[b]:
                pieces.append((hw, idx[a : b + 1], length))
            elif b - a >= 2 and length > 0:
                # A loop back to its start node: split at the middle node (used by this
                # way only, or it would be a network node already) so no self-loop.
                m = a + (b - a) // 2
                is_node[idx[m]] = True
                pieces.append((hw, idx[a : m + 1], float(seg[a:m].sum())))
                pieces.append((hw, idx[m : b + 1], float(seg[m:b].sum())))
            # else: zero-length self-loop (a node repeated back to back): dropped

    us, vs, lengths, highways, geoms = [], [], [], [], []
    for hw, idx, length in pieces:
        u, v = int(ids[idx[0]]), int(ids[idx[-1]])
        if u > v:
            u, v, idx = v, u, idx[::-1]
        us.append(u)
        vs.append(v)
        lengths.append(length)
        highways.append(hw)
        geoms.append(np.column_stack([xs[idx], ys[idx]]))
    edges = _edge_frame(us, vs, lengths, highways, geoms)
    edges = (
        edges.sort_values(["u", "v", "length_m", "highway", "geometry_wkb"], kind="mergesort")
        .drop_duplicates(["u", "v"], keep="first")
        .reset_index(drop=True)
    )
    used = np.unique(np.concatenate([edges["u"].to_numpy(), edges["v"].to_numpy()]))
    k = np.array([pos[int(i)] for i in used], dtype=np.int64)
    nodes = pd.DataFrame(
        {
            "node_id": pd.Series(used, dtype="int64"),
            "x": pd.Series(xs[k], dtype="float64"),
            "y": pd.Series(ys[k], dtype="float64"),
        },
        columns=NODE_COLUMNS,
    )
    return WalkingNetwork(nodes, edges)


def _edge_frame(us, vs, lengths, highways, geoms) -> pd.DataFrame:
    if geoms:
        counts = [len(g) for g in geoms]
        lines = shapely.linestrings(
            np.concatenate(geoms), indices=np.repeat(np.arange(len(geoms)), counts)
        )
        wkb = list(shapely.to_wkb(lines))
    else:
        wkb = []
    return pd.DataFrame(
        {
            "u": pd.Series(us, dtype="int64"),
            "v": pd.Series(vs, dtype="int64"),
            "length_m": pd.Series(lengths, dtype="float64"),
            "highway": pd.Series(highways, dtype=object),
            "geometry_wkb": pd.Series(wkb, dtype=object),
        },
        columns=EDGE_COLUMNS,
    )
