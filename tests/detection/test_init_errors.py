"""`opspor init` with unusable input files (issue 13): each gives exit code 1 and one line
that says what to fix — with ``--json`` the error object of conventions.md on stdout, else
``opspor: …`` on stderr — and never a traceback. A failed init changes nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detection.cli.main import main
from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
ODENSE = ROOT / "data" / "odense"
DAR = ODENSE / "dawa_test_adgangsadresser.csv"
NORDBY = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"

CRS_25832 = '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},'


def _polygon_file(path: Path, ring: list[list[float]], *, crs: str = "", props: str = '"id":"1","name":"x"') -> Path:
    coords = json.dumps([ring])
    path.write_text('{"type":"FeatureCollection",' + crs + '"features":[{"type":"Feature","properties":{'
                    + props + '},"geometry":{"type":"Polygon","coordinates":' + coords + '}}]}',
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad_init")
    lines = DAR.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:40]
    f: dict[str, Path] = {}

    def write(name: str, text: str | bytes) -> Path:
        p = d / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        f[name] = p
        return p

    write("empty.csv", "")
    write("blank.csv", "\n\n  \n")
    write("header_only.csv", header + "\n")
    write("binary.csv", b"\x00\x01\x02garbage\x00")
    write("cp1252.csv", (header + "\n" + "\n".join(rows)).replace("Søndre", "S\udcf8ndre")
          .encode("utf-8", errors="surrogateescape"))
    cols = header.split(",")
    ix, iy, ilat, ilon = (cols.index(c) for c in ("x_25832", "y_25832", "lat", "lon"))

    def nan_row(r: str) -> str:
        cells = r.split(",")
        for i in (ix, iy, ilat, ilon):
            cells[i] = "NaN"
        return ",".join(cells)

    write("nan_coordinates.csv", header + "\n" + "\n".join(nan_row(r) for r in rows) + "\n")
    write("small.csv", header + "\n" + "\n".join(rows) + "\n")
    write("dragoer.csv", header + "\n" + "\n".join(r for r in rows if r.split(",")[1] == "0155") + "\n")
    f["huge_lonlat.geojson"] = _polygon_file(d / "huge_lonlat.geojson", [[10, 55], [1e300, 55], [10, 56], [10, 55]])
    f["huge_metres.geojson"] = _polygon_file(d / "huge_metres.geojson",
                                             [[1e300, 1e300], [2e300, 1e300], [2e300, 2e300], [1e300, 1e300]],
                                             crs=CRS_25832)
    f["nan.geojson"] = d / "nan.geojson"
    f["nan.geojson"].write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                                '{"id":"1"},"geometry":{"type":"Polygon","coordinates":'
                                '[[[10,55],[NaN,55],[10,56],[10,55]]]}}]}', encoding="utf-8")
    f["paris.geojson"] = _polygon_file(d / "paris.geojson", [[2, 48], [2.1, 48], [2.1, 48.1], [2, 48]],
                                       props='"id":"0101"')
    write("point.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"1"},'
                           '"geometry":{"type":"Point","coordinates":[10.4,55.4]}}]}')
    write("no_features.geojson", '{"type":"FeatureCollection","features":[]}')
    write("not_json.geojson", "this is not JSON")
    write("corrupt.osm.pbf", b"garbage, not a PBF")
    write("corrupt.osm", "<osm")
    write("empty.osm.pbf", b"")
    return f


def _cases(f: dict[str, Path]) -> dict[str, tuple[list[str], str]]:
    """id → (init options, a word the message must hold)."""
    small = ["--addresses", str(f["small.csv"])]
    return {
        "addresses_empty": (["--addresses", str(f["empty.csv"])], "empty"),
        "addresses_blank_lines": (["--addresses", str(f["blank.csv"])], "empty"),
        "addresses_header_only": (["--addresses", str(f["header_only.csv"])], "no rows"),
        "addresses_binary": (["--addresses", str(f["binary.csv"])], "CSV"),
        "addresses_not_utf8": (["--addresses", str(f["cp1252.csv"])], "UTF-8"),
        "addresses_nan_coordinates": (["--addresses", str(f["nan_coordinates.csv"])], "no usable entrance"),
        "addresses_a_folder": (["--addresses", str(f["small.csv"].parent)], "not a file"),
        "areas_at_1e300_lonlat": ([*small, "--areas", f"a={f['huge_lonlat.geojson']}"], "not finite"),
        "areas_at_1e300_metres": ([*small, "--areas", f"a={f['huge_metres.geojson']}"], "outside Denmark"),
        "areas_nan_vertex": ([*small, "--areas", f"a={f['nan.geojson']}"], "not finite"),
        "areas_no_polygon": ([*small, "--areas", f"a={f['point.geojson']}"], "Polygon"),
        "areas_no_features": ([*small, "--areas", f"a={f['no_features.geojson']}"], "no feature"),
        "areas_not_a_vector_file": ([*small, "--areas", f"a={f['not_json.geojson']}"], "can't be read"),
        "boundary_at_1e300": ([*small, "--boundary", str(f["huge_lonlat.geojson"])], "--boundary"),
        "boundary_outside_denmark": ([*small, "--boundary", str(f["paris.geojson"])], "outside Denmark"),
        "boundary_no_polygon": ([*small, "--boundary", str(f["point.geojson"])], "Polygon"),
        "boundary_no_features": ([*small, "--boundary", str(f["no_features.geojson"])], "no feature"),
        "boundary_nan": ([*small, "--boundary", str(f["nan.geojson"])], "not finite"),
        "municipality_holds_no_address": (["--addresses", str(f["dragoer.csv"]), "--kommunekode", "0461"],
                                          "no entrance"),
        "kommunekode_unknown": ([*small, "--kommunekode", "9999"], "kommunekode"),
        "osm_missing": (["--osm", str(f["small.csv"].parent / "missing.osm.pbf")], "does not exist"),
        "osm_corrupt_pbf": (["--osm", str(f["corrupt.osm.pbf"])], "osmium"),
        "osm_corrupt_xml": (["--osm", str(f["corrupt.osm"])], "osmium"),
        "osm_empty": (["--osm", str(f["empty.osm.pbf"])], "osmium"),
        "units_empty": ([*small, "--units", str(f["empty.csv"])], "empty"),
        "bbr_buildings_empty": ([*small, "--bbr-buildings", str(f["empty.csv"])], "empty"),
        "bbr_buildings_missing": ([*small, "--bbr-buildings", str(f["small.csv"].parent / "none.csv")],
                                  "does not exist"),
        "bbr_buildings_wrong_columns": ([*small, "--bbr-buildings", str(f["small.csv"])], "lacks column"),
        "bbr_units_empty": ([*small, "--units", str(ODENSE / "dawa_test_enhedsadresser.csv"),
                             "--bbr-units", str(f["empty.csv"])], "empty"),
        "network_not_lines": ([*small, "--network", str(f["point.geojson"])], "no usable line"),
        "network_not_a_vector_file": ([*small, "--network", str(f["empty.csv"])], "can't be read"),
    }


CASE_IDS = list(_cases({k: Path(k) for k in (
    "empty.csv", "blank.csv", "header_only.csv", "binary.csv", "cp1252.csv", "nan_coordinates.csv", "small.csv", "dragoer.csv",
    "huge_lonlat.geojson", "huge_metres.geojson", "nan.geojson", "paris.geojson", "point.geojson",
    "no_features.geojson", "not_json.geojson", "corrupt.osm.pbf", "corrupt.osm", "empty.osm.pbf")}))


@pytest.mark.parametrize("case", CASE_IDS)
def test_init__bad_input_is_one_line_exit_1_and_the_json_error_object(case, files, tmp_path, capsys):
    options, word = _cases(files)[case]
    db = str(tmp_path / "w.sqlite")
    code = main(["--db", db, "--json", "init", "--name", "X", *options])
    captured = capsys.readouterr()
    assert code == 1, captured
    out = json.loads(captured.out)  # exactly one JSON object on stdout
    assert set(out) == {"error"} and out["error"]["code"] == "bad_input"
    message = out["error"]["message"]
    assert word in message, message
    assert "\n" not in message and "Traceback" not in captured.err
    # without --json: the same message, one line on stderr, nothing on stdout
    code = main(["--db", db, "init", "--name", "X", *options])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert "Traceback" not in captured.err
    assert f"opspor: {message}\n" in captured.err
    assert not Repository.open(db, None).has_workspace()  # nothing stored


def test_init__a_failed_init_leaves_the_stored_workspace_as_it_was(db_url, files, capsys):
    assert main(["--db", db_url, "--json", "init", "--name", "Nordby", "--osm", str(NORDBY)]) == 0
    before = Repository.open(db_url, None).summary()
    capsys.readouterr()
    code = main(["--db", db_url, "--json", "init", "--force", "--name", "X",
                 "--addresses", str(files["small.csv"]), "--areas", f"a={files['huge_lonlat.geojson']}"])
    assert code == 1 and json.loads(capsys.readouterr().out)["error"]["code"] == "bad_input"
    assert Repository.open(db_url, None).summary() == before
