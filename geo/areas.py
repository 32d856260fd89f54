"""Planning areas: polygon layers (parishes, districts …) and Det Danske Kvadratnet cells.

DDKN cell names follow Danmarks Statistik, named from the cell's lower-left corner in
EPSG:25832 metres: ``100m_{N//100}_{E//100}``, ``250m_{(N//250)*25}_{(E//250)*25}``
(in 10 m units, e.g. ``250m_622375_57550``) and ``1km_{N//1000}_{E//1000}``.
Cell ids are computed by integer division (field-notes: 1M points in ~1.6 s), never by a
polygon join.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors
from shapely.geometry import box

from geo.crs import WORK_CRS, in_denmark, to_work_crs
from geo.errors import GeoInputError

GRID_LAYERS: dict[str, int] = {"grid100": 100, "grid250": 250, "grid1km": 1000}
"""Grid layer name → cell side in metres."""

_ID_FIELDS = ("area_id", "SOGNEKODE", "KOMKODE", "id", "ID", "kode", "KODE", "code")
_NAME_FIELDS = ("name", "SOGNENAVN", "KOMNAVN", "navn", "NAVN", "Name", "NAME")

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MUNICIPALITIES_FILE = DATA_DIR / "denmark" / "kommuner_dagi500k_2014.geojson"


def ddkn_cell_ids(x: np.ndarray, y: np.ndarray, *, size_m: int) -> np.ndarray:
    """DDKN cell name for each EPSG:25832 point.

    Parameters
    ----------
    x, y : array-like
        Easting and northing in metres (EPSG:25832).
    size_m : {100, 250, 1000}
        Cell side in metres.

    Examples
    --------
    >>> list(ddkn_cell_ids([728838.86], [6166977.63], size_m=100))
    ['100m_61669_7288']
    >>> list(ddkn_cell_ids([575500.0], [6223800.0], size_m=250))
    ['250m_622375_57550']
    >>> list(ddkn_cell_ids([728838.86], [6166977.63], size_m=1000))
    ['1km_6166_728']
    """
    xe = np.floor(np.asarray(x, dtype=float)).astype(np.int64)
    yn = np.floor(np.asarray(y, dtype=float)).astype(np.int64)
    if size_m == 100:
        prefix, n, e = "100m", yn // 100, xe // 100
    elif size_m == 250:
        prefix, n, e = "250m", (yn // 250) * 25, (xe // 250) * 25
    elif size_m == 1000:
        prefix, n, e = "1km", yn // 1000, xe // 1000
    else:
        raise GeoInputError(f"The 'size_m' parameter must be 100, 250 or 1000. Got {size_m!r} instead.")
    return (prefix + "_" + pd.Series(n).astype(str) + "_" + pd.Series(e).astype(str)).to_numpy()


def cell_polygon(cell_id: str):
    """The square of one DDKN cell id, in EPSG:25832.

    >>> cell_polygon("100m_61669_7288").bounds
    (728800.0, 6166900.0, 728900.0, 6167000.0)
    """
    size, x0, y0 = _cell_origin(cell_id)
    return box(x0, y0, x0 + size, y0 + size)


def cell_centres(cell_ids) -> np.ndarray:
    """``(n, 2)`` centres (x, y, EPSG:25832) of DDKN cell ids, without building the squares
    (a shapely box per cell cost ~1.4 s for a city's 16,000 cells).

    >>> cell_centres(["100m_61669_7288", "1km_6166_728"]).tolist()
    [[728850.0, 6166950.0], [728500.0, 6166500.0]]
    """
    out = np.empty((len(cell_ids), 2), dtype=float)
    for i, c in enumerate(cell_ids):
        size, x0, y0 = _cell_origin(c)
        out[i] = (x0 + size / 2, y0 + size / 2)
    return out


def _cell_origin(cell_id: str) -> tuple[int, int, int]:
    try:
        prefix, n, e = cell_id.split("_")
        n_i, e_i = int(n), int(e)
    except ValueError as exc:
        raise GeoInputError(f"{cell_id!r} is not a DDKN cell id (e.g. '100m_61669_7288')") from exc
    if prefix == "100m":
        size, y0, x0 = 100, n_i * 100, e_i * 100
    elif prefix == "250m":
        size, y0, x0 = 250, n_i * 10, e_i * 10
    elif prefix == "1km":
        size, y0, x0 = 1000, n_i * 1000, e_i * 1000
    else:
        raise GeoInputError(f"{cell_id!r} is not a DDKN cell id: prefix must be 100m, 250m or 1km")
    return size, x0, y0


def grid_layer(x: np.ndarray, y: np.ndarray, *, layer: str) -> gpd.GeoDataFrame:
    """The cells of a grid layer that hold at least one of the points, as polygons.

    Returns a GeoDataFrame (EPSG:25832) with ``area_id``, ``name`` (= id) and ``geometry``,
    sorted by id.
    """
    if layer not in GRID_LAYERS:
        raise GeoInputError(f"grid layer must be one of {', '.join(GRID_LAYERS)}; got {layer!r}")
    ids = np.unique(ddkn_cell_ids(x, y, size_m=GRID_LAYERS[layer]))
    return gpd.GeoDataFrame({"area_id": ids, "name": ids},
                            geometry=[cell_polygon(c) for c in ids], crs=WORK_CRS)


def read_vector(source: str | Path | bytes, what: str, *, file_name: str | None = None,
                suffix: str | None = None) -> gpd.GeoDataFrame:
    """A GeoJSON/GeoPackage/Shapefile (a path, or the bytes of an upload with its
    ``file_name``; ``suffix`` names the format when the name does not) in its own CRS, or a :class:`GeoInputError` naming ``what`` and the file:
    missing, unreadable, or no CRS.

    The one CRS policy for every file Opspor reads: a file must say its CRS. GeoJSON
    always does, because RFC 7946 fixes it to WGS84 when the file names none (GDAL reports
    EPSG:4326 for it); a GeoPackage or Shapefile without a CRS is refused rather than
    guessed, because guessing WGS84 for metre coordinates puts the data off the map.
    """
    if isinstance(source, bytes | bytearray):
        name = file_name or "upload"
        # a temporary file with the upload's own extension, so GDAL picks the driver by it
        with tempfile.NamedTemporaryFile(suffix=suffix or Path(name).suffix.lower() or ".geojson") as tmp:
            tmp.write(bytes(source))
            tmp.flush()
            try:
                gdf = gpd.read_file(tmp.name)
            except Exception as exc:  # pyogrio raises several types; all mean "not a vector file"
                why = str(exc).replace(tmp.name, name)
                raise GeoInputError(f"{what} {name} can't be read as GeoJSON/GeoPackage: {why}") from exc
    else:
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise GeoInputError(f"{what} {path} does not exist; check the path")
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types; all mean "not a vector file"
            raise GeoInputError(f"{what} {path} can't be read as GeoJSON/GeoPackage/Shapefile: {exc}") from exc
    if gdf.crs is None:
        raise GeoInputError(f"{what} {name} has no CRS; save it with its CRS (e.g. EPSG:25832)")
    return gdf


def _in_work_crs(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:25832, or a :class:`GeoInputError` when a geometry's coordinates are
    not finite numbers (NaN, infinite, or too large to transform) or lie outside Denmark."""
    try:
        out = to_work_crs(gdf, what=what)
    except GeoInputError:
        raise
    except Exception as exc:  # pyproj/shapely refuse absurd coordinates in several ways
        raise GeoInputError(f"{what}: its coordinates can't be transformed to EPSG:25832 ({exc}); "
                            "check the file's CRS and coordinates") from exc
    geoms = out.geometry.to_numpy()
    present = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    with np.errstate(invalid="ignore"):
        coords = shapely.get_coordinates(geoms[present]) if present.any() else np.empty((0, 2))
    if not np.isfinite(coords).all():
        raise GeoInputError(f"{what}: some coordinates are not finite numbers (NaN, infinite or too "
                            "large for its CRS); fix the geometry or the CRS the file names")
    if len(coords):
        x0, y0 = coords.min(axis=0)
        x1, y1 = coords.max(axis=0)
        if not in_denmark(x0, y0, x1, y1):
            ext = ",".join(f"{v:.0f}" if abs(v) < 1e9 else f"{v:.3g}" for v in (x0, y0, x1, y1))
            raise GeoInputError(f"{what} reaches outside Denmark (EPSG:25832 extent {ext}); "
                                "check that the file names its true CRS and holds Danish areas")
    return out


def read_polygon(source: str | Path | bytes, what: str, *, file_name: str | None = None):  # noqa: ANN201
    """The union of the polygons in a vector file (see :func:`read_vector`), in EPSG:25832,
    or a :class:`GeoInputError` when the file holds no polygon, or coordinates that are not
    finite or lie outside Denmark."""
    label = f"{what} {file_name or ('upload' if isinstance(source, bytes | bytearray) else source)}"
    gdf = read_vector(source, what, file_name=file_name)
    gdf = gdf[[g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")
               for g in gdf.geometry]]
    if gdf.empty:
        raise GeoInputError(f"{label} holds no polygon; draw or export the area as a Polygon")
    polys = shapely.make_valid(_in_work_crs(gdf, label).geometry.to_numpy())
    try:
        return shapely.union_all(polys)
    except shapely.errors.GEOSException as exc:
        raise GeoInputError(f"{label}: its polygons can't be combined ({exc}); repair them in QGIS") from exc


def read_area_layer(path: str | Path, *, id_field: str | None = None,
                    name_field: str | None = None, require_id: bool = True) -> gpd.GeoDataFrame:
    """Read planning-area polygons (GeoJSON, GeoPackage, Shapefile) into EPSG:25832.

    The id field is ``id_field`` or the first of ``area_id, SOGNEKODE, KOMKODE, id, kode``
    present; the name field likewise (``name, SOGNENAVN, KOMNAVN, navn``). Invalid
    polygons are repaired with ``shapely.make_valid``. A feature without polygon geometry,
    without an id, or repeating an id is an error naming the feature.

    Returns
    -------
    GeoDataFrame with ``area_id`` (str), ``name`` (str) and ``geometry`` (Polygon or
    MultiPolygon, EPSG:25832).
    """
    path = Path(path)
    gdf = read_vector(path, "area file")
    if gdf.empty:
        raise GeoInputError(f"area file {path} holds no feature; expected Polygon or MultiPolygon features")
    idf = id_field or next((c for c in _ID_FIELDS if c in gdf.columns), None)
    if idf is None and not require_id:
        gdf = gdf.assign(area_id=[f"feature-{i + 1}" for i in range(len(gdf))])
        idf = "area_id"
    if idf is None or idf not in gdf.columns:
        raise GeoInputError(
            f"area file {path} has no id field; expected one of {', '.join(_ID_FIELDS)} "
            f"(got {', '.join(c for c in gdf.columns if c != 'geometry')}); name it with LAYER=FILE and an id field"
        )
    nmf = name_field or next((c for c in _NAME_FIELDS if c in gdf.columns), idf)
    errors: list[str] = []
    seen: set[str] = set()
    for i, (aid, geom) in enumerate(zip(gdf[idf], gdf.geometry, strict=True)):
        feat = f"feature {i + 1} ({idf}={aid!r})"
        if aid is None or (isinstance(aid, float) and np.isnan(aid)) or str(aid).strip() == "":
            errors.append(f"{feat}: field {idf!r} is empty; every area needs an id")
        elif str(aid) in seen:
            errors.append(f"{feat}: id {aid!r} repeats an earlier feature; ids must be unique")
        seen.add(str(aid))
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            gt = None if geom is None else geom.geom_type
            errors.append(f"{feat}: geometry is {gt}, expected Polygon or MultiPolygon")
    if errors:
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise GeoInputError(f"area file {path}: " + "; ".join(errors[:10]) + more)
    out = _in_work_crs(gdf, f"area file {path}")
    try:
        geoms = shapely.make_valid(out.geometry.to_numpy())
    except shapely.errors.GEOSException as exc:
        raise GeoInputError(f"area file {path}: its polygons can't be repaired ({exc}); "
                            "repair them in QGIS (Fix geometries)") from exc
    return gpd.GeoDataFrame(
        {"area_id": out[idf].astype(str).to_numpy(), "name": out[nmf].astype(str).to_numpy()},
        geometry=geoms, crs=WORK_CRS,
    )


def assign_areas(x: np.ndarray, y: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """The ``area_id`` holding each point (``None`` outside every area).

    The one rule for every part of Opspor (ranking, coverage need, the demo, the
    municipality check): a point belongs to an area it *intersects*, so a point on a
    boundary is not lost; where it touches several (a shared boundary, overlapping
    polygons) the lowest ``area_id`` wins, whatever the order of the layer.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.full(len(x), None, dtype=object)
    if not len(x) or not len(areas):
        return out
    ids = areas["area_id"].astype(str).to_numpy()
    tree = shapely.STRtree(np.asarray(areas.geometry.to_numpy(), dtype=object))
    i_pt, i_area = tree.query(shapely.points(x, y), predicate="intersects")
    if len(i_pt):
        hit = pd.DataFrame({"pt": i_pt, "area_id": ids[i_area]}).sort_values(["pt", "area_id"], kind="mergesort")
        hit = hit.drop_duplicates("pt")
        out[hit["pt"].to_numpy()] = hit["area_id"].to_numpy()
    return out


def municipalities(path: str | Path = MUNICIPALITIES_FILE) -> gpd.GeoDataFrame:
    """All municipality polygons (``area_id`` = 4-digit kommunekode) in EPSG:25832."""
    gdf = read_area_layer(path, id_field="KOMKODE", name_field="KOMNAVN")
    gdf["area_id"] = gdf["area_id"].str.zfill(4)
    return gdf


def majority_municipality(x: np.ndarray, y: np.ndarray, *,
                          kommuner: gpd.GeoDataFrame | None = None) -> str | None:
    """The kommunekode of the shipped municipality polygon that holds most of the points."""
    k = municipalities() if kommuner is None else kommuner
    codes = pd.Series(assign_areas(x, y, k)).dropna()
    if codes.empty:
        return None
    return str(codes.value_counts().idxmax())
