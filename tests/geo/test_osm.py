"""Reading OpenStreetMap files: entrances and the walking network (geo.osm).

Real data: ``tests/data/samsoe_nordby.osm(.pbf)``, cut from the Samsø extract by
``tests/data/make_osm_fixture.py``, and the whole ``data/samsoe/samsoe.osm.pbf``.
Hand-built cases: tiny ``.osm`` files written in ``tmp_path`` with coordinates chosen
in EPSG:25832, so lengths and points can be checked by hand (OSM stores 1e-7 degrees,
so coordinates come back within about a centimetre).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo.crs import xy_to_lonlat
from geo.errors import GeoInputError
from geo.network import component_labels, largest_component, shortest_path
from geo.osm import ENTRANCE_COLUMNS, is_walkable, read_osm_entrances, read_osm_walking_network

ROOT = Path(__file__).resolve().parents[2]
NORDBY_XML = ROOT / "tests" / "data" / "samsoe_nordby.osm"
NORDBY_PBF = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"
SAMSOE_PBF = ROOT / "data" / "samsoe" / "samsoe.osm.pbf"

X0, Y0 = 600_000.0, 6_200_000.0  # origin of hand-built files: central Samsø, EPSG:25832
CM = 0.02  # metres: what 1e-7 degree rounding may move a point


def write_osm(
    path: Path, nodes: dict, ways: dict | None = None, relations: dict | None = None
) -> Path:
    """Write a tiny OSM XML file.

    ``nodes``: id -> (dx, dy) or (dx, dy, tags), metres east/north of (X0, Y0).
    ``ways``: id -> (node ids, tags). ``relations``: id -> (members [(type, ref, role)], tags).
    """

    def tags_xml(tags: dict) -> str:
        return "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="opspor-tests">',
    ]
    for nid, spec in sorted(nodes.items()):
        dx, dy, *rest = spec
        lon, lat = xy_to_lonlat(np.array([X0 + dx]), np.array([Y0 + dy]))
        tags = rest[0] if rest else {}
        lines.append(
            f'<node id="{nid}" lat="{lat[0]:.7f}" lon="{lon[0]:.7f}">{tags_xml(tags)}</node>'
        )
    for wid, (refs, tags) in sorted((ways or {}).items()):
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        lines.append(f'<way id="{wid}">{nds}{tags_xml(tags)}</way>')
    for rid, (members, tags) in sorted((relations or {}).items()):
        mem = "".join(f'<member type="{t}" ref="{r}" role="{role}"/>' for t, r, role in members)
        lines.append(f'<relation id="{rid}">{mem}{tags_xml(tags)}</relation>')
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


ADDR = {"addr:street": "Nordby Hovedgade", "addr:postcode": "8305", "addr:city": "Samsø"}


def _row(df: pd.DataFrame, ref: str) -> pd.Series:
    rows = df[df["osm_ref"] == ref]
    assert len(rows) == 1, f"{ref} not found once in {df['osm_ref'].tolist()}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- real fixture


@pytest.fixture(scope="module")
def nordby_entrances() -> pd.DataFrame:
    return read_osm_entrances(NORDBY_PBF)


def test_fixture__is_small_and_both_formats_exist():
    assert NORDBY_PBF.stat().st_size < 300_000
    assert NORDBY_XML.stat().st_size < 300_000


def test_read_osm_entrances__xml_and_pbf_give_identical_frames(nordby_entrances):
    from_xml = read_osm_entrances(NORDBY_XML)
    pd.testing.assert_frame_equal(from_xml, nordby_entrances)
    assert len(from_xml) > 200


def test_read_osm_entrances__columns_dtypes_and_order(nordby_entrances):
    df = nordby_entrances
    assert list(df.columns) == ENTRANCE_COLUMNS
    assert df["x"].dtype == "float64" and df["y"].dtype == "float64"
    assert df["osm_ref"].is_unique
    ids = df["osm_ref"].str.split("/").str[1].astype("int64")
    assert ids.is_monotonic_increasing  # all nodes here, so numeric id order
    assert isinstance(df.index, pd.RangeIndex)


def test_read_osm_entrances__real_node_address_nordby_hovedgade_1(nordby_entrances):
    row = _row(nordby_entrances, "node/341931394")
    assert (row.street, row.house_number, row.postcode, row.city) == (
        "Nordby Hovedgade",
        "1",
        "8305",
        "Samsø",
    )
    # osak:identifier carried as the DAR id (lower-case UUID)
    assert row.entrance_id == "0a3f5095-39b9-32b8-e044-0003ba298018"
    # node at 10.5530790 E, 55.9624350 N; the shipped register says 596951.65, 6202988.xx
    assert row.x == pytest.approx(596_951.65, abs=0.01)
    assert 6_202_980 < row.y < 6_203_000


def test_read_osm_entrances__addr_place_used_when_no_street(tmp_path):
    f = write_osm(
        tmp_path / "a.osm", {1: (0, 0, {"addr:place": "Langør", "addr:housenumber": "7"})}
    )
    row = _row(read_osm_entrances(f), "node/1")
    assert (row.street, row.house_number, row.postcode, row.city) == ("Langør", "7", None, None)


def test_read_osm_entrances__street_wins_over_place_in_real_data(nordby_entrances):
    # Hjortgyde 1 carries both addr:street=Hjortgyde and addr:place=Nordby
    hjort = nordby_entrances[nordby_entrances["street"] == "Hjortgyde"]
    assert set(hjort["house_number"]) >= {"1", "2", "3"}
    assert "Nordby" not in set(nordby_entrances["street"])


# --------------------------------------------------------------------------- hand-built entrances


@pytest.fixture
def addressed_file(tmp_path) -> Path:
    """One addressed element of every kind, with hand-checkable geometry."""
    nodes = {
        # a plain address point; upper-case DAR id must come out lower-case
        1: (
            0,
            0,
            {
                **ADDR,
                "addr:housenumber": "1",
                "osak:identifier": "0A3F5095-39B9-32B8-E044-0003BA298018",
            },
        ),
        # not a UUID: kept, with entrance_id None
        2: (5, 0, {**ADDR, "addr:housenumber": "2", "osak:identifier": "not-a-uuid"}),
        # no street and no place: not an entrance
        3: (10, 0, {"addr:housenumber": "3"}),
        # no house number: not an entrance
        4: (15, 0, {"addr:street": "Nordby Hovedgade"}),
        # U-shaped building (centroid in the notch, outside the walls): 101-108
        101: (100, 0),
        102: (130, 0),
        103: (130, 30),
        104: (120, 30),
        105: (120, 10),
        106: (110, 10),
        107: (110, 30),
        108: (100, 30),
        # an open way (a row of garages drawn as a line), 200..240 m east
        201: (200, 0),
        202: (240, 0),
        # multipolygon with a hole where its centre is: outer 301-304, inner 311-314
        301: (300, 0),
        302: (340, 0),
        303: (340, 40),
        304: (300, 40),
        311: (310, 10),
        312: (330, 10),
        313: (330, 30),
        314: (310, 30),
        # a type=site relation with an address: no geometry of its own, skipped
        401: (400, 0, {"amenity": "bench"}),
    }
    ways = {
        10: (
            [101, 102, 103, 104, 105, 106, 107, 108, 101],
            {"building": "house", **ADDR, "addr:housenumber": "10"},
        ),
        11: ([201, 202], {"building": "garages", **ADDR, "addr:housenumber": "11"}),
        20: ([301, 302, 303, 304, 301], {}),
        21: ([311, 312, 313, 314, 311], {}),
    }
    relations = {
        30: (
            [("way", 20, "outer"), ("way", 21, "inner")],
            {
                "type": "multipolygon",
                "building": "yes",
                **ADDR,
                "addr:housenumber": "30",
                "osak:identifier": "0a3f5095-39ba-32b8-e044-0003ba298018",
            },
        ),
        40: ([("node", 401, "")], {"type": "site", **ADDR, "addr:housenumber": "40"}),
    }
    return write_osm(tmp_path / "addressed.osm", nodes, ways, relations)


def test_read_osm_entrances__node_way_and_relation_addresses_found(addressed_file):
    df = read_osm_entrances(addressed_file)
    assert df["osm_ref"].tolist() == ["node/1", "node/2", "way/10", "way/11", "relation/30"]
    assert df["house_number"].tolist() == ["1", "2", "10", "11", "30"]


def test_read_osm_entrances__osak_identifier_lowercased_and_invalid_dropped(addressed_file):
    df = read_osm_entrances(addressed_file).set_index("osm_ref")
    assert df.loc["node/1", "entrance_id"] == "0a3f5095-39b9-32b8-e044-0003ba298018"
    assert df.loc["node/2", "entrance_id"] is None
    assert df.loc["way/10", "entrance_id"] is None
    assert df.loc["relation/30", "entrance_id"] == "0a3f5095-39ba-32b8-e044-0003ba298018"


def test_read_osm_entrances__node_point_is_its_location(addressed_file):
    row = _row(read_osm_entrances(addressed_file), "node/1")
    assert row.x == pytest.approx(X0, abs=CM) and row.y == pytest.approx(Y0, abs=CM)


def test_read_osm_entrances__building_way_point_inside_u_shape_not_centroid(addressed_file):
    row = _row(read_osm_entrances(addressed_file), "way/10")
    u_shape = Polygon(
        [(100, 0), (130, 0), (130, 30), (120, 30), (120, 10), (110, 10), (110, 30), (100, 30)]
    )
    p = Point(row.x - X0, row.y - Y0)
    assert u_shape.buffer(-0.05).contains(p)
    assert not u_shape.contains(u_shape.centroid)  # the centroid would be in the notch


def test_read_osm_entrances__open_way_point_is_halfway_along(addressed_file):
    row = _row(read_osm_entrances(addressed_file), "way/11")
    assert row.x == pytest.approx(X0 + 220, abs=CM) and row.y == pytest.approx(Y0, abs=CM)


def test_read_osm_entrances__multipolygon_point_avoids_the_hole(addressed_file):
    row = _row(read_osm_entrances(addressed_file), "relation/30")
    outer = Polygon([(300, 0), (340, 0), (340, 40), (300, 40)])
    hole = Polygon([(310, 10), (330, 10), (330, 30), (310, 30)])
    p = Point(row.x - X0, row.y - Y0)
    assert outer.difference(hole).buffer(-0.05).contains(p)


def test_read_osm_entrances__closed_way_without_osmium_area_uses_its_ring(tmp_path):
    # area=no: osmium builds no area, the reader falls back to the ring's own polygon
    nodes = {1: (0, 0), 2: (20, 0), 3: (20, 20), 4: (0, 20)}
    ways = {
        10: ([1, 2, 3, 4, 1], {"building": "yes", "area": "no", **ADDR, "addr:housenumber": "5"})
    }
    row = _row(read_osm_entrances(write_osm(tmp_path / "area_no.osm", nodes, ways)), "way/10")
    assert row.x == pytest.approx(X0 + 10, abs=CM) and row.y == pytest.approx(Y0 + 10, abs=CM)


def test_read_osm_entrances__no_addresses_gives_empty_frame_with_columns(tmp_path):
    f = write_osm(tmp_path / "empty.osm", {1: (0, 0, {"amenity": "bench"})})
    df = read_osm_entrances(f)
    assert df.empty and list(df.columns) == ENTRANCE_COLUMNS


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("reader", [read_osm_entrances, read_osm_walking_network])
def test_readers__missing_file_names_the_path(tmp_path, reader):
    missing = tmp_path / "nowhere" / "samsoe.osm.pbf"
    with pytest.raises(GeoInputError, match=r"nowhere/samsoe\.osm\.pbf does not exist"):
        reader(missing)


@pytest.mark.parametrize("reader", [read_osm_entrances, read_osm_walking_network])
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.osm.pbf", b"this is not a PBF file" * 10),
        ("broken.osm", b"<osm><node id='1'"),
        ("notes.txt", b"hello"),
    ],
)
def test_readers__unreadable_file_names_the_file(tmp_path, reader, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(GeoInputError, match=rf"{name}.*can't be read by osmium"):
        reader(f)


def test_readers__directory_is_refused(tmp_path):
    with pytest.raises(GeoInputError, match="is not a file"):
        read_osm_walking_network(tmp_path)


# --------------------------------------------------------------------------- walkable filter


@pytest.mark.parametrize(
    ("tags", "walkable"),
    [
        ({"highway": "footway"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "cycleway"}, True),
        ({"highway": "service", "service": "driveway"}, True),
        ({"highway": "primary_link"}, True),
        ({"highway": "motorway"}, False),
        ({"highway": "motorway_link"}, False),
        ({"highway": "trunk"}, False),
        ({"highway": "proposed"}, False),
        ({"highway": "construction"}, False),
        ({"highway": "bus_stop"}, False),
        ({"highway": "platform"}, False),
        ({"building": "yes"}, False),
        ({"highway": "residential", "foot": "no"}, False),
        ({"highway": "service", "service": "private"}, False),
        ({"highway": "track", "access": "private"}, False),
        ({"highway": "track", "access": "no"}, False),
        ({"highway": "track", "access": "private", "foot": "yes"}, True),
        ({"highway": "track", "access": "no", "foot": "designated"}, True),
        ({"highway": "track", "access": "agricultural"}, True),
        ({"highway": "pedestrian", "area": "yes"}, False),
    ],
)
def test_is_walkable__osmnx_walk_semantics(tags, walkable):
    assert is_walkable(tags) is walkable


# --------------------------------------------------------------------------- hand-built network


@pytest.fixture
def tiny_network_file(tmp_path) -> Path:
    """Hand-checkable: 1-2-3 residential, 3-4-5 footway; excluded shortcuts 2-5 and 1-5.

              5 ------ 4      y = 100
            / |        |
          /   |        |
        1 --- 2 ------ 3      y = 0

    Coordinates (metres from the origin): 1 (0, 0), 2 (100, 0), 3 (200, 0),
    4 (200, 100), 5 (100, 100). Walkable: way 10 1-2-3 (200 m), way 11 3-4-5 (200 m).
    Not walkable: way 12 motorway 2-5 (100 m), way 13 residential foot=no 1-5 (~141 m).
    So node 2 is *not* an intersection (its other way is a motorway) and the walk
    1 → 5 is 400 m via 3, not 200 m via 2 or 141 m direct.
    """
    nodes = {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (200, 100), 5: (100, 100)}
    ways = {
        10: ([1, 2, 3], {"highway": "residential", "name": "Testvej"}),
        11: ([3, 4, 5], {"highway": "footway"}),
        12: ([2, 5], {"highway": "motorway"}),
        13: ([1, 5], {"highway": "residential", "foot": "no"}),
    }
    return write_osm(tmp_path / "tiny.osm", nodes, ways)


def test_read_osm_walking_network__motorway_and_foot_no_excluded(tiny_network_file):
    net = read_osm_walking_network(tiny_network_file)
    assert net.nodes["node_id"].tolist() == [1, 3, 5]
    assert net.edges[["u", "v", "highway"]].values.tolist() == [
        [1, 3, "residential"],
        [3, 5, "footway"],
    ]
    assert net.edges["length_m"].tolist() == pytest.approx([200.0, 200.0], abs=CM)


def test_read_osm_walking_network__node_coordinates_in_epsg25832(tiny_network_file):
    net = read_osm_walking_network(tiny_network_file)
    got = net.nodes.set_index("node_id")[["x", "y"]]
    assert got.loc[5].tolist() == pytest.approx([X0 + 100, Y0 + 100], abs=CM)


def test_read_osm_walking_network__edge_geometry_runs_u_to_v_through_way_nodes(tiny_network_file):
    net = read_osm_walking_network(tiny_network_file)
    line = shapely.from_wkb(net.edges.loc[net.edges["u"] == 3, "geometry_wkb"].iloc[0])
    coords = np.asarray(line.coords) - [X0, Y0]
    np.testing.assert_allclose(coords, [[200, 0], [200, 100], [100, 100]], atol=CM)


def test_read_osm_walking_network__shortest_path_by_hand(tiny_network_file):
    net = read_osm_walking_network(tiny_network_file)
    assert shortest_path(net, 1, 5) == [1, 3, 5]
    assert shortest_path(net, 5, 1) == [5, 3, 1]


def test_read_osm_walking_network__simplify_false_keeps_every_way_node(tiny_network_file):
    net = read_osm_walking_network(tiny_network_file, simplify=False)
    assert net.nodes["node_id"].tolist() == [1, 2, 3, 4, 5]
    assert net.n_edges == 4
    assert net.edges["length_m"].sum() == pytest.approx(400.0, abs=CM)
    assert shortest_path(net, 1, 5) == [1, 2, 3, 4, 5]


def test_read_osm_walking_network__closed_loop_split_parallel_kept_shortest(tmp_path):
    # A cul-de-sac loop 2-3-4-5-2 hanging off road 1-2 (30 x 20 m rectangle) and two
    # ways joining 1 and 6: a straight 100 m path and a 140 m dog-leg track.
    nodes = {1: (0, 0), 2: (10, 0), 3: (40, 0), 4: (40, 20), 5: (10, 20), 6: (100, 0), 7: (50, -40)}
    ways = {
        10: ([1, 2], {"highway": "residential"}),
        11: ([2, 3, 4, 5, 2], {"highway": "residential"}),
        12: ([1, 6], {"highway": "path"}),
        13: ([1, 7, 6], {"highway": "track"}),
        14: ([6, 6], {"highway": "footway"}),  # zero-length self-loop: dropped
    }
    net = read_osm_walking_network(write_osm(tmp_path / "loop.osm", nodes, ways))
    # the loop 2 → 2 is split at its middle node (4): 2-3-4 (50 m) and 4-5-2 (50 m),
    # which are parallel edges 2–4; one is kept
    assert (net.edges["u"] < net.edges["v"]).all()
    pairs = net.edges[["u", "v"]].values.tolist()
    assert pairs == [[1, 2], [1, 6], [2, 4]]
    lengths = dict(zip(map(tuple, pairs), net.edges["length_m"], strict=True))
    assert lengths[(2, 4)] == pytest.approx(50.0, abs=CM)
    # of the two ways 1–6 the shorter (the straight path) is kept
    assert lengths[(1, 6)] == pytest.approx(100.0, abs=CM)
    assert net.edges.set_index(["u", "v"]).loc[(1, 6), "highway"] == "path"


def test_read_osm_walking_network__missing_way_node_splits_the_way(tmp_path):
    # way 10 refers to node 3, which is not in the file (a clipped extract)
    nodes = {1: (0, 0), 2: (50, 0), 4: (150, 0), 5: (200, 0)}
    ways = {10: ([1, 2, 3, 4, 5], {"highway": "residential"})}
    net = read_osm_walking_network(write_osm(tmp_path / "clipped.osm", nodes, ways))
    assert net.edges[["u", "v"]].values.tolist() == [[1, 2], [4, 5]]
    assert component_labels(net).max() + 1 == 2


def test_read_osm_walking_network__no_walkable_ways_gives_empty_network(tmp_path):
    f = write_osm(
        tmp_path / "motorway.osm", {1: (0, 0), 2: (100, 0)}, {10: ([1, 2], {"highway": "motorway"})}
    )
    net = read_osm_walking_network(f)
    assert (net.n_nodes, net.n_edges) == (0, 0)


# --------------------------------------------------------------------------- real network


def test_read_osm_walking_network__xml_and_pbf_give_identical_networks():
    a = read_osm_walking_network(NORDBY_XML)
    b = read_osm_walking_network(NORDBY_PBF)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert a.n_nodes > 50 and a.n_edges > 50


def test_read_osm_walking_network__real_edges_lengths_match_their_geometry():
    net = read_osm_walking_network(NORDBY_PBF)
    lines = shapely.from_wkb(net.edges["geometry_wkb"].to_numpy())
    np.testing.assert_allclose(shapely.length(lines), net.edges["length_m"], atol=1e-6)
    xy = net.nodes.set_index("node_id")[["x", "y"]]
    starts = shapely.get_coordinates(shapely.get_point(lines, 0))
    ends = shapely.get_coordinates(shapely.get_point(lines, -1))
    np.testing.assert_array_equal(starts, xy.loc[net.edges["u"]].to_numpy())
    np.testing.assert_array_equal(ends, xy.loc[net.edges["v"]].to_numpy())
    assert net.edges.duplicated(["u", "v"]).sum() == 0
    assert set(net.edges["highway"]) <= {
        "residential",
        "service",
        "unclassified",
        "tertiary",
        "path",
        "track",
        "footway",
    }


# --------------------------------------------------------------------------- whole Samsø


@pytest.fixture(scope="module")
def samsoe_entrances() -> pd.DataFrame:
    return read_osm_entrances(SAMSOE_PBF)


def test_samsoe__entrance_count_and_dar_ids(samsoe_entrances):
    df = samsoe_entrances
    assert 4_500 <= len(df) <= 4_700
    assert df["entrance_id"].notna().sum() >= 4_550
    assert df["osm_ref"].is_unique


def test_samsoe__entrances_agree_with_the_shipped_address_register(samsoe_entrances):
    reg = pd.read_csv(ROOT / "data" / "samsoe" / "samsoe_osm_addresses.csv", dtype=str)
    reg["osm_ref"] = "node/" + reg["osm_node_id"]
    got = samsoe_entrances.merge(reg, on="osm_ref", how="inner")
    assert len(got) == len(reg)
    expected_ids = (
        got["osak_identifier"]
        .str.lower()
        .astype(object)
        .where(got["osak_identifier"].notna(), None)
    )
    assert got["entrance_id"].tolist() == expected_ids.tolist()
    np.testing.assert_allclose(got["x"], got["x_25832"].astype(float), atol=0.01)
    np.testing.assert_allclose(got["y"], got["y_25832"].astype(float), atol=0.01)


def test_samsoe__walking_network_topology():
    net = read_osm_walking_network(SAMSOE_PBF)
    labels = component_labels(net)
    # intersections and way ends only; simplify=False keeps every way node (below)
    assert 3_000 < net.n_nodes < 3_500
    assert labels.max() + 1 == 10  # as pyrosm's network (field notes)
    assert largest_component(net).n_nodes > 0.95 * net.n_nodes


def test_samsoe__walking_network_every_way_node_over_5000():
    net = read_osm_walking_network(SAMSOE_PBF, simplify=False)
    assert net.n_nodes > 5_000
    assert component_labels(net).max() + 1 == 10
