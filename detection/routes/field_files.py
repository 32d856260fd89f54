"""Taking a plan out: A4 walk lists (PDF), GPX for phones, a GeoPackage for QField, and
reading the QField outcomes layer back.

Input is a plan as :meth:`detection.repository.core.Repository.route_plan` returns it (routes
with stops holding ``address``, ``unit_labels``, ``lon``/``lat`` and ``x``/``y``).

The walk list is deliberately plain: Danish, large type, entrance → the units to knock
on, and a box per outcome to tick. It carries no reason for the visit and no health
words (no report kinds, no notes): paper gets lost.
"""

from __future__ import annotations

import math
import re
import tempfile
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from detection.errors import InputError
from detection.files import make_private, private_dir, write_private
from detection.vocab import OUTCOMES, area_words
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


def _km(metres: float, lang: str) -> str:
    """``4600`` → ``"4,6 km"`` in Danish, ``"4.6 km"`` in English."""
    txt = f"{metres / 1000:.1f}"
    return (txt.replace(".", ",") if lang == "da" else txt) + " km"


def route_title(route: dict, lang: str = "da") -> str:
    """The name a person reads for a route: ``"Hold 1, mandag 2. november 2026"``."""
    return (f"Hold {route['team']}, {day_text(route['day'], 'da')}" if lang == "da"
            else f"Team {route['team']}, {day_text(route['day'], 'en')}")


def walk_list_pdf(route: dict, *, area: str = "", lang: str = "da") -> bytes:
    """An A4 walk list for one route (one pair, one day), as PDF bytes.

    Every page carries the pair, the day and the area in its header and "Side n af m" in
    its footer; page 1 has a small overview map of the route (path and numbered stops,
    numbers left out where they would overlap). Each entrance takes one line (number, time,
    address, task, fields for the time of the visit and initials) and each dwelling one
    line of outcome boxes, so a page holds 10 or more single-dwelling doors. Distances in
    Danish decimals. No reason for the visit and no health word (``HEALTH_WORDS``).
    ``area`` is the plan's stored area label; the list says it in words ("Tranebjerg
    (sogn)", :func:`detection.vocab.area_words`), never a layer's or an area's id.
    """
    from fpdf import FPDF

    da = lang == "da"
    area = area_words(area, lang)
    title = route_title(route, lang)
    head_text = _latin1(("Gåliste - " if da else "Walk list - ") + title + (f" - {area}" if area else ""))

    class _Pdf(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 10)
            self.cell(0, 6, head_text, new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(120, 120, 120)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_draw_color(0, 0, 0)
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            page = (f"Side {self.page_no()} af {{nb}}" if da else f"Page {self.page_no()} of {{nb}}")
            self.cell(0, 5, _latin1(page), align="C")  # the pair and the day name the route, not its id

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(("Gåliste " if da else "Walk list ") + title))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    map_w, map_h = 62.0, 48.0
    top = pdf.get_y()
    text_w = width - map_w - 4
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(text_w, 8, _latin1(("Gåliste - " if da else "Walk list - ") + title),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    facts = ([area] if area else []) + [
        (f"Start kl. {_hhmm(route['start'])}, slut kl. {_hhmm(route['end'])}" if da
         else f"Start {_hhmm(route['start'])}, end {_hhmm(route['end'])}"),
        (f"{len(route['stops'])} opgange, {_km(route['walk_m'], lang)} gang" if da
         else f"{len(route['stops'])} entrances, {_km(route['walk_m'], lang)} walking")]
    if route.get("drive_m"):  # drive then walk: the car's part
        n_park = max(0, len(route.get("parking") or []) - 1)
        facts.append(f"{_km(route['drive_m'], lang)} i bil, {n_park} parkeringer (P på kortet)" if da
                     else f"{_km(route['drive_m'], lang)} by car, {n_park} parking stops (P on the map)")
    if route.get("members"):
        facts.append(("Par: " if da else "Pair: ") + ", ".join(route["members"]))
    for line in facts:
        pdf.multi_cell(text_w, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(text_w, 5, _latin1(
        "Sæt kryds ved udfaldet for hver bolig, og skriv tidspunkt og initialer ved opgangen. "
        "Skriv ikke andet på papiret; noter føres i Opspor." if da else
        "Tick the outcome for each dwelling and write the time and your initials at the entrance. "
        "Write nothing else on paper; notes go into Opspor."), new_x="LMARGIN", new_y="NEXT")
    _overview_map(pdf, route, pdf.l_margin + width - map_w, top, map_w, map_h, lang)
    pdf.set_y(max(pdf.get_y(), top + map_h) + 3)

    names = [o.name(lang) for o in OUTCOMES]
    tasks = TASK_NAMES.get(lang, TASK_NAMES["da"])
    label_w = 30.0
    col_w = (width - label_w) / 4
    line_h = 4.6
    for s in route["stops"]:
        labels = [("Bolig " if da else "Dwelling ") + str(v) for v in (s.get("unit_labels") or s.get("units") or [])]
        rows = labels or [("Hele opgangen" if da else "Whole entrance")]
        task = tasks.get(s["task"], s["task"])
        letters = (("Brev til: " if da else "Letter to: ")  # the units by label ("2. th"), not by id
                   + ", ".join(s.get("letter_unit_labels") or s["letter_units"])
                   if s.get("letter_units") else "")
        # pair safety (issue 17): a door next to one marked unsafe says so, in words
        warn = ((("OBS: nabo til en dør markeret utryg: " if da else "Caution: next to a door marked unsafe: ")
                 + "; ".join(s["near_unsafe"]) + (". Hold jer sammen." if da else ". Stay together."))
                if s.get("near_unsafe") else "")
        drive = ""
        if s.get("parking"):  # drive then walk: the car is moved before this door
            drive = (f"Kør {_km(s.get('drive_m') or 0, lang)} til P{s['parking']}, parkér, og gå herfra."
                     if da else f"Drive {_km(s.get('drive_m') or 0, lang)} to P{s['parking']}, park, and walk from there.")
        block = (6.5 + (4.5 if letters else 0) + (4.5 if warn else 0) + (5.5 if drive else 0)
                 + len(rows) * (2 * line_h + 1) + 1.5)
        if pdf.get_y() + min(block, 60) > pdf.h - pdf.b_margin:  # an entrance stays on one page
            pdf.add_page()
        if drive:
            pdf.set_font("Helvetica", "B", 10)
            pdf.set_fill_color(225, 230, 240)
            pdf.cell(width, 5.5, _latin1(drive), fill=True, new_x="LMARGIN", new_y="NEXT")
        y0 = pdf.get_y()
        right_w = 62.0
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width - right_w, 6.5, _latin1(f"{s['seq']}.  kl. {_hhmm(s['arrive'])}   {s['address']}"),
                       new_x="LMARGIN", new_y="NEXT")
        after_addr = pdf.get_y()
        pdf.set_font("Helvetica", "", 9)
        pdf.set_xy(pdf.l_margin + width - right_w, y0)
        fields = "Kl. ______  Init. ______" if da else "Time ______  Init. ______"
        pdf.cell(right_w, 6.5, _latin1(f"{task}   {fields}"), align="R")
        pdf.set_xy(pdf.l_margin, after_addr)
        if letters:
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(width, 4.5, _latin1(letters), new_x="LMARGIN", new_y="NEXT")
        if warn:
            pdf.set_font("Helvetica", "B", 9)
            pdf.multi_cell(width, 4.5, _latin1(warn), new_x="LMARGIN", new_y="NEXT")
        for lab in rows:
            if pdf.get_y() + 2 * line_h + 1 > pdf.h - pdf.b_margin:
                pdf.add_page()
            y = pdf.get_y()
            size = 9.0
            pdf.set_font("Helvetica", "B", size)
            while pdf.get_string_width(_latin1(lab)) > label_w - 2 and size > 6:
                size -= 0.5
                pdf.set_font("Helvetica", "B", size)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w - 1, line_h, _latin1(lab))
            for k, name in enumerate(names):
                x = pdf.l_margin + label_w + (k % 4) * col_w
                yy = y + (k // 4) * line_h
                pdf.rect(x, yy + 0.8, 3.2, 3.2)
                size = 8.0
                pdf.set_font("Helvetica", "", size)
                while pdf.get_string_width(_latin1(name)) > col_w - 5.5 and size > 5.5:
                    size -= 0.5
                    pdf.set_font("Helvetica", "", size)
                pdf.set_xy(x + 4.3, yy)
                pdf.cell(col_w - 5, line_h, _latin1(name))
            pdf.set_xy(pdf.l_margin, y + 2 * line_h + 1)
        pdf.set_draw_color(170, 170, 170)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(1.5)
    return bytes(pdf.output())


def _overview_map(pdf, route: dict, x0: float, y0: float, w: float, h: float, lang: str) -> None:  # noqa: ANN001
    """The route drawn into the box (x0, y0, w, h): the path, the stops as dots, and stop
    numbers wherever one fits without touching another (first and last always)."""
    pdf.set_draw_color(150, 150, 150)
    pdf.rect(x0, y0, w, h)
    raw = [(p[0], p[1]) for p in route.get("path") or []]
    stops = [(s["seq"], s["lon"], s["lat"]) for s in route["stops"] if "lon" in s]
    if not raw and not stops:
        return
    lats = [p[1] for p in raw] + [lat for _, _, lat in stops]
    k = math.cos(math.radians(sum(lats) / len(lats)))  # lon scaled so the map is not stretched
    path = [(lon * k, lat) for lon, lat in raw] or [(lon * k, lat) for _, lon, lat in stops]
    pts = path + [(lon * k, lat) for _, lon, lat in stops]
    minx, maxx = min(p[0] for p in pts), max(p[0] for p in pts)
    miny, maxy = min(p[1] for p in pts), max(p[1] for p in pts)
    pad = 4.0
    scale = min((w - 2 * pad) / max(maxx - minx, 1e-9), (h - 2 * pad) / max(maxy - miny, 1e-9))

    def to_pdf(px: float, py: float) -> tuple[float, float]:
        cx = x0 + w / 2 + (px - (minx + maxx) / 2) * scale
        cy = y0 + h / 2 - (py - (miny + maxy) / 2) * scale
        return cx, cy

    pdf.set_draw_color(40, 90, 160)
    pdf.set_line_width(0.5)
    for a, b in zip(path, path[1:], strict=False):
        pdf.line(*to_pdf(*a), *to_pdf(*b))
    # drive then walk: the car legs wide and grey, the parking points as "P1", "P2", …
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(1.2)
    for line in route.get("car_paths") or []:
        pts_c = [(lon * k, lat) for lon, lat in line]
        for a, b in zip(pts_c, pts_c[1:], strict=False):
            pdf.line(*to_pdf(*a), *to_pdf(*b))
    pdf.set_font("Helvetica", "B", 6.5)
    for pk in (route.get("parking") or [])[1:]:
        cx, cy = to_pdf(pk["lon"] * k, pk["lat"])
        pdf.set_xy(cx - 2.5, cy - 1.5)
        pdf.cell(5, 3, f"P{pk['n']}")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(0, 0, 0)
    placed: list[tuple[float, float]] = []
    pdf.set_font("Helvetica", "B", 6.5)
    last = len(stops) - 1
    for i, (seq, lon, lat) in enumerate(stops):
        cx, cy = to_pdf(lon * k, lat)
        pdf.ellipse(cx - 0.7, cy - 0.7, 1.4, 1.4, style="F")
        if i in (0, last) or all((cx - px) ** 2 + (cy - py) ** 2 > 4.0 ** 2 for px, py in placed):
            pdf.set_xy(cx + 0.8, cy - 3.2)
            pdf.cell(6, 3, str(seq))
            placed.append((cx, cy))
    pdf.set_font("Helvetica", "", 6.5)
    pdf.set_xy(x0 + 1, y0 + h - 4)
    pdf.cell(w - 2, 3.5, _latin1("Oversigt over ruten" if lang == "da" else "Route overview"))


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


def route_gpx(route: dict, *, area: str = "", lang: str = "da") -> str:
    """GPX 1.1 of a route: a waypoint per stop (number and address) and the walked track,
    named as the walk list names the route ("Hold 1, mandag 2. november 2026 - Tranebjerg
    (sogn)"), not by its id."""
    import gpxpy.gpx  # loaded on first use

    g = gpxpy.gpx.GPX()
    g.creator = "Opspor"
    tasks = TASK_NAMES.get(lang, TASK_NAMES["da"])
    for s in route["stops"]:
        units = ", ".join(s.get("unit_labels") or []) or ("hele opgangen" if lang == "da" else "whole entrance")
        w = gpxpy.gpx.GPXWaypoint(latitude=s["lat"], longitude=s["lon"], name=f"{s['seq']} {s['address']}",
                                  description=f"{tasks.get(s['task'], s['task'])}: {units}",
                                  time=datetime.fromisoformat(s["arrive"]))
        g.waypoints.append(w)
    words = area_words(area, lang)
    trk = gpxpy.gpx.GPXTrack(name=route_title(route, lang) + (f" - {words}" if words else ""))
    seg = gpxpy.gpx.GPXTrackSegment()
    for lon, lat in route.get("path") or [[s["lon"], s["lat"]] for s in route["stops"]]:
        seg.points.append(gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon))
    trk.segments.append(seg)
    g.tracks.append(trk)
    # drive then walk: each parking point a waypoint, the car legs one track of their own
    for pk in (route.get("parking") or [])[1:]:
        g.waypoints.append(gpxpy.gpx.GPXWaypoint(
            latitude=pk["lat"], longitude=pk["lon"], name=f"P{pk['n']}",
            description="Parkering" if lang == "da" else "Parking", symbol="Parking Area"))
    if route.get("car_paths"):
        car = gpxpy.gpx.GPXTrack(name=("Kørsel - " if lang == "da" else "Driving - ") + route_title(route, lang))
        for line in route["car_paths"]:
            cseg = gpxpy.gpx.GPXTrackSegment()
            for lon, lat in line:
                cseg.points.append(gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon))
            car.segments.append(cseg)
        g.tracks.append(car)
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
    import pyogrio  # loaded on first use

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
                                   route_gpx(r, area=plan.get("area", ""), lang=lang).encode("utf-8")))
    files.append(plan_gpkg(plan, out / f"plan_{plan['plan_id']}.gpkg"))
    return files


def _with_stops(routes: Iterable[dict]) -> list[dict]:
    return [r for r in routes if r["stops"]]
