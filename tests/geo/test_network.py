"""Graph functions on the walking network (geo.network).

Hand-built networks (``WalkingNetwork.from_frames``) for numbers checkable by hand;
the real Nordby fixture (``tests/data/samsoe_nordby.osm.pbf``) for consistency checks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

from geo.errors import GeoInputError
from geo.network import (
    EDGE_COLUMNS,
    WalkingNetwork,
    component_labels,
    distance_matrix_m,
    largest_component,
    shortest_path,
    snap_points,
    walking_matrix,
)
from geo.osm import read_osm_walking_network

ROOT = Path(__file__).resolve().parents[2]
NORDBY_PBF = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"
X0, Y0 = 600_000.0, 6_200_000.0


def _net(nodes: dict[int, tuple[float, float]], edges: list[tuple]) -> WalkingNetwork:
    """nodes: id -> (dx, dy) metres from (X0, Y0); edges: (u, v, length_m[, highway])."""
    n = pd.DataFrame(
        {
            "node_id": list(nodes),
            "x": [X0 + p[0] for p in nodes.values()],
            "y": [Y0 + p[1] for p in nodes.values()],
        }
    )
    e = pd.DataFrame([e[:3] for e in edges], columns=["u", "v", "length_m"])
    if any(len(t) > 3 for t in edges):
        e["highway"] = [t[3] if len(t) > 3 else None for t in edges]
    return WalkingNetwork.from_frames(n, e)


@pytest.fixture
def two_pieces() -> WalkingNetwork:
    """A 3-4-5 triangle of streets (nodes 1, 2, 3) and an isolated 10 m path (8–9).

        3              (0, 400)
        | \\
        |   \\  500 m
        |     \\
        1 ---- 2       (0, 0), (300, 0)          8 -- 9   (1000, 0), (1010, 0)
    """
    return _net(
        {1: (0, 0), 2: (300, 0), 3: (0, 400), 8: (1000, 0), 9: (1010, 0)},
        [(1, 2, 300.0), (2, 3, 500.0), (1, 3, 400.0), (8, 9, 10.0)],
    )


# --------------------------------------------------------------------------- construction


def test_from_frames__edge_with_unknown_node_is_named():
    nodes = pd.DataFrame({"node_id": [1, 2], "x": [0.0, 1.0], "y": [0.0, 0.0]})
    edges = pd.DataFrame({"u": [1, 2], "v": [2, 99], "length_m": [1.0, 5.0]}, index=[10, 11])
    with pytest.raises(
        GeoInputError,
        match=r"edge 11 \(u=2, v=99\): node 99 not in nodes; "
        r"add the missing nodes",
    ):
        WalkingNetwork.from_frames(nodes, edges)


def test_from_frames__missing_column_says_what_was_expected():
    nodes = pd.DataFrame({"id": [1], "x": [0.0], "y": [0.0]})
    edges = pd.DataFrame({"u": [], "v": [], "length_m": []})
    with pytest.raises(GeoInputError, match=r"nodes lacks column\(s\) \['node_id'\]"):
        WalkingNetwork.from_frames(nodes, edges)


def test_from_frames__duplicate_node_id_refused():
    nodes = pd.DataFrame({"node_id": [1, 1], "x": [0.0, 1.0], "y": [0.0, 0.0]})
    edges = pd.DataFrame({"u": [], "v": [], "length_m": []})
    with pytest.raises(GeoInputError, match="node_id 1 appear"):
        WalkingNetwork.from_frames(nodes, edges)


def test_from_frames__negative_length_refused():
    nodes = pd.DataFrame({"node_id": [1, 2], "x": [0.0, 1.0], "y": [0.0, 0.0]})
    edges = pd.DataFrame({"u": [1], "v": [2], "length_m": [-1.0]})
    with pytest.raises(GeoInputError, match=r"edge 0 \(length_m=-1.0\).*metres ≥ 0"):
        WalkingNetwork.from_frames(nodes, edges)


def test_from_frames__turns_edges_round_drops_loops_keeps_shortest_parallel():
    nodes = pd.DataFrame({"node_id": [3, 1, 2], "x": [X0 + 20, X0, X0 + 10], "y": [Y0] * 3})
    geom = shapely.to_wkb(LineString([(X0 + 10, Y0), (X0 + 5, Y0 + 1), (X0, Y0)]))
    edges = pd.DataFrame(
        {
            "u": [2, 1, 1, 3],
            "v": [1, 2, 1, 2],
            "length_m": [10.2, 12.0, 7.0, 10.0],
            "highway": ["footway", "residential", "path", None],
            "geometry_wkb": [geom, None, None, None],
        }
    )
    before = edges.copy()
    net = WalkingNetwork.from_frames(nodes, edges)
    pd.testing.assert_frame_equal(edges, before)  # input not changed
    assert net.nodes["node_id"].tolist() == [1, 2, 3]
    assert list(net.edges.columns) == EDGE_COLUMNS
    assert net.edges[["u", "v", "length_m", "highway"]].values.tolist() == [
        [1, 2, 10.2, "footway"],
        [2, 3, 10.0, "unknown"],
    ]
    kept = shapely.from_wkb(net.edges["geometry_wkb"].iloc[0])
    assert list(kept.coords) == [(X0, Y0), (X0 + 5, Y0 + 1), (X0 + 10, Y0)]  # reversed: u → v
    straight = shapely.from_wkb(net.edges["geometry_wkb"].iloc[1])
    assert list(straight.coords) == [(X0 + 10, Y0), (X0 + 20, Y0)]


def test_from_frames__geometry_that_is_not_wkb_refused():
    nodes = pd.DataFrame({"node_id": [1, 2], "x": [0.0, 1.0], "y": [0.0, 0.0]})
    edges = pd.DataFrame({"u": [1], "v": [2], "length_m": [1.0], "geometry_wkb": [b"oops"]})
    with pytest.raises(GeoInputError, match="'geometry_wkb' holds a value that is not WKB"):
        WalkingNetwork.from_frames(nodes, edges)


def test_walking_network__direct_construction_checks_invariants():
    nodes = pd.DataFrame(
        {"node_id": np.array([1, 2], dtype="int64"), "x": [0.0, 1.0], "y": [0.0, 0.0]}
    )
    edges = pd.DataFrame(
        {
            "u": np.array([2], dtype="int64"),
            "v": np.array([1], dtype="int64"),
            "length_m": [1.0],
            "highway": ["path"],
            "geometry_wkb": [b""],
        }
    )
    with pytest.raises(GeoInputError, match="u < v.*WalkingNetwork.from_frames"):
        WalkingNetwork(nodes, edges)


def test_walking_network__sizes_and_repr(two_pieces):
    assert (two_pieces.n_nodes, two_pieces.n_edges) == (5, 4)
    assert repr(two_pieces) == "WalkingNetwork(n_nodes=5, n_edges=4)"


# --------------------------------------------------------------------------- components


def test_component_labels__largest_is_zero(two_pieces):
    labels = component_labels(two_pieces)
    assert labels.to_dict() == {1: 0, 2: 0, 3: 0, 8: 1, 9: 1}


def test_largest_component__drops_isolated_piece(two_pieces):
    big = largest_component(two_pieces)
    assert big.nodes["node_id"].tolist() == [1, 2, 3]
    assert big.edges[["u", "v"]].values.tolist() == [[1, 2], [1, 3], [2, 3]]
    assert two_pieces.n_nodes == 5  # the input is unchanged


def test_component_labels__zero_length_edge_connects():
    # two OSM nodes at the same spot joined by a 0 m edge must be one component
    net = _net({1: (0, 0), 2: (0, 0), 3: (50, 0)}, [(1, 2, 0.0), (2, 3, 50.0)])
    assert component_labels(net).nunique() == 1
    assert distance_matrix_m(net, [1, 3]).tolist() == [[0.0, 50.0], [50.0, 0.0]]


# --------------------------------------------------------------------------- snapping


def test_snap_points__goes_to_largest_component_not_nearest_piece(two_pieces):
    # (1004, 3) is 5 m from node 8 (isolated piece) but must snap to node 2 (triangle)
    x = pd.Series([X0 + 1004, X0 + 3, X0 + 3], index=["door-a", "door-b", "door-c"])
    y = pd.Series([Y0 + 3, Y0 + 4, Y0 + 396])
    got = snap_points(two_pieces, x, y)
    assert got.index.tolist() == ["door-a", "door-b", "door-c"]
    assert got["node_id"].tolist() == [2, 1, 3]
    np.testing.assert_allclose(got["snap_m"], [np.hypot(704, 3), 5.0, 5.0])


def test_snap_points__non_finite_point_is_listed(two_pieces):
    with pytest.raises(GeoInputError, match=r"point 1 \(x=nan, y=6200000.0\): not a finite"):
        snap_points(two_pieces, [X0, np.nan], [Y0, Y0])


def test_snap_points__degrees_refused_with_the_fix(two_pieces):
    with pytest.raises(GeoInputError, match="longitude/latitude.*geo.crs.lonlat_to_xy"):
        snap_points(two_pieces, [10.55], [55.96])


def test_snap_points__no_points_gives_empty_frame(two_pieces):
    got = snap_points(two_pieces, [], [])
    assert got.empty and list(got.columns) == ["node_id", "snap_m"]


# --------------------------------------------------------------------------- distances


def test_distance_matrix_m__by_hand_with_unreachable_as_inf(two_pieces):
    d = distance_matrix_m(two_pieces, [1, 2, 3, 9, 1])
    expected = np.array(
        [
            [0, 300, 400, np.inf, 0],
            [300, 0, 500, np.inf, 300],
            [400, 500, 0, np.inf, 400],
            [np.inf, np.inf, np.inf, 0, np.inf],
            [0, 300, 400, np.inf, 0],
        ]
    )
    np.testing.assert_array_equal(d, expected)


def test_walking_matrix__seconds_are_metres_over_speed(two_pieces):
    s = walking_matrix(two_pieces, [1, 2, 3])
    m = distance_matrix_m(two_pieces, [1, 2, 3])
    np.testing.assert_allclose(s, m / (4.5 / 3.6))
    assert s[0, 1] == pytest.approx(240.0)  # 300 m at 1.25 m/s
    assert walking_matrix(two_pieces, [1, 3], speed_kmh=3.6)[0, 1] == pytest.approx(400.0)


@pytest.mark.parametrize("speed", [0, -1.0, float("nan"), "4.5", True])
def test_walking_matrix__bad_speed_says_what_is_expected(two_pieces, speed):
    with pytest.raises(GeoInputError, match="The 'speed_kmh' parameter of walking_matrix must be"):
        walking_matrix(two_pieces, [1, 2], speed_kmh=speed)


def test_distance_matrix_m__unknown_node_listed(two_pieces):
    with pytest.raises(GeoInputError, match=r"node_ids\[1\] = 77: not a node.*snap_points"):
        distance_matrix_m(two_pieces, [1, 77])


def test_shortest_path__by_hand(two_pieces):
    assert shortest_path(two_pieces, 2, 3) == [2, 3]  # 500 m direct beats 700 m via 1
    assert shortest_path(two_pieces, 3, 3) == [3]


def test_shortest_path__takes_the_detour_when_shorter():
    # 1–2 direct is 900 m; via 3 it is 300 + 400 = 700 m
    net = _net(
        {1: (0, 0), 2: (500, 0), 3: (250, 100)}, [(1, 2, 900.0), (1, 3, 300.0), (2, 3, 400.0)]
    )
    assert shortest_path(net, 1, 2) == [1, 3, 2]


def test_shortest_path__different_components_raises_with_the_fix(two_pieces):
    with pytest.raises(GeoInputError, match="no walking path from node 1 to node 9.*snap_points"):
        shortest_path(two_pieces, 1, 9)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def nordby() -> WalkingNetwork:
    return read_osm_walking_network(NORDBY_PBF)


def test_nordby__path_length_equals_matrix_distance(nordby):
    ids = nordby.nodes["node_id"].to_numpy()[[0, len(nordby.nodes) // 2, -1]]
    d = distance_matrix_m(nordby, ids)
    np.testing.assert_allclose(d, d.T)
    lengths = nordby.edges.set_index(["u", "v"])["length_m"]
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            path = shortest_path(nordby, int(a), int(b))
            walked = sum(
                lengths[(min(p, q), max(p, q))] for p, q in zip(path, path[1:], strict=False)
            )
            assert walked == pytest.approx(d[i, j])


def test_nordby__walk_is_never_shorter_than_straight_line(nordby):
    ids = nordby.nodes["node_id"].to_numpy()
    d = distance_matrix_m(nordby, ids)
    xy = nordby.nodes[["x", "y"]].to_numpy()
    straight = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    finite = np.isfinite(d)
    assert finite.all()  # the fixture's network is one piece
    assert (d[finite] >= straight[finite] - 1e-6).all()


def test_nordby__snapped_real_addresses_are_near_the_street(nordby):
    from geo.osm import read_osm_entrances

    ent = read_osm_entrances(NORDBY_PBF)
    snapped = snap_points(nordby, ent["x"], ent["y"])
    assert snapped["node_id"].isin(largest_component(nordby).nodes["node_id"]).all()
    assert snapped["snap_m"].median() < 100


# --- line files (GeoDanmark vejmidter) ------------------------------------------------------


def _line_file(tmp_path: Path, features: list[dict], crs: str = "EPSG:25832") -> Path:
    import json

    path = tmp_path / "vejmidter.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}},
                                "features": features}))
    return path


def _feat(geometry: dict, klass: str = "Lokalvej-Tertiær") -> dict:
    return {"type": "Feature", "properties": {"VEJKLASSE": klass}, "geometry": geometry}


def test_read_line_network__a_t_junction_by_hand(tmp_path):
    """Three centrelines meeting at (600100, 6190000): a T. A motorway and a point are
    reported and left out. The walk from the west end to the top of the T is 100 + 80 m."""
    from geo.network import read_line_network

    x0, y0 = 600_000.0, 6_190_000.0
    feats = [
        _feat({"type": "LineString", "coordinates": [[x0, y0], [x0 + 50, y0], [x0 + 100, y0]]}),
        _feat({"type": "LineString", "coordinates": [[x0 + 100, y0], [x0 + 200, y0]]}, "Lokalvej-Primær"),
        _feat({"type": "LineString", "coordinates": [[x0 + 100, y0 + 80], [x0 + 100.01, y0]]}, "Hovedsti"),
        _feat({"type": "LineString", "coordinates": [[x0, y0 + 500], [x0 + 900, y0 + 500]]}, "Motorvej"),
        _feat({"type": "Point", "coordinates": [x0, y0]}),
    ]
    net, problems = read_line_network(_line_file(tmp_path, feats))
    # the T's 4 ends + the middle vertex of the first line; the junction within 5 cm is one node
    assert net.n_nodes == 5 and net.n_edges == 4
    assert net.edges["length_m"].sum() == pytest.approx(100 + 100 + 80, abs=0.02)
    assert problems[["row", "reason"]].values.tolist() == [[4, "not_walkable"], [5, "not_a_line"]]
    assert "Motorvej is not walked" in problems["message"].iloc[0]
    xy = net.nodes.set_index("node_id")
    west = int(xy.index[(xy["x"] == x0) & (xy["y"] == y0)][0])
    top = int(xy.index[xy["y"] == y0 + 80][0])
    d = distance_matrix_m(net, [west, top])
    assert d[0, 1] == pytest.approx(180.0, abs=0.02)


def test_read_line_network__lonlat_file_is_projected_and_bad_files_named(tmp_path):
    from geo.network import read_line_network

    lon, lat = 10.59, 55.83
    path = _line_file(tmp_path, [_feat({"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat]]})],
                      crs="EPSG:4326")
    net, _ = read_line_network(path)
    assert 590_000 < net.nodes["x"].min() < 610_000
    assert net.edges["length_m"].iloc[0] == pytest.approx(626, abs=5)  # 0.01° of longitude at 55.83° N
    with pytest.raises(GeoInputError, match="does not exist"):
        read_line_network(tmp_path / "nope.geojson")
    (tmp_path / "bad.geojson").write_text("not json")
    with pytest.raises(GeoInputError, match="bad.geojson"):
        read_line_network(tmp_path / "bad.geojson")
    only_points = _line_file(tmp_path, [_feat({"type": "Point", "coordinates": [600_000, 6_190_000]})])
    with pytest.raises(GeoInputError, match="no usable line"):
        read_line_network(only_points)


def test_read_line_network__odense_geodanmark_centrelines_lose_nothing():
    import geopandas as gpd

    from geo.network import read_line_network

    path = ROOT / "data" / "odense" / "odense_vejmidter_geodanmark.geojson"
    net, problems = read_line_network(path)
    assert problems.empty
    # every metre is in the network (vertices within 5 cm are one node: millimetres move)
    assert net.edges["length_m"].sum() == pytest.approx(gpd.read_file(path).length.sum(), abs=0.05)
    big = largest_component(net)
    assert big.n_nodes > 5_000
