"""Area layers and Det Danske Kvadratnet cells."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo import areas
from geo.errors import GeoInputError

ROOT = Path(__file__).resolve().parents[2]


def test_ddkn_cell_ids__match_the_shipped_register_cells():
    df = pd.read_csv(ROOT / "data" / "samsoe" / "samsoe_osm_addresses.csv")
    assert (areas.ddkn_cell_ids(df.x_25832, df.y_25832, size_m=100) == df.ddkn_100m).all()
    assert (areas.ddkn_cell_ids(df.x_25832, df.y_25832, size_m=1000) == df.ddkn_1km).all()


def test_ddkn_cell_ids__250m_in_ten_metre_units():
    assert list(areas.ddkn_cell_ids([575_499.9, 575_500.0], [6_223_800.0, 6_223_750.0], size_m=250)) == [
        "250m_622375_57525", "250m_622375_57550"]


def test_ddkn_cell_ids__bad_size():
    with pytest.raises(GeoInputError, match="'size_m' parameter must be 100, 250 or 1000. Got 50"):
        areas.ddkn_cell_ids([0], [0], size_m=50)


@pytest.mark.parametrize("cell", ["100m_61669_7288", "250m_622375_57550", "1km_6166_728"])
def test_cell_polygon__round_trip(cell):
    poly = areas.cell_polygon(cell)
    c = poly.centroid
    size = {"100m": 100, "250m": 250, "1km": 1000}[cell.split("_")[0]]
    assert areas.ddkn_cell_ids([c.x], [c.y], size_m=size)[0] == cell
    assert poly.area == size * size


def test_read_area_layer__samsoe_parishes_in_metres():
    gdf = areas.read_area_layer(ROOT / "data" / "samsoe" / "samsoe_sogne.geojson")
    assert gdf.crs.to_epsg() == 25832
    assert sorted(gdf["name"]) == sorted(["Tranebjerg", "Onsbjerg", "Nordby", "Besser", "Kolby"])
    assert gdf["area_id"].str.fullmatch(r"\d{4}").all()
    assert 100e6 < gdf.area.sum() < 130e6  # Samsø is ~114 km²


def test_read_area_layer__non_polygon_feature_named(tmp_path):
    gdf = gpd.GeoDataFrame({"area_id": ["a", "b"]}, geometry=[box(0, 0, 1, 1), LineString([(0, 0), (1, 1)])],
                           crs=25832)
    f = tmp_path / "bad.geojson"
    gdf.to_file(f)
    with pytest.raises(GeoInputError, match=r"feature 2 \(area_id='b'\): geometry is LineString"):
        areas.read_area_layer(f)


def test_read_area_layer__repeated_id_named(tmp_path):
    gdf = gpd.GeoDataFrame({"area_id": ["a", "a"]}, geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)], crs=25832)
    f = tmp_path / "dup.gpkg"
    gdf.to_file(f)
    with pytest.raises(GeoInputError, match="id 'a' repeats"):
        areas.read_area_layer(f)


def test_read_area_layer__no_id_field_says_fix(tmp_path):
    gdf = gpd.GeoDataFrame({"foo": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=25832)
    f = tmp_path / "noid.geojson"
    gdf.to_file(f)
    with pytest.raises(GeoInputError, match="has no id field"):
        areas.read_area_layer(f)


def test_majority_municipality__samsoe_points():
    df = pd.read_csv(ROOT / "data" / "samsoe" / "samsoe_osm_addresses.csv").head(200)
    assert areas.majority_municipality(df.x_25832.to_numpy(), df.y_25832.to_numpy()) == "0741"


def test_assign_areas__point_outside_every_area_is_none():
    a = gpd.GeoDataFrame({"area_id": ["x"], "name": ["x"]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    got = areas.assign_areas(np.array([5.0, 50.0]), np.array([5.0, 50.0]), a)
    assert list(got) == ["x", None]
    assert Point(5, 5).within(a.geometry.iloc[0])


def test_assign_areas__a_point_on_a_shared_boundary_goes_to_the_lowest_id_in_any_layer_order():
    # two parishes sharing the edge x = 10; a point on it, one on the outer edge, one inside each
    left, right = box(0, 0, 10, 10), box(10, 0, 20, 10)
    x, y = np.array([10.0, 0.0, 5.0, 15.0]), np.array([5.0, 5.0, 5.0, 5.0])
    for ids, geoms in ((["b", "a"], [right, left]), (["a", "b"], [left, right])):
        a = gpd.GeoDataFrame({"area_id": ids, "name": ids}, geometry=geoms, crs=25832)
        # "a" is the left square: the shared edge goes to "a", the outer edge is not lost
        assert list(areas.assign_areas(x, y, a)) == ["a", "a", "a", "b"]
