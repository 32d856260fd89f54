"""Taking a plan out: A4 walk lists (PDF), GPX for phones, a GeoPackage for QField, and
reading the QField outcomes layer back.

Input is a plan as :meth:`detection.repository.core.Repository.route_plan` returns it (routes
with stops holding ``address``, ``unit_labels``, ``lon``/``lat`` and ``x``/``y``).

The walk list is deliberately plain: Danish, large type, entrance → the units to knock
on, and a box per outcome to tick. It carries no reason for the visit and no health
words (no report kinds, no notes): paper gets lost.
"""

from __future__ import annotations

import re
import tempfile
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import gpxpy
import gpxpy.gpx
import pandas as pd
import pyogrio
import shapely

from detection.errors import InputError
from detection.files import make_private, private_dir, write_private
from detection.vocab import OUTCOMES
from detection.wording import HEALTH_WORDS  # noqa: F401  (the walk-list tests import it from here)
from geo.crs import WORK_CRS, lonlat_to_xy

TASK_NAMES = {
    "da": {"visit": "Besøg", "revisit": "Genbesøg", "letter": "Aflever brev"},
    "en": {"visit": "Visit", "revisit": "Revisit", "letter": "Leave a letter"},
}
WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december")
OUTCOME_LAYER_COLUMNS = ("entrance_id", "unit_id", "outcome", "visited_at", "note")


def _latin1(text: object) -> str:
    """Text the PDF core font can draw (Latin-1: æ, ø, å are in it)."""
    s = str(text).replace("–", "-").replace("—", "-").replace("→", "->").replace("·", "-")
    return s.encode("latin-1", errors="replace").decode("latin-1")


def day_text(day: str, lang: str = "da") -> str:
    """``"2026-11-02"`` → ``"mandag 2. november 2026"``."""
    d = datetime.fromisoformat(day).date()
    if lang == "da":
        return f"{WEEKDAYS_DA[d.weekday()]} {d.day}. {MONTHS_DA[d.month - 1]} {d.year}"
    return d.strftime("%A %d %B %Y")


def _hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


# --------------------------------------------------------------------------- PDF


def walk_list_pdf(route: dict, *, area: str = "", lang: str = "da") -> bytes:
    """An A4 walk list for one route (one pair, one day), as PDF bytes."""
    from fpdf import FPDF

    da = lang == "da"
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(f"Gåliste {route['route_id']}" if da else f"Walk list {route['route_id']}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    head = (f"Gåliste - hold {route['team']}, {day_text(route['day'], 'da')}" if da
            else f"Walk list - team {route['team']}, {day_text(route['day'], 'en')}")
    pdf.multi_cell(0, 10, _latin1(head), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    km = route["walk_m"] / 1000
    sub = (f"{area}  |  Rute {route['route_id']}  |  Start {_hhmm(route['start'])}, slut {_hhmm(route['end'])}"
           f"  |  {len(route['stops'])} opgange, {km:.1f} km gang" if da else
           f"{area}  |  Route {route['route_id']}  |  Start {_hhmm(route['start'])}, end {_hhmm(route['end'])}"
           f"  |  {len(route['stops'])} entrances, {km:.1f} km walking")
    pdf.multi_cell(0, 7, _latin1(sub), new_x="LMARGIN", new_y="NEXT")
    if route.get("members"):
        pdf.multi_cell(0, 7, _latin1(("Hold: " if da else "Pair: ") + ", ".join(route["members"])),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 11)
    pdf.multi_cell(0, 6, _latin1(
        "Sæt kryds ved udfaldet for hver bolig. Skriv ikke andet på papiret; noter føres i Opspor."
        if da else "Tick the outcome for each dwelling. Write nothing else on paper; notes go into Opspor."),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    names = [o.name(lang) for o in OUTCOMES]
    tasks = TASK_NAMES.get(lang, TASK_NAMES["da"])
    for s in route["stops"]:
        labels = s.get("unit_labels") or s.get("units") or []
        rows = labels or [("hele opgangen" if da else "whole entrance")]
        need = 14 + 16 * len(rows)
        if pdf.get_y() + min(need, 60) > pdf.h - 15:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, _latin1(f"{s['seq']}.  kl. {_hhmm(s['arrive'])}   {s['address']}"),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 13)
        extra = ""
        if s.get("letter_units"):
            extra = (" - brev til: " if da else " - letter to: ") + ", ".join(
                s["letter_units"])
        pdf.multi_cell(0, 7, _latin1(f"{tasks.get(s['task'], s['task'])}{extra}"),
                       new_x="LMARGIN", new_y="NEXT")
        for lab in rows:
            if pdf.get_y() + 16 > pdf.h - 15:
                pdf.add_page()
            pdf.set_font("Helvetica", "B", 13)
            pdf.cell(0, 7, _latin1(("Bolig: " if da else "Dwelling: ") + str(lab)),
                     new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
            x0 = pdf.l_margin
            col_w = (pdf.w - pdf.l_margin - pdf.r_margin) / 4
            for k, name in enumerate(names):
                if k == 4:
                    pdf.ln(6)
                x = x0 + (k % 4) * col_w
                y = pdf.get_y()
                pdf.rect(x, y + 1, 4, 4)
                pdf.set_xy(x + 5.5, y)
                pdf.cell(col_w - 6, 6, _latin1(name))
            pdf.ln(8)
        pdf.set_draw_color(160, 160, 160)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(2)
    return bytes(pdf.output())


def pdf_text(data: bytes) -> str:
    """The text of a PDF made by :func:`walk_list_pdf` (for checks), via pypdf when present,
    else from the uncompressed content streams."""

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        chunk = m.group(1)
        try:
            chunk = zlib.decompress(chunk)
        except zlib.error:
            pass
        for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", chunk, re.S):
            out.append(s.replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1"))
        for arr in re.findall(rb"\[(.*?)\]\s*TJ", chunk, re.S):
            out.append("".join(p.decode("latin-1") for p in re.findall(rb"\((.*?)(?<!\\)\)", arr)))
    return "\n".join(out)


# --------------------------------------------------------------------------- GPX


def route_gpx(route: dict, *, lang: str = "da") -> str:
    """GPX 1.1 of a route: a waypoint per stop (number and address) and the walked track."""
    g = gpxpy.gpx.GPX()
    g.creator = "Opspor"
    tasks = TASK_NAMES.get(lang, TASK_NAMES["da"])
    for s in route["stops"]:
        units = ", ".join(s.get("unit_labels") or []) or ("hele opgangen" if lang == "da" else "whole entrance")
        w = gpxpy.gpx.GPXWaypoint(latitude=s["lat"], longitude=s["lon"], name=f"{s['seq']} {s['address']}",
                                  description=f"{tasks.get(s['task'], s['task'])}: {units}",
                                  time=datetime.fromisoformat(s["arrive"]))
        g.waypoints.append(w)
    trk = gpxpy.gpx.GPXTrack(name=f"Rute {route['route_id']}" if lang == "da" else f"Route {route['route_id']}")
    seg = gpxpy.gpx.GPXTrackSegment()
    for lon, lat in route.get("path") or [[s["lon"], s["lat"]] for s in route["stops"]]:
        seg.points.append(gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon))
    trk.segments.append(seg)
    g.tracks.append(trk)
    return g.to_xml(version="1.1")


# --------------------------------------------------------------------------- GeoPackage


def plan_gpkg(plan: dict, path: str | Path) -> Path:
    """A GeoPackage for QField: ``stops`` (points), ``routes`` (walked lines) and an empty
    ``outcomes`` layer (points; ``entrance_id, unit_id, outcome, visited_at, note``) that
    the pair fills in and that :func:`read_outcomes_gpkg` reads back. EPSG:25832. The file
    is 0600 (:mod:`detection.files`), an existing one is replaced."""


    path = Path(path)
    # Written in a private folder (0700) beside ``path``, made 0600 and then moved in place:
    # nobody else can open the file while GDAL writes it, whatever the umask.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".opspor-") as tmp:
        part = Path(tmp) / path.name
        _write_gpkg(plan, part)
        make_private(part)
        part.replace(path)
    return path


def _write_gpkg(plan: dict, path: Path) -> None:
    rows = []
    for r in plan["routes"]:
        for s in r["stops"]:
            rows.append({"route_id": r["route_id"], "team": int(r["team"]), "day": r["day"],
                         "seq": int(s["seq"]), "entrance_id": s["entrance_id"], "address": s["address"],
                         "units": ", ".join(s.get("unit_labels") or []),
                         "unit_ids": ",".join(s.get("units") or []), "task": s["task"],
                         "arrive": s["arrive"], "x": s.get("x"), "y": s.get("y"),
                         "lon": s["lon"], "lat": s["lat"]})
    stops = pd.DataFrame(rows, columns=["route_id", "team", "day", "seq", "entrance_id", "address", "units",
                                        "unit_ids", "task", "arrive", "x", "y", "lon", "lat"])
    if len(stops) and stops["x"].isna().any():
        x, y = lonlat_to_xy(stops["lon"].to_numpy(), stops["lat"].to_numpy())
        stops["x"], stops["y"] = x, y
    gstops = gpd.GeoDataFrame(stops.drop(columns=["x", "y", "lon", "lat"]),
                              geometry=gpd.points_from_xy(stops["x"], stops["y"]), crs=WORK_CRS)
    gstops.to_file(path, layer="stops", driver="GPKG", engine="pyogrio")
    lines = []
    for r in plan["routes"]:
        if r.get("path") and len(r["path"]) >= 2:
            lon, lat = zip(*r["path"], strict=True)
            x, y = lonlat_to_xy(list(lon), list(lat))
            lines.append({"route_id": r["route_id"], "team": int(r["team"]), "day": r["day"],
                          "walk_m": float(r["walk_m"]), "geometry": shapely.LineString(list(zip(x, y, strict=True)))})
    if lines:
        gpd.GeoDataFrame(lines, geometry="geometry", crs=WORK_CRS).to_file(
            path, layer="routes", driver="GPKG", engine="pyogrio")
    empty = gpd.GeoDataFrame({c: pd.Series([], dtype=str) for c in OUTCOME_LAYER_COLUMNS},
                             geometry=gpd.GeoSeries([], crs=WORK_CRS), crs=WORK_CRS)
    empty.to_file(path, layer="outcomes", driver="GPKG", engine="pyogrio", geometry_type="Point")


def plan_gpkg_bytes(plan: dict) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        p = plan_gpkg(plan, Path(d) / "plan.gpkg")
        return p.read_bytes()


def read_outcomes_gpkg(path: str | Path) -> pd.DataFrame:
    """The ``outcomes`` layer of a GeoPackage as strings (``entrance_id, unit_id, outcome,
    visited_at, note``), one row per feature in file order."""


    layers = [name for name, _ in pyogrio.list_layers(str(path))]
    if "outcomes" not in layers:
        raise InputError(f"header_unknown: the GeoPackage has no 'outcomes' layer (layers: {', '.join(layers)})")
    df = pyogrio.read_dataframe(str(path), layer="outcomes", read_geometry=False)
    out = pd.DataFrame(index=range(len(df)))
    for c in OUTCOME_LAYER_COLUMNS:
        if c not in df.columns:
            out[c] = None
            continue
        col = df[c].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(col):
            out[c] = [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in col]
        else:
            out[c] = [None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in col]
    return out


# --------------------------------------------------------------------------- all files


def write_plan_files(plan: dict, out_dir: str | Path, *, lang: str = "da") -> list[Path]:
    """Write per route ``walk_ROUTE.pdf`` and ``route_ROUTE.gpx`` (routes with stops) and
    ``plan_PLAN.gpkg`` into ``out_dir``; returns the paths. The files are 0600 and the
    folders made for ``out_dir`` 0700 (:mod:`detection.files`)."""
    out = private_dir(out_dir)
    files: list[Path] = []
    for r in _with_stops(plan["routes"]):
        files.append(write_private(out / f"walk_{r['route_id']}.pdf",
                                   walk_list_pdf(r, area=plan.get("area", ""), lang=lang)))
        files.append(write_private(out / f"route_{r['route_id']}.gpx",
                                   route_gpx(r, lang=lang).encode("utf-8")))
    files.append(plan_gpkg(plan, out / f"plan_{plan['plan_id']}.gpkg"))
    return files


def _with_stops(routes: Iterable[dict]) -> list[dict]:
    return [r for r in routes if r["stops"]]
