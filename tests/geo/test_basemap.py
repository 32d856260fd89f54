"""The offline base layer (geo.basemap): encoding, road classes, merging and simplification,
built-up cells, labels, the payload's size and safety, and drawing it on a folium map."""

from __future__ import annotations

import json
import re
from datetime import date

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, box

from geo.basemap import (
    BASEMAP_ATTRIBUTION,
    BaseLayers,
    BaseMapOptions,
    TileService,
    add_base_map,
    build_base_layers,
    built_cell_size,
    built_up,
    decode_polyline,
    encode_polyline,
    merged_roads,
    naive_geojson,
    place_labels,
    road_class,
    street_labels,
)
from geo.crs import WORK_CRS

X0, Y0 = 590_000.0, 6_190_000.0  # Samsø, EPSG:25832


def _edges(rows: list[tuple[str, list[tuple[float, float]]]], crs: str = WORK_CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"highway": [h for h, _ in rows]},
                            geometry=[LineString([(X0 + x, Y0 + y) for x, y in c]) for _, c in rows], crs=crs)


def _boundary() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[box(X0 - 1000, Y0 - 1000, X0 + 3000, Y0 + 3000)], crs=WORK_CRS)


def _payload(layers: BaseLayers) -> dict:
    return json.loads(layers.payload)


# --- encoding -------------------------------------------------------------------------------


def test_encode_polyline__matches_the_reference_example():
    # Google's documented example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453)
    lonlat = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert encode_polyline(lonlat) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_decode_polyline__round_trips_to_a_metre():
    rng = np.random.default_rng(7)
    lonlat = np.column_stack([rng.uniform(8, 13, 200), rng.uniform(54.5, 57.8, 200)])
    back = decode_polyline(encode_polyline(lonlat))
    assert back.shape == lonlat.shape
    assert np.abs(back - lonlat).max() <= 0.5e-5 + 1e-12


def test_encode_polyline__empty_is_empty():
    assert encode_polyline(np.zeros((0, 2))) == ""


# --- roads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("highway", "cls"), [("tertiary", "major"), ("secondary", "major"),
                                              ("residential", "minor"), ("unclassified", "minor"),
                                              ("service", "track"), ("track", "track"),
                                              ("footway", "path"), ("steps", "path"),
                                              ("something_new", "track"), ("", "track")])
def test_road_class__of_highway_values(highway, cls):
    assert road_class(highway) == cls


def test_merged_roads__collinear_segments_merge_and_simplify_to_one_line():
    # four 2-point segments of one road, nearly straight (0.5 m wiggle): one line of 2 vertices
    e = _edges([("residential", [(0, 0), (100, 0.5)]), ("residential", [(100, 0.5), (200, 0)]),
                ("residential", [(200, 0), (300, 0.4)]), ("residential", [(300, 0.4), (400, 0)]),
                ("footway", [(0, 50), (50, 50)])])
    out = merged_roads(e, tolerance_m=3.0)
    assert set(out) == {"minor", "path"}
    parts = shapely.get_parts(out["minor"])
    assert len(parts) == 1
    assert len(shapely.get_coordinates(parts[0])) == 2


def test_merged_roads__a_bend_larger_than_the_tolerance_is_kept():
    e = _edges([("tertiary", [(0, 0), (100, 20)]), ("tertiary", [(100, 20), (200, 0)])])
    coords = shapely.get_coordinates(merged_roads(e, tolerance_m=3.0)["major"])
    assert len(coords) == 3


def test_merged_roads__wrong_crs_is_refused():
    e = _edges([("residential", [(0, 0), (1, 1)])], crs="EPSG:4326")
    with pytest.raises(ValueError, match="network edges"):
        merged_roads(e, tolerance_m=3.0)


# --- built-up areas and labels -------------------------------------------------------------


def test_built_up__adjacent_cells_make_one_polygon_and_far_ones_two():
    pts = pd.DataFrame({"x": [X0 + 10, X0 + 60, X0 + 2010], "y": [Y0 + 10, Y0 + 20, Y0 + 10]})
    geom = built_up(pts, cell_m=50.0, tolerance_m=1.0)
    parts = shapely.get_parts(geom)
    assert len(parts) == 2
    assert sorted(round(p.area / 2500) for p in parts) == [1, 2]


def test_built_up__a_city_of_scattered_blocks_is_one_polygon_per_block_each_softened():
    """Per-polygon softening (issue 18: the whole multi-polygon at once took minutes on a city)
    gives each block its own polygon covering its cells, and nothing where no cell is."""
    rng = np.random.default_rng(1)
    blocks = [(X0 + 1000 * i, Y0 + 1000 * j) for i in range(6) for j in range(6)]
    pts = pd.DataFrame([(bx + rng.uniform(0, 200), by + rng.uniform(0, 200)) for bx, by in blocks for _ in range(40)],
                       columns=["x", "y"])
    geom = built_up(pts, cell_m=50.0, tolerance_m=2.0)
    parts = shapely.get_parts(geom)
    assert len(parts) == len(blocks)
    assert all(p.is_valid and p.geom_type == "Polygon" for p in parts)
    assert shapely.contains_xy(geom.buffer(1.0), pts["x"], pts["y"]).all()  # every point's cell is drawn
    for bx, by in blocks:  # and nothing beyond a cell of the block
        assert geom.intersection(box(bx - 60, by - 60, bx + 260, by + 260)).area == pytest.approx(
            geom.intersection(box(bx - 700, by - 700, bx + 700, by + 700)).area)


def test_built_cell_size__doubles_until_the_cells_fit():
    pts = pd.DataFrame({"x": X0 + np.arange(1000) * 60.0, "y": np.full(1000, Y0)})  # 1,000 cells of 50 m
    assert built_cell_size(pts, cell_m=50.0, max_cells=1000) == 50.0
    assert built_cell_size(pts, cell_m=50.0, max_cells=999) == 100.0
    assert built_cell_size(pts, cell_m=50.0, max_cells=300) == 200.0  # 60 km in 200 m cells
    assert built_cell_size(pts, cell_m=50.0, max_cells=299) == 400.0
    assert built_cell_size(pts.iloc[:0], cell_m=50.0, max_cells=1) == 50.0


def test_street_labels__one_grouped_pass_equals_the_loop_per_street():
    rng = np.random.default_rng(7)
    names = [f"Vej {i}" for i in range(40)]
    s = pd.DataFrame({"street": rng.choice(names, 2000), "x": rng.uniform(0, 5000, 2000).round(0),
                      "y": rng.uniform(0, 5000, 2000).round(0)}, index=rng.permutation(2000) + 10)
    want = []
    sizes = s.groupby("street").size().sort_values(ascending=False, kind="stable")
    for name in sizes.index[:25]:
        g = s[s["street"] == name][["x", "y"]].to_numpy(float)
        x, y = g[np.argmin(((g - np.median(g, axis=0)) ** 2).sum(axis=1))]
        want.append((name, float(x), float(y)))
    assert street_labels(s, limit=25) == want


def test_built_up__no_points_is_empty():
    assert built_up(pd.DataFrame({"x": [], "y": []}), cell_m=50.0, tolerance_m=1.0).is_empty


def test_place_labels__at_the_densest_cell_ranked_by_points():
    areas = gpd.GeoDataFrame({"name": ["Vest", "Øst", "Tom"]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                                       box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)], crs=WORK_CRS)
    # Vest: a village of 5 near (800, 800) and one farm at (100, 100); Øst: 2 houses
    xs = [800, 805, 810, 815, 820, 100, 1500, 1510]
    ys = [800, 805, 810, 815, 820, 100, 500, 505]
    pts = pd.DataFrame({"x": np.array(xs) + X0, "y": np.array(ys) + Y0})
    labels = place_labels(areas, pts, cell_m=50.0, limit=10)
    assert [(n, r) for n, _, _, r in labels] == [("Vest", 1), ("Øst", 2), ("Tom", 3)]
    name, x, y, _ = labels[0]
    assert abs(x - (X0 + 810)) < 1 and abs(y - (Y0 + 810)) < 1
    assert len(place_labels(areas, pts, cell_m=50.0, limit=1)) == 1


def test_street_labels__one_per_street_most_entrances_first():
    s = pd.DataFrame({"street": ["Langgade"] * 3 + ["Kirkevej"] * 2 + [""],
                      "x": [X0, X0 + 100, X0 + 200, X0 + 500, X0 + 520, X0],
                      "y": [Y0, Y0, Y0, Y0, Y0, Y0]})
    out = street_labels(s, limit=10)
    assert [n for n, _, _ in out] == ["Langgade", "Kirkevej"]
    assert out[0][1:] == (X0 + 100, Y0)  # an entrance of the street, at its middle
    assert len(street_labels(s, limit=1)) == 1


# --- the whole layer -------------------------------------------------------------------------


def test_build_base_layers__parts_sizes_and_bounds():
    e = _edges([("tertiary", [(0, 0), (1000, 0)]), ("residential", [(0, 100), (500, 100)]),
                ("track", [(0, 200), (500, 200)]), ("path", [(0, 300), (500, 300)])])
    pts = pd.DataFrame({"street": ["Langgade", "Langgade"], "x": [X0 + 10, X0 + 30], "y": [Y0 + 10, Y0 + 30]})
    areas = gpd.GeoDataFrame({"name": ["Byen"]}, geometry=[box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)],
                             crs=WORK_CRS)
    layers = build_base_layers(boundary=_boundary(), edges=e, points=pts, areas=areas, streets=pts)
    p = _payload(layers)
    assert set(p["roads"]) == {"major", "minor", "track", "path"}
    assert [x[0] for x in p["places"]] == ["Byen"] and p["places"][0][3] == 1
    assert [x[0] for x in p["streets"]] == ["Langgade"]
    assert len(p["land"]) == 1 and len(p["built"]) == 1
    w, s, e_, n = layers.bounds
    assert 10.4 < w < e_ < 10.8 and 55.7 < s < n < 56.0
    assert p["bounds"] == [[s, w], [n, e_]]
    sizes = dict(layers.sizes)
    assert set(sizes) >= {"land", "built", "places", "streets", "roads.major", "roads.path"}
    assert sum(sizes.values()) < layers.size_bytes < 2_000
    # the land ring decodes back to the boundary's corners (≈ 1 m)
    ring = decode_polyline(p["land"][0][0])
    assert ring.shape == (5, 2)


def test_build_base_layers__an_empty_workspace_has_no_bounds():
    layers = build_base_layers(boundary=gpd.GeoDataFrame(geometry=[], crs=WORK_CRS))
    assert layers.bounds is None
    assert _payload(layers) == {"v": 1, "roads": {}, "places": [], "streets": []}


def test_build_base_layers__names_cannot_break_out_of_the_script_or_the_template():
    evil = "</script><img src=x onerror=alert(1)>{{ 7*7 }}{% x %}&"
    pts = pd.DataFrame({"street": [evil], "x": [X0], "y": [Y0]})
    layers = build_base_layers(boundary=_boundary(), streets=pts, points=pts)
    for bad in ("<", ">", "{{", "{%", "{#", "&", "\u2028"):
        assert bad not in layers.payload
    assert _payload(layers)["streets"][0][0] == evil  # JSON gives the text back unchanged


def test_base_map_options__reject_non_positive_values():
    with pytest.raises(ValueError, match=r"The 'road_tolerance_m' parameter of BaseMapOptions must be > 0\. Got 0"):
        BaseMapOptions(road_tolerance_m=0)
    with pytest.raises(ValueError, match="max_places"):
        BaseMapOptions(max_places=-1)


# --- drawing -------------------------------------------------------------------------------


def _render(m: folium.Map) -> str:
    return m.get_root().render()


def test_add_base_map__renders_a_pane_below_the_overlays_with_one_line_attribution():
    e = _edges([("tertiary", [(0, 0), (1000, 0)])])
    layers = build_base_layers(boundary=_boundary(), edges=e)
    m = folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)
    assert layers.add_to(m) is m
    html = _render(m)
    assert "createPane(name)" in html and "'opsporBase', 150" in html
    assert "pointerEvents = 'none'" in html
    assert json.dumps(BASEMAP_ATTRIBUTION)[1:-1] in html
    assert "white-space: nowrap" in html  # the attribution stays on one line
    assert "L.tileLayer" not in html  # offline by default
    assert not re.search(r"https?://(?!www\.w3\.org)", html.split("<body>", 1)[1].replace(
        "https://cdn.jsdelivr.net", "").replace("https://code.jquery.com", "").replace(
        "https://netdna.bootstrapcdn.com", "").replace("https://cdnjs.cloudflare.com", ""))


def test_add_base_map__a_published_layer_is_fetched_from_the_apps_host_not_embedded():
    e = _edges([("tertiary", [(0, 0), (1000, 0)])])
    layers = build_base_layers(boundary=_boundary(), edges=e)
    embedded = _render(layers.add_to(folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)))
    published = layers.with_url("/app/static/basemap/abc123.json")
    html = _render(published.add_to(folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)))
    road = json.loads(layers.payload)["roads"]["major"][0]
    assert road[:12] in embedded and road[:12] not in html
    assert 'fetch("/app/static/basemap/abc123.json"' in html and "fetch(" not in embedded
    assert published.with_tiles(None).url == published.url  # the URL survives the tile setting
    for bad in ("https://evil.example/x.json", "//evil.example/x.json", "/x.json\"><script>", "x.json"):
        with pytest.raises(ValueError, match="own host"):
            layers.with_url(bad)


def test_add_base_map__wraps_fit_bounds_first_and_is_idempotent():
    layers = build_base_layers(boundary=_boundary())
    m = folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)
    m.fit_bounds([[55.8, 10.5], [56.0, 10.7]])  # a page's fit before the base map is added
    add_base_map(m, layers)
    add_base_map(m, layers)
    keys = list(m._children)
    assert keys[0] == "opspor_keep_fit"
    assert keys.count("opspor_base_map") == 1 and keys.count("opspor_keep_fit") == 1
    html = _render(m)
    assert html.index("map.fitBounds = function") < html.index("fitBounds(\n")


def test_add_base_map__none_adds_nothing():
    m = folium.Map(tiles=None)
    before = list(m._children)
    assert add_base_map(m, None) is m
    assert list(m._children) == before


def test_add_base_map__a_configured_tile_service_is_drawn_above():
    tiles = TileService(url="https://tiles.example.dk/{z}/{x}/{y}.png", attribution="© Kommunen")
    layers = build_base_layers(boundary=_boundary()).with_tiles(tiles)
    html = _render(add_base_map(folium.Map(tiles=None), layers))
    assert "L.tileLayer(\"https://tiles.example.dk/{z}/{x}/{y}.png\"" in html
    assert "\\u00a9 Kommunen" in html


@pytest.mark.parametrize("url", ["http://tiles.example.dk/{z}/{x}/{y}.png", "https://tiles.example.dk/wmts",
                                 "https://x.dk/{z}/{x}/{y}\"><script>"])
def test_tile_service__refuses_urls_that_are_not_https_templates(url):
    with pytest.raises(ValueError, match="OPSPOR_TILE_URL"):
        TileService(url=url)


# --- the Samsø demo through the repository -----------------------------------------------------


def test_samsoe_base_map__small_classed_and_cached(demo_db, monkeypatch):
    from detection.repository import Repository

    monkeypatch.delenv("OPSPOR_TILE_URL", raising=False)
    r = Repository.open(str(demo_db), "analytiker")  # a role that may not see addresses
    layers = r.base_map_layers()
    assert layers.tiles is None
    assert r.base_map_layers() is not None
    p = _payload(layers)
    counts = dict(layers.counts)
    assert set(p["roads"]) == {"major", "minor", "track", "path"}
    # simplified: far fewer vertices than the stored network's 2 per edge (17,634 edges)
    assert sum(v for k, v in counts.items() if k.startswith("vertices.")) < 15_000
    assert 50_000 < layers.size_bytes < 250_000, layers.sizes  # issue 18: ≤ 2 MB per map
    assert {x[0] for x in p["places"]} >= {"Tranebjerg", "Nordby"}
    assert len(p["streets"]) > 100
    w, s, e, n = layers.bounds
    assert 10.45 < w < 10.6 and 10.7 < e < 10.85 and 55.7 < s < 55.8 and 55.95 < n < 56.05
    # the naive GeoJSON of every edge is several times larger
    edges = gpd.GeoDataFrame({"highway": ["x"]}, geometry=[LineString([(X0, Y0), (X0 + 1, Y0)])], crs=WORK_CRS)
    assert naive_geojson(boundary=_boundary(), edges=edges).startswith("{")


def test_samsoe_base_map__tile_service_from_the_environment(demo_db, monkeypatch):
    from detection.repository import Repository

    r = Repository.open(str(demo_db), "planner")
    monkeypatch.setenv("OPSPOR_TILE_URL", "https://tiles.example.dk/{z}/{x}/{y}.png")
    monkeypatch.setenv("OPSPOR_TILE_ATTRIBUTION", "© Eksempel")
    layers = r.base_map_layers()
    assert layers.tiles == TileService("https://tiles.example.dk/{z}/{x}/{y}.png", "© Eksempel")
    monkeypatch.setenv("OPSPOR_TILE_URL", "ftp://nope")
    with pytest.raises(ValueError, match="https"):
        r.base_map_layers()


def test_samsoe_base_map__an_import_of_reports_does_not_rebuild_it(demo_db, tmp_path, monkeypatch):
    """The base map holds no report: it is kept per register, so a new data version (an
    import) reuses it — on a city a rebuild takes minutes — while a new register rebuilds."""
    import sqlite3

    from detection.repository import Repository

    monkeypatch.delenv("OPSPOR_TILE_URL", raising=False)
    db = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    from detection.repository import workspace

    builds = []
    real = workspace.build_base_layers
    monkeypatch.setattr(workspace, "build_base_layers", lambda **kw: builds.append(1) or real(**kw))
    planner = Repository.open(str(db), "planner")
    before_version = planner.data_version()
    planner.base_map_layers()
    assert builds == [1]
    e = planner.entrances().iloc[0]
    out = planner.import_signals(f"Dato;Type;Adresse;Kilde\n01.10.2026;naboklage;{e['street']} {e['house_number']}, "
                                 f"{e['postcode']} {e['city']};Test\n".encode(), file_name="t.csv",
                                 as_of=date(2026, 11, 1), allow_in_demo=True)
    assert out["imported"] == 1 and planner.data_version() != before_version
    planner.base_map_layers()
    assert builds == [1]  # not rebuilt
