"""The walking network and pure graph functions on it.

A :class:`WalkingNetwork` is two frames in EPSG:25832 metres: ``nodes`` and undirected
``edges``. It is built by :func:`geo.osm.read_osm_walking_network` or by
:meth:`WalkingNetwork.from_frames`; the functions here read it and never change it.
Graph work uses :mod:`scipy.sparse.csgraph` (Dijkstra, connected components) and
:class:`scipy.spatial.cKDTree` (snapping).

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"node_id": [1, 2, 3], "x": [0.0, 300.0, 300.0], "y": [0.0, 0.0, 400.0]})
>>> edges = pd.DataFrame({"u": [1, 2], "v": [2, 3], "length_m": [300.0, 400.0]})
>>> net = WalkingNetwork.from_frames(nodes, edges)
>>> distance_matrix_m(net, [1, 3]).tolist()
[[0.0, 700.0], [700.0, 0.0]]
>>> shortest_path(net, 3, 1)
[3, 2, 1]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from shapely.errors import GEOSException

from geo.areas import read_vector
from geo.crs import WORK_CRS
from geo.errors import GeoInputError

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = [
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "WalkingNetwork",
    "component_labels",
    "distance_matrix_m",
    "largest_component",
    "shortest_path",
    "snap_points",
    "walking_matrix",
]

NODE_COLUMNS = ["node_id", "x", "y"]
"""Columns of :attr:`WalkingNetwork.nodes`, in order."""

EDGE_COLUMNS = ["u", "v", "length_m", "highway", "geometry_wkb"]
"""Columns of :attr:`WalkingNetwork.edges`, in order."""

_MAX_LISTED = 10
_CHUNK_ROWS = 256  # Dijkstra sources per call: bounds memory to 256 × n_nodes floats


def _listed(problems: list[str], total: int | None = None) -> str:
    total = len(problems) if total is None else total
    more = f"; … and {total - _MAX_LISTED} more" if total > _MAX_LISTED else ""
    return "; ".join(problems[:_MAX_LISTED]) + more


def _label(value: object) -> str:
    """An index label as a user would type it (``11``, ``'door-a'``), not ``np.int64(11)``."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _require_columns(df: object, what: str, required: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise GeoInputError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise GeoInputError(
            f"{what} lacks column(s) {missing}; expected {list(required)}, got {list(df.columns)}"
        )


@dataclass(frozen=True, eq=False, repr=False)
class WalkingNetwork:
    """An undirected walking network in EPSG:25832 metres.

    Treat both frames as read-only: the network caches its sparse graph, components
    and snapping tree on first use.

    Attributes
    ----------
    nodes : pandas.DataFrame
        ``node_id`` (int64, e.g. the OSM node id), ``x``, ``y`` (float64, EPSG:25832
        metres); ``node_id`` unique and ascending.
    edges : pandas.DataFrame
        One row per undirected edge: ``u``, ``v`` (int64 node ids, ``u < v``, each pair
        once), ``length_m`` (float64, metres, finite, ≥ 0), ``highway`` (str),
        ``geometry_wkb`` (bytes: WKB of the EPSG:25832 LineString from ``u`` to ``v``).

    Raises
    ------
    GeoInputError
        On construction, if the frames break these rules; the message names the rule
        (and for unknown endpoints the edges) and the fix.
        :meth:`from_frames` builds a valid network from looser input.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame

    def __post_init__(self) -> None:
        _require_columns(self.nodes, "nodes", NODE_COLUMNS)
        _require_columns(self.edges, "edges", EDGE_COLUMNS)
        fix = "; build the network with WalkingNetwork.from_frames(nodes, edges)"
        for frame, col, dtype in [
            (self.nodes, "node_id", "int64"),
            (self.nodes, "x", "float64"),
            (self.nodes, "y", "float64"),
            (self.edges, "u", "int64"),
            (self.edges, "v", "int64"),
            (self.edges, "length_m", "float64"),
        ]:
            if frame[col].dtype != dtype:
                raise GeoInputError(
                    f"column '{col}' has dtype {frame[col].dtype}, expected {dtype}{fix}"
                )
        ids = self.nodes["node_id"].to_numpy()
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            raise GeoInputError(f"nodes: 'node_id' must be unique and ascending{fix}")
        if not np.isfinite(self.nodes[["x", "y"]].to_numpy()).all():
            raise GeoInputError(f"nodes: 'x'/'y' must be finite EPSG:25832 metres{fix}")
        u = self.edges["u"].to_numpy()
        v = self.edges["v"].to_numpy()
        length = self.edges["length_m"].to_numpy()
        if not bool(np.all(u < v)):
            raise GeoInputError(f"edges: every edge needs u < v (no self-loops){fix}")
        if not (np.isfinite(length).all() and bool(np.all(length >= 0))):
            raise GeoInputError(f"edges: 'length_m' must be finite metres ≥ 0{fix}")
        if self.edges.duplicated(["u", "v"]).any():
            raise GeoInputError(f"edges: each (u, v) pair may appear once{fix}")
        _check_endpoints(self.edges, ids)

    def __repr__(self) -> str:
        return f"WalkingNetwork(n_nodes={self.n_nodes}, n_edges={self.n_edges})"

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return len(self.edges)

    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> WalkingNetwork:
        """Build a valid network from node and edge frames; the inputs are not changed.

        Parameters
        ----------
        nodes : pandas.DataFrame
            Columns ``node_id`` (integer), ``x``, ``y`` (EPSG:25832 metres). Rows are
            sorted by ``node_id``.
        edges : pandas.DataFrame
            Columns ``u``, ``v`` (node ids, either order), ``length_m`` (metres);
            optional ``highway`` (default ``"unknown"``) and ``geometry_wkb`` (WKB of
            an EPSG:25832 LineString from ``u`` to ``v``; default the straight line
            between the two nodes). An edge given as ``u > v`` is turned round (its
            geometry reversed). Self-loops (``u == v``) are dropped, as they never
            shorten a walk; of parallel edges the shortest is kept. Other columns
            are ignored.

        Returns
        -------
        WalkingNetwork

        Raises
        ------
        GeoInputError
            If a column is missing, a node id repeats, a coordinate or length is not
            a finite number (length ≥ 0), or an edge names a node that is not in
            ``nodes`` (the message names the edge by its index label).
        """
        _require_columns(nodes, "nodes", NODE_COLUMNS)
        _require_columns(edges, "edges", ["u", "v", "length_m"])
        try:
            n = pd.DataFrame(
                {
                    "node_id": nodes["node_id"].astype("int64").to_numpy(),
                    "x": nodes["x"].astype("float64").to_numpy(),
                    "y": nodes["y"].astype("float64").to_numpy(),
                }
            )
            e = pd.DataFrame(
                {
                    "u": edges["u"].astype("int64").to_numpy(),
                    "v": edges["v"].astype("int64").to_numpy(),
                    "length_m": edges["length_m"].astype("float64").to_numpy(),
                },
                index=edges.index,
            )
        except (TypeError, ValueError) as exc:
            raise GeoInputError(
                f"node ids must be integers and x, y, length_m numbers ({exc}); fix or drop those rows"
            ) from exc
        dup = n["node_id"][n["node_id"].duplicated()].unique()
        if len(dup):
            raise GeoInputError(
                f"nodes: node_id {_listed([str(i) for i in dup])} appear(s) more than once; "
                "give each node one row"
            )
        bad_xy = ~np.isfinite(n[["x", "y"]].to_numpy()).all(axis=1)
        if bad_xy.any():
            rows = [f"node_id {i}" for i in n.loc[bad_xy, "node_id"]]
            raise GeoInputError(
                f"nodes: {_listed(rows)}: x/y is not a finite number; give EPSG:25832 metres"
            )
        bad_len = ~(np.isfinite(e["length_m"].to_numpy()) & (e["length_m"].to_numpy() >= 0))
        if bad_len.any():
            rows = [
                f"edge {_label(i)} (length_m={val})"
                for i, val in e.loc[bad_len, "length_m"].items()
            ]
            raise GeoInputError(
                f"edges: {_listed(rows)}: length_m must be metres ≥ 0; fix or drop it"
            )
        n = n.sort_values("node_id", kind="mergesort").reset_index(drop=True)
        _check_endpoints(e, n["node_id"].to_numpy())

        if "highway" in edges.columns:
            hw = ["unknown" if pd.isna(h) else str(h) for h in edges["highway"]]
        else:
            hw = ["unknown"] * len(e)
        e["highway"] = pd.Series(hw, index=e.index, dtype=object)
        xy = n.set_index("node_id")[["x", "y"]]
        straight = (
            shapely.linestrings(
                np.stack([xy.loc[e["u"]].to_numpy(), xy.loc[e["v"]].to_numpy()], axis=1)
            )
            if len(e)
            else np.array([], dtype=object)
        )
        if "geometry_wkb" in edges.columns:
            try:
                given = shapely.from_wkb(edges["geometry_wkb"].to_numpy(), on_invalid="raise")
            except (GEOSException, TypeError) as exc:
                raise GeoInputError(
                    f"edges: 'geometry_wkb' holds a value that is not WKB ({exc}); give WKB "
                    "bytes of an EPSG:25832 LineString, or None for a straight line"
                ) from exc
            geoms = np.where(shapely.is_missing(given), straight, given)
        else:
            geoms = straight
        swap = (e["u"] > e["v"]).to_numpy()
        geoms = np.where(swap, shapely.reverse(geoms), geoms)
        u = np.where(swap, e["v"], e["u"])
        v = np.where(swap, e["u"], e["v"])
        e["u"], e["v"] = u.astype("int64"), v.astype("int64")
        e["geometry_wkb"] = pd.Series(list(shapely.to_wkb(geoms)), index=e.index, dtype=object)
        e = e[e["u"] != e["v"]]
        e = (
            e.sort_values(["u", "v", "length_m"], kind="mergesort")
            .drop_duplicates(["u", "v"], keep="first")
            .reset_index(drop=True)[EDGE_COLUMNS]
        )
        return cls(n, e)

    # ---- cached derived structures (computed once per network, read-only)

    @cached_property
    def _node_ids(self) -> np.ndarray:
        return self.nodes["node_id"].to_numpy()

    @cached_property
    def _graph(self) -> sp.csr_array:
        """Symmetric sparse adjacency (metres); explicit zeros are zero-length edges."""
        n = self.n_nodes
        iu = np.searchsorted(self._node_ids, self.edges["u"].to_numpy())
        iv = np.searchsorted(self._node_ids, self.edges["v"].to_numpy())
        w = self.edges["length_m"].to_numpy()
        return sp.csr_array(
            (np.concatenate([w, w]), (np.concatenate([iu, iv]), np.concatenate([iv, iu]))),
            shape=(n, n),
        )

    @cached_property
    def _labels(self) -> np.ndarray:
        """Component label per node position: 0 = largest, then by size, ties by lowest id."""
        from scipy.sparse.csgraph import connected_components  # loaded on first use

        if self.n_nodes == 0:
            return np.zeros(0, dtype=np.int64)
        _, raw = connected_components(self._graph, directed=False)
        sizes = np.bincount(raw)
        first = np.full(len(sizes), self.n_nodes)
        np.minimum.at(first, raw, np.arange(self.n_nodes))
        order = np.lexsort((first, -sizes))  # by size descending, then first position
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return rank[raw].astype(np.int64)

    @cached_property
    def _largest_tree(self) -> tuple[cKDTree, np.ndarray]:
        from scipy.spatial import cKDTree  # loaded on first use

        keep = self._labels == 0
        xy = self.nodes[["x", "y"]].to_numpy()[keep]
        return cKDTree(xy), self._node_ids[keep]


def _check_endpoints(edges: pd.DataFrame, node_ids: np.ndarray) -> None:
    """Raise GeoInputError naming every edge (capped) whose endpoint is not a node."""
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    has_u = np.isin(u, node_ids)
    has_v = np.isin(v, node_ids)
    bad = np.flatnonzero(~(has_u & has_v))
    if len(bad) == 0:
        return
    problems = []
    for k in bad[:_MAX_LISTED]:
        missing = [str(x) for x, ok in ((u[k], has_u[k]), (v[k], has_v[k])) if not ok]
        problems.append(
            f"edge {_label(edges.index[k])} (u={u[k]}, v={v[k]}): node {' and '.join(missing)} not in nodes"
        )
    raise GeoInputError(
        f"{_listed(problems, len(bad))}; add the missing nodes (node_id, x, y in EPSG:25832) "
        "or drop those edges"
    )


def _positions(net: WalkingNetwork, node_ids: object, what: str) -> np.ndarray:
    """Positions of ``node_ids`` in ``net.nodes``; GeoInputError naming unknown ids."""
    ids = np.asarray(node_ids)
    if ids.ndim != 1:
        ids = ids.reshape(-1)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise GeoInputError(f"{what} must be integer node ids, got dtype {ids.dtype}")
    ids = ids.astype(np.int64)
    known = net._node_ids
    pos = np.searchsorted(known, ids)
    pos_clip = np.minimum(pos, max(len(known) - 1, 0))
    ok = (pos < len(known)) & (known[pos_clip] == ids if len(known) else False)
    if not np.all(ok):
        bad = np.flatnonzero(~ok)
        rows = [f"{what}[{k}] = {ids[k]}" for k in bad[:_MAX_LISTED]]
        raise GeoInputError(
            f"{_listed(rows, len(bad))}: not a node of the network; "
            "use node ids from net.nodes, e.g. from snap_points"
        )
    return pos


# --------------------------------------------------------------------------- components


def component_labels(net: WalkingNetwork) -> pd.Series:
    """Connected component of every node.

    Parameters
    ----------
    net : WalkingNetwork

    Returns
    -------
    pandas.Series
        int64 labels indexed by ``node_id``, named ``"component"``: 0 is the largest
        component (most nodes), 1 the next, …; equal sizes are ordered by their lowest
        node id. ``label.max() + 1`` is the number of components.
    """
    return pd.Series(net._labels, index=pd.Index(net._node_ids, name="node_id"), name="component")


def largest_component(net: WalkingNetwork) -> WalkingNetwork:
    """The subnetwork of the largest connected component (most nodes).

    Walks between components are impossible, so routing works on this part only;
    Samsø's OSM walking network has about ten components, most of them small
    (private tracks, a path on an islet).

    Parameters
    ----------
    net : WalkingNetwork

    Returns
    -------
    WalkingNetwork
        Nodes of component 0 of :func:`component_labels` and the edges between them.
        An empty network is returned as is.
    """
    if net.n_nodes == 0:
        return net
    keep_ids = net._node_ids[net._labels == 0]
    nodes = net.nodes[net.nodes["node_id"].isin(keep_ids)].reset_index(drop=True)
    edges = net.edges[net.edges["u"].isin(keep_ids)].reset_index(drop=True)
    return WalkingNetwork(nodes.copy(), edges.copy())


# --------------------------------------------------------------------------- snapping


def snap_points(net: WalkingNetwork, x: Sequence[float], y: Sequence[float]) -> pd.DataFrame:
    """Snap points to the nearest node of the network's largest component.

    Only the largest connected component is used, so every pair of snapped points
    can reach each other (otherwise a few doors on a stray private track would be
    unreachable in the walking matrix).

    Parameters
    ----------
    net : WalkingNetwork
    x, y : array-like of float
        EPSG:25832 easting and northing (metres), same length. Convert
        longitude/latitude first with :func:`geo.crs.lonlat_to_xy`.

    Returns
    -------
    pandas.DataFrame
        ``node_id`` (int64) and ``snap_m`` (float64: straight-line distance from the
        point to that node, metres), one row per point, indexed like ``x`` when it
        is a pandas Series, else from 0.

    Raises
    ------
    GeoInputError
        If ``x`` and ``y`` differ in length, a coordinate is not finite (the message
        lists the points), the points look like degrees while the network is in
        metres, or the network has no nodes.
    """
    index = x.index if isinstance(x, pd.Series) else None
    xa = np.asarray(x, dtype=float).reshape(-1)
    ya = np.asarray(y, dtype=float).reshape(-1)
    if len(xa) != len(ya):
        raise GeoInputError(f"x and y must have the same length; got {len(xa)} and {len(ya)}")
    if index is None:
        index = pd.RangeIndex(len(xa))
    bad = np.flatnonzero(~(np.isfinite(xa) & np.isfinite(ya)))
    if len(bad):
        labels = [f"point {_label(index[k])} (x={xa[k]}, y={ya[k]})" for k in bad[:_MAX_LISTED]]
        raise GeoInputError(
            f"{_listed(labels, len(bad))}: not a finite coordinate; drop or fix those points"
        )
    if net.n_nodes == 0:
        raise GeoInputError("the walking network has no nodes; read a file with walkable ways")
    if (
        len(xa)
        and _looks_like_degrees(xa, ya)
        and not _looks_like_degrees(net.nodes["x"].to_numpy(), net.nodes["y"].to_numpy())
    ):
        raise GeoInputError(
            "x/y look like longitude/latitude degrees but the network is in EPSG:25832 "
            "metres; convert the points with geo.crs.lonlat_to_xy first"
        )
    tree, ids = net._largest_tree
    if len(xa) == 0:
        dist, k = np.zeros(0), np.zeros(0, dtype=np.int64)
    else:
        dist, k = tree.query(np.column_stack([xa, ya]), k=1)
    return pd.DataFrame(
        {
            "node_id": pd.Series(ids[k], dtype="int64").to_numpy(),
            "snap_m": np.asarray(dist, dtype="float64"),
        },
        index=index,
    )


def _looks_like_degrees(x: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90))


# --------------------------------------------------------------------------- distances


def distance_matrix_m(net: WalkingNetwork, node_ids: Sequence[int]) -> np.ndarray:
    """Shortest walking distance in metres between every pair of the given nodes.

    Parameters
    ----------
    net : WalkingNetwork
    node_ids : sequence of int
        Node ids of ``net`` (repeats allowed), e.g. ``snap_points(...)["node_id"]``.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` float64 array; ``[i, j]`` is the network distance (metres) from
        ``node_ids[i]`` to ``node_ids[j]``, symmetric, 0 on the diagonal, ``numpy.inf``
        where no walking path exists.

    Raises
    ------
    GeoInputError
        If an id is not a node of ``net`` (the message lists them).
    """
    from scipy.sparse.csgraph import dijkstra  # loaded on first use

    pos = _positions(net, node_ids, "node_ids")
    out = np.empty((len(pos), len(pos)), dtype=np.float64)
    if len(pos) == 0:
        return out
    uniq, inverse = np.unique(pos, return_inverse=True)
    rows = np.empty((len(uniq), len(pos)), dtype=np.float64)
    for start in range(0, len(uniq), _CHUNK_ROWS):
        block = uniq[start : start + _CHUNK_ROWS]
        d = dijkstra(net._graph, directed=True, indices=block)
        rows[start : start + len(block)] = d[:, pos]
    out[:] = rows[inverse]
    return out


def walking_matrix(
    net: WalkingNetwork, node_ids: Sequence[int], *, speed_kmh: float = 4.5
) -> np.ndarray:
    """Walking time in seconds between every pair of the given nodes.

    Parameters
    ----------
    net : WalkingNetwork
    node_ids : sequence of int
        Node ids of ``net`` (repeats allowed).
    speed_kmh : float, default 4.5
        Keyword-only. Walking speed in km/h (> 0); seconds = metres / (speed_kmh / 3.6).

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` float64 seconds; ``numpy.inf`` where no walking path exists.

    Raises
    ------
    GeoInputError
        If ``speed_kmh`` is not a positive finite number, or an id is not a node.
    """
    if (
        isinstance(speed_kmh, bool)
        or not isinstance(speed_kmh, numbers.Real)
        or not (math.isfinite(speed_kmh) and speed_kmh > 0)
    ):
        raise GeoInputError(
            f"The 'speed_kmh' parameter of walking_matrix must be a number > 0 (km/h). "
            f"Got {speed_kmh!r} instead."
        )
    return distance_matrix_m(net, node_ids) / (speed_kmh / 3.6)


def shortest_path(net: WalkingNetwork, u: int, v: int) -> list[int]:
    """Node ids along a shortest walk from ``u`` to ``v``, both included.

    Parameters
    ----------
    net : WalkingNetwork
    u, v : int
        Node ids of ``net``. ``u == v`` gives ``[u]``.

    Returns
    -------
    list of int
        ``[u, …, v]``. Consecutive ids are joined by an edge of ``net.edges``
        (look the pair up with ``min``/``max`` as ``u < v`` there).

    Raises
    ------
    GeoInputError
        If ``u`` or ``v`` is not a node, or no walking path joins them (they lie in
        different components: snap with :func:`snap_points`, which uses the largest).
    """
    from scipy.sparse.csgraph import dijkstra  # loaded on first use

    pu, pv = _positions(net, [u, v], "(u, v)")
    if pu == pv:
        return [int(net._node_ids[pu])]
    dist, pred = dijkstra(net._graph, directed=True, indices=int(pu), return_predecessors=True)
    if not np.isfinite(dist[pv]):
        raise GeoInputError(
            f"no walking path from node {u} to node {v}: they lie in different connected "
            "components; snap points with snap_points (largest component only)"
        )
    path = [int(pv)]
    while path[-1] != pu:
        path.append(int(pred[path[-1]]))
    return [int(net._node_ids[k]) for k in reversed(path)]


# --------------------------------------------------------------------------- line files

#: GeoDanmark road classes (``VEJKLASSE``) a pair does not walk along; the rest (local
#: roads, distributor roads, driveways, paths) they do.
UNWALKABLE_CLASSES = frozenset({"motorvej", "motortrafikvej"})
_CLASS_FIELDS = ("VEJKLASSE", "vejklasse", "highway")


def read_line_network(path: str | Path, *, snap_tolerance_m: float = 0.05
                      ) -> tuple[WalkingNetwork, pd.DataFrame]:
    """A walking network from a line file: GeoDanmark road centrelines (*vejmidter*) or
    any GeoJSON/GeoPackage/Shapefile of walkable lines, in any projected CRS.

    Lines meet where their end points meet (within ``snap_tolerance_m``): GeoDanmark
    centrelines are split at every junction (*knude*), so end points are the network's
    topology; every vertex is kept as a node so entrances snap to the road at their door.
    Motorways (``VEJKLASSE`` ``Motorvej``/``Motortrafikvej``) are left out.

    Returns the network (EPSG:25832) and the features not used, one row each in the
    register's problem format (``file, row, field, value, reason, message, kept``):
    ``geometry_missing``, ``not_a_line``, ``not_walkable``. Raises :class:`GeoInputError`
    when the file can't be read, has no CRS, or holds no usable line.
    """

    p = Path(path)
    gdf = read_vector(p, "network file")
    if gdf.crs.to_epsg() != 25832:
        gdf = gdf.to_crs(WORK_CRS)
    cls_field = next((c for c in _CLASS_FIELDS if c in gdf.columns), None)
    problems: list[dict] = []
    lines: list[np.ndarray] = []
    kinds: list[str] = []
    for i, geom in enumerate(gdf.geometry):
        row = i + 1
        cls = str(gdf[cls_field].iloc[i]) if cls_field and gdf[cls_field].iloc[i] is not None else "line"
        if geom is None or geom.is_empty:
            problems.append({"file": p.name, "row": row, "field": "geometry", "value": "",
                             "reason": "geometry_missing", "message": f"feature {row} has no geometry; skipped",
                             "kept": False})
            continue
        if geom.geom_type not in ("LineString", "MultiLineString"):
            problems.append({"file": p.name, "row": row, "field": "geometry", "value": geom.geom_type,
                             "reason": "not_a_line", "message": f"feature {row} is a {geom.geom_type}, not a line; "
                             "skipped", "kept": False})
            continue
        if cls.strip().lower() in UNWALKABLE_CLASSES:
            problems.append({"file": p.name, "row": row, "field": cls_field, "value": cls,
                             "reason": "not_walkable", "message": f"feature {row}: {cls} is not walked; skipped",
                             "kept": False})
            continue
        for part in getattr(geom, "geoms", [geom]):
            xy = shapely.get_coordinates(part)
            if len(xy) >= 2:
                lines.append(xy)
                kinds.append(cls)
    if not lines:
        raise GeoInputError(f"network file {p} holds no usable line ({len(problems)} feature(s) skipped)")
    # one node per distinct (rounded) vertex: shared end points join lines into a network
    allxy = np.concatenate(lines)
    key = np.round(allxy / snap_tolerance_m).astype(np.int64)
    uniq, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    node_xy = allxy[first]
    # one edge per pair of consecutive vertices of a line (never across two lines); each edge
    # is the straight segment between its nodes, which is from_frames' default geometry
    counts = np.array([len(xy) for xy in lines])
    last = np.cumsum(counts) - 1
    a = np.setdiff1d(np.arange(len(allxy) - 1), last[:-1])
    u, v = inverse[a], inverse[a + 1]
    keep = u != v
    u, v = u[keep], v[keep]
    seg_kind = np.repeat(np.array(kinds, dtype=object), counts - 1)[keep]
    nodes = pd.DataFrame({"node_id": np.arange(len(uniq), dtype=np.int64),
                          "x": node_xy[:, 0], "y": node_xy[:, 1]})
    edges = pd.DataFrame({"u": u, "v": v, "length_m": np.hypot(*(node_xy[v] - node_xy[u]).T),
                          "highway": seg_kind})
    net = WalkingNetwork.from_frames(nodes, edges)
    used = np.unique(np.concatenate([net.edges["u"].to_numpy(), net.edges["v"].to_numpy()]))
    if len(used) < net.n_nodes:
        net = WalkingNetwork.from_frames(net.nodes[net.nodes["node_id"].isin(used)], net.edges)
    return net, pd.DataFrame(problems, columns=["file", "row", "field", "value", "reason", "message", "kept"])
