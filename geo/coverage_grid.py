"""The coverage squares of a grid layer (DDKN 250 m / 1 km) on *Dækning*, drawn on a canvas in
the browser from a compact encoding, in every language of the map (issue 18).

A city's 250 m grid on *Dækning* was one GeoJSON feature with its tooltip per cell and one
label marker per gap: 24,120 cells, 37 MB of map for a planner. Here each cell is ≈ 14 bytes
of varints in one base64 string (see :func:`coverage_grid_data`), the place names are sent
once per distinct name (a shared prefix per language), and the browser

- draws every cell as a square on a canvas: filled by its need class, a gap with a thick
  dark dashed border *and* hatched (a pattern, not colour alone);
- puts each tooltip together from a per-language template when it is shown (the place, the
  word HUL/GAP for a gap, the three shares with their signs, the need);
- writes the gap labels ("HUL · behov 57,6") only for the gaps in view, once few enough are
  in view to be read, biggest need first, as the base map's label hider's labels (class
  ``empty``: :mod:`geo.basemap` hides one that would overlap one already shown);
- switches every text with the UI's language (``window.opsporOnLang``, :mod:`geo.maplang`):
  the map is never sent again for a language.

:func:`coverage_grid_cells` reads the encoding back exactly as the script's
``opsporCoverageCells`` does (tests); :func:`coverage_tip` and :func:`coverage_label` put
the texts together as the script does.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement, Template

from geo.crs import require_crs, xy_to_lonlat
from geo.maps import escape_html
from geo.varint import Reader, Recent, put, split_repeat, zz

NUMBER_STYLES: dict[str, tuple[str, str, bool]] = {"da": (".", ",", True), "en": (",", ".", False)}
"""How each language writes a need (as ``ui.widgets.number_text`` with one decimal): the
thousands separator, the decimal separator, and whether a zero decimal is left out (Danish
``58`` where English writes ``58.0``; a whole number is written without decimals in both)."""

PLACE_WINDOW = 100
"""How many recently used place names a cell may point back to in one byte."""

MAX_LABELS = 1_000
"""Gap labels (and the SVG hatches under them) are drawn when at most this many gaps are in
view (Samsø's 250 m grid: 655 in all; a city's: 24,000, about 1,000 in view at zoom 12.5);
with more, the gaps are hatched on the canvas and their labels wait for a closer zoom."""


def _fmt(v: int, lang: str) -> str | None:
    """The need code ``v`` (``tenths · 2 + whole``) as ``lang`` writes it; ``None`` for a
    language with no style here."""
    if lang not in NUMBER_STYLES:
        return None
    sep, dec, strip = NUMBER_STYLES[lang]
    whole_flag, tenths = v % 2, v // 2
    whole, d = divmod(tenths, 10)
    text = f"{whole:,}".replace(",", sep)
    return text if whole_flag or (strip and d == 0) else f"{text}{dec}{d}"


def _need_code(texts: Mapping[str, str]) -> int | None:
    """The code :func:`_fmt` writes back as every language's text, or ``None``."""
    cands: list[int] = []
    for lang, text in texts.items():
        if lang not in NUMBER_STYLES:
            return None
        sep, dec, _strip = NUMBER_STYLES[lang]
        m = re.fullmatch(rf"([0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})*|[0-9]+)(?:{re.escape(dec)}([0-9]))?", text)
        if not m:
            return None
        whole = int(m.group(1).replace(sep, ""))
        if m.group(2) is not None:
            cands.append((whole * 10 + int(m.group(2))) * 2)
        else:
            cands += [whole * 20 + 1, whole * 20]
    for v in cands:
        if v < 2**50 and all(_fmt(v, lang) == text for lang, text in texts.items()):
            return v
    return None


def _row_steps(b: np.ndarray, size: float) -> tuple[int, int, int, int]:
    """The mean step east of one cell and the mean square (Δlat, Δlon), in 1e-5 degrees."""
    if not len(b):
        return 0, 0, 0, 0
    cx, cy = float(np.mean(b[:, 0])), float(np.mean(b[:, 1]))
    (lo0, lo1, lo2), (la0, la1, la2) = xy_to_lonlat(np.array([cx, cx + size, cx + size]),
                                                    np.array([cy, cy, cy + size]))
    return (round((la1 - la0) * 1e5), round((lo1 - lo0) * 1e5),
            round((la2 - la0) * 1e5), round((lo2 - lo0) * 1e5))


def coverage_grid_data(squares: gpd.GeoDataFrame, *, need_class: Sequence[int], gap: Sequence[bool],
                       shares: Sequence[Sequence[int]], need: Mapping[str, Sequence[str]],
                       names: Mapping[str, Sequence[str]], tip: Mapping[str, str], gap_word: Mapping[str, str],
                       label: Mapping[str, str], palette: Sequence[str]) -> dict:
    """:class:`CoverageGrid` data for ``squares`` (DDKN squares in EPSG:25832, all one size,
    one row per cell in the order of the other arguments).

    ``need_class`` indexes ``palette``; ``gap`` marks a gap; ``shares`` are each cell's
    active, lapsed and no-partner shares in whole percent; ``need`` and ``names`` each cell's
    need and place name per language (``{"da": [...], "en": [...]}``, the languages in the
    order the map knows them); ``tip`` per language the tooltip with ``{p}`` (place), ``{g}``
    (``gap_word`` for a gap, else nothing), ``{a}``, ``{b}``, ``{u}`` (the shares) and
    ``{n}`` (the need); ``label`` per language a gap's label with ``{n}``. Every text is
    HTML-escaped here; the templates keep their placeholders (and may hold ``<br>``).

    ``cells``: one base64 string of unsigned LEB128 varints (signed ones zigzagged):

    1. the count of cells;
    2. per cell, row by row (south to north, west to east, as DDKN ids sort): where it is —
       ``k ≥ 1`` for ``k`` cells east of the one before in its row, or ``0, Δi, Δj`` (cells)
       — then its lower-left corner (1e-5 degrees) as the difference from the corner before
       plus the grid's steps (``steps``), and its square's Δlat, Δlon from ``square``;
    3. ``class · 2 + gap``; its place (a :class:`geo.maps._Recent` code into ``places``) and
       its repeat number ``(n)`` per language (``n · 2 + differs``, then the other
       language's ``n`` when it differs); the three shares; the need: ``code · 2`` (a number
       :data:`NUMBER_STYLES` writes in each language) or ``index · 2 + 1`` into ``words``.
    """
    require_crs(squares, what="grid cells")
    langs = list(names)
    n = len(squares)
    if not (len(need_class) == len(gap) == len(shares) == n
            and all(len(names[lg]) == n and len(need[lg]) == n for lg in langs)):
        raise ValueError(f"coverage_grid_data: {n} squares but other lengths differ")
    if any(not 0 <= int(c) < len(palette) for c in need_class):
        raise ValueError(f"coverage_grid_data: a class outside 0–{len(palette) - 1}")
    if any(len(s) != 3 or any(not 0 <= int(x) < 2**31 for x in s) for s in shares):
        raise ValueError("coverage_grid_data: each cell's shares are three whole percentages")
    b = shapely.bounds(squares.geometry.to_numpy()) if n else np.zeros((0, 4))
    size = float(b[0, 2] - b[0, 0]) if n else 1.0
    if n and not (np.allclose(b[:, 2] - b[:, 0], size) and np.allclose(b[:, 3] - b[:, 1], size)
                  and np.allclose(np.round(b[:, :2] / size) * size, b[:, :2])
                  and np.allclose(shapely.area(squares.geometry.to_numpy()), size * size)):
        raise ValueError("coverage_grid_data: the cells are not whole grid squares of one size")
    ci, cj = np.round(b[:, 0] / size).astype(np.int64), np.round(b[:, 1] / size).astype(np.int64)
    order = np.lexsort((ci, cj)).tolist() if n else []
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1]) if n else (np.zeros(0), np.zeros(0))
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3]) if n else (np.zeros(0), np.zeros(0))
    la0, lo0 = np.round(lat0 * 1e5).astype(np.int64), np.round(lon0 * 1e5).astype(np.int64)
    dla, dlo = np.round(lat1 * 1e5).astype(np.int64) - la0, np.round(lon1 * 1e5).astype(np.int64) - lo0
    ela, elo, sla, slo = _row_steps(b, size)
    # the north step: from the square's diagonal less the east step
    nla, nlo = sla - ela, slo - elo
    # place names: per language the prefix all share, then the distinct rests (one text when
    # every language's rest is the same); a repeat number " (n)" per cell
    split = {lg: [split_repeat(escape_html(p)) for p in names[lg]] for lg in langs}
    prefix = {lg: os.path.commonprefix([s for s, _r in split[lg]]) if n else "" for lg in langs}
    table: dict[tuple[str, ...], int] = {}
    out = bytearray()
    put(out, n)
    pi = pj = pla = plo = 0
    for i in order:
        k = int(ci[i] - pi)
        if int(cj[i]) == pj and k >= 1 and i != order[0]:
            put(out, k)
            di, dj = k, 0
        else:
            di, dj = int(ci[i] - pi), int(cj[i] - pj)
            for v in (0, zz(di), zz(dj)):
                put(out, v)
        put(out, zz(int(la0[i]) - pla - (di * ela + dj * nla)))
        put(out, zz(int(lo0[i]) - plo - (di * elo + dj * nlo)))
        put(out, zz(int(dla[i]) - sla))
        put(out, zz(int(dlo[i]) - slo))
        pi, pj, pla, plo = int(ci[i]), int(cj[i]), int(la0[i]), int(lo0[i])
    places = Recent(PLACE_WINDOW)
    words: dict[tuple[str, ...], int] = {}
    codes: dict[tuple[str, ...], int | None] = {}
    for i in order:
        put(out, int(need_class[i]) * 2 + (1 if gap[i] else 0))
        rest = tuple(split[lg][i][0][len(prefix[lg]):] for lg in langs)
        put(out, places.code(table.setdefault(rest, len(table))))
        reps = [split[lg][i][1] for lg in langs]
        differs = any(r != reps[0] for r in reps[1:])
        put(out, reps[0] * 2 + differs)
        if differs:
            for r in reps[1:]:
                put(out, r)
        for s in shares[i]:
            put(out, int(s))
        key = tuple(str(need[lg][i]) for lg in langs)
        if key not in codes:  # a city's 24,000 cells have a few thousand needs
            codes[key] = _need_code(dict(zip(langs, key, strict=True)))
        code, texts = codes[key], dict(zip(langs, key, strict=True))
        if code is None:
            put(out, words.setdefault(tuple(escape_html(texts[lg]) for lg in langs), len(words)) * 2 + 1)
        else:
            put(out, code * 2)
    return {"cells": base64.b64encode(bytes(out)).decode("ascii"), "langs": langs,
            "steps": [ela, elo, nla, nlo], "square": [sla, slo], "window": PLACE_WINDOW,
            "places": [r[0] if len(set(r)) == 1 else list(r) for r in table],
            "prefix": [prefix[lg] for lg in langs], "words": [list(w) for w in words],
            "numbers": [list(NUMBER_STYLES.get(lg, (",", ".", False))) for lg in langs],
            "tip": [_template(tip[lg]) for lg in langs], "gap": [html.escape(gap_word[lg]) for lg in langs],
            "label": [_template(label[lg]) for lg in langs], "palette": list(palette), "max_labels": MAX_LABELS}


def _template(text: str) -> str:
    """The app's own template escaped for HTML, its ``<br>`` and ``{x}`` placeholders kept."""
    return "<br>".join(html.escape(part) for part in text.split("<br>"))


def coverage_grid_cells(data: dict) -> list[dict]:
    """The cells of :func:`coverage_grid_data`'s ``data`` as the browser reads them (the
    script's ``opsporCoverageCells``): ``lat``/``lon`` of the lower-left corner and
    ``dlat``/``dlon`` in 1e-5 degrees, ``cls``, ``gap`` (0/1), ``shares`` ([a, b, u]),
    ``need`` (one text per language) and ``place`` (one per language), in the order sent."""
    langs = data["langs"]
    ela, elo, nla, nlo = data["steps"]
    sla, slo = data["square"]
    r = Reader(base64.b64decode(data["cells"]))
    n = r.u()
    cells: list[dict] = []
    pla = plo = 0
    for _ in range(n):
        v = r.u()
        di, dj = (v, 0) if v else (r.z(), r.z())
        pla += r.z() + di * ela + dj * nla
        plo += r.z() + di * elo + dj * nlo
        cells.append({"lat": pla, "lon": plo, "dlat": sla + r.z(), "dlon": slo + r.z()})
    places = Recent(data["window"])
    for cell in cells:
        c = r.u()
        cell["cls"], cell["gap"] = c // 2, c % 2
        place = data["places"][places.value(r.u())]
        rest = place if isinstance(place, list) else [place] * len(langs)
        c = r.u()
        reps = [c // 2] + ([r.u() for _ in langs[1:]] if c % 2 else [c // 2] * (len(langs) - 1))
        cell["place"] = [data["prefix"][k] + rest[k] + (f" ({reps[k]})" if reps[k] else "") for k in range(len(langs))]
        cell["shares"] = [r.u(), r.u(), r.u()]
        c = r.u()
        cell["need"] = (data["words"][c // 2] if c % 2 else
                        [_fmt_style(c // 2, data["numbers"][k]) for k in range(len(langs))])
    return cells


def _fmt_style(v: int, style: Sequence) -> str:
    sep, dec, strip = style
    whole_flag, tenths = v % 2, v // 2
    whole, d = divmod(tenths, 10)
    text = f"{whole:,}".replace(",", sep)
    return text if whole_flag or (strip and d == 0) else f"{text}{dec}{d}"


def coverage_tip(data: dict, cell: dict, lang: str) -> str:
    """A cell's tooltip in ``lang`` as the script puts it together."""
    k = data["langs"].index(lang)
    values = {"p": cell["place"][k], "g": data["gap"][k] if cell["gap"] else "", "a": str(cell["shares"][0]),
              "b": str(cell["shares"][1]), "u": str(cell["shares"][2]), "n": cell["need"][k]}
    return re.sub(r"[{]([pgabun])[}]", lambda m: values[m.group(1)], data["tip"][k])


def coverage_label(data: dict, cell: dict, lang: str) -> str:
    """A gap's label in ``lang`` as the script writes it."""
    k = data["langs"].index(lang)
    return re.sub(r"[{]n[}]", lambda _m: cell["need"][k], data["label"][k])


_COVERAGE_JS = """
{% macro header(this, kwargs) %}
<style>
.opspor-cov-label { font: bold 12px sans-serif; background: #fff; border: 1px solid #333; padding: 2px 4px;
  white-space: nowrap; display: inline-block; line-height: 1.25; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
window.opsporCoverageCells = function (d) {
  // the cells of a CoverageGrid's data, read as geo.coverage_grid.coverage_grid_cells reads them
  var s = atob(d.cells), b = new Uint8Array(s.length), p = 0, i, k;
  for (i = 0; i < s.length; i++) { b[i] = s.charCodeAt(i); }
  function u() {
    var x = 0, m = 1, c;
    do { c = b[p++]; x += (c % 128) * m; m *= 128; } while (c >= 128);
    return x;
  }
  function z() { var x = u(); return x % 2 ? -(x + 1) / 2 : x / 2; }
  function recent(limit) {
    var w = [], seen = [], next = 0;
    return function (c) {
      var v = c === 0 ? next : c <= limit ? w[c - 1] : c - limit - 1, at = w.indexOf(v);
      if (at >= 0) { w.splice(at, 1); }
      w.unshift(v);
      if (w.length > limit) { w.length = limit; }
      seen[v] = true;
      while (seen[next]) { next += 1; }
      return v;
    };
  }
  function fmt(v, st) {
    var flag = v % 2, tenths = (v - flag) / 2, d = tenths % 10, w = String((tenths - d) / 10), t = '';
    while (w.length > 3) { t = st[0] + w.slice(-3) + t; w = w.slice(0, -3); }
    return flag || (st[2] && d === 0) ? w + t : w + t + st[1] + d;
  }
  var nl = d.langs.length, n = u(), out = [], la = 0, lo = 0, v, di, dj, c, place, rest, reps;
  for (i = 0; i < n; i++) {
    v = u();
    if (v) { di = v; dj = 0; } else { di = z(); dj = z(); }
    la += z() + di * d.steps[0] + dj * d.steps[2];
    lo += z() + di * d.steps[1] + dj * d.steps[3];
    out.push({lat: la, lon: lo, dlat: d.square[0] + z(), dlon: d.square[1] + z()});
  }
  var places = recent(d.window);
  out.forEach(function (cell) {
    c = u(); cell.cls = (c - c % 2) / 2; cell.gap = c % 2;
    place = d.places[places(u())];
    rest = Array.isArray(place) ? place : d.langs.map(function () { return place; });
    c = u(); reps = [(c - c % 2) / 2];
    for (k = 1; k < nl; k++) { reps.push(c % 2 ? u() : reps[0]); }
    cell.place = d.langs.map(function (_, j) { return d.prefix[j] + rest[j] + (reps[j] ? ' (' + reps[j] + ')' : ''); });
    cell.shares = [u(), u(), u()];
    c = u();
    cell.need = c % 2 ? d.words[(c - 1) / 2] : d.langs.map(function (_, j) { return fmt(c / 2, d.numbers[j]); });
  });
  return out;
};
(function () {
  var map = {{ this.map_name }};
  var group = {{ this._parent.get_name() }};
  var d = {{ this.data_json }};
  var cells = window.opsporCoverageCells(d);
  if (!document.getElementById('opspor-hatch')) {  // the gaps' SVG hatch (as the page's parishes use)
    var box = document.createElement('div');
    box.innerHTML = '\\x3csvg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
      + '\\x3cdefs>\\x3cpattern id="opspor-hatch" patternUnits="userSpaceOnUse" width="10" height="10" '
      + 'patternTransform="rotate(45)">\\x3cline x1="0" y1="0" x2="0" y2="10" stroke="#1b1b1b" '
      + 'stroke-width="2.5"/>\\x3c/pattern>\\x3c/defs>\\x3c/svg>';
    document.body.appendChild(box.firstChild);
  }
  var renderer = L.canvas({padding: 0.3}), svg = L.svg({padding: 0.3});
  var detail = L.featureGroup().addTo(group);
  function li() {
    var l = window.opsporLang ? window.opsporLang() : d.langs[0], j = d.langs.indexOf(l);
    return j >= 0 ? j : 0;
  }
  function fill(tpl, v) { return tpl.replace(/[{]([pgabun])[}]/g, function (_, k) { return v[k]; }); }
  function tip(c) {
    var j = li();
    return fill(d.tip[j], {p: c.place[j], g: c.gap ? d.gap[j] : '', a: c.shares[0], b: c.shares[1],
                           u: c.shares[2], n: c.need[j]});
  }
  // a gap's fill on the canvas when its SVG hatch is not drawn: its need colour and the hatch
  function hatched(colour) {
    var t = document.createElement('canvas'), x = t.getContext('2d');
    t.width = 10; t.height = 10;
    x.globalAlpha = 0.55; x.fillStyle = colour; x.fillRect(0, 0, 10, 10);
    x.globalAlpha = 0.7; x.strokeStyle = '#1b1b1b'; x.lineWidth = 2.5;
    [[-5, 5, 5, -5], [0, 10, 10, 0], [5, 15, 15, 5]].forEach(function (l) {
      x.beginPath(); x.moveTo(l[0], l[1]); x.lineTo(l[2], l[3]); x.stroke();
    });
    return x.createPattern(t, 'repeat');
  }
  var patterns = d.palette.map(hatched), gaps = [], canvasHatch = true;
  cells.forEach(function (c, i) {
    c.bounds = L.latLngBounds([c.lat / 1e5, c.lon / 1e5], [(c.lat + c.dlat) / 1e5, (c.lon + c.dlon) / 1e5]);
    var st = c.gap ? {color: '#1b1b1b', weight: 4, dashArray: '10 6', fillColor: patterns[c.cls], fillOpacity: 1}
                   : {color: '#3d4f8a', weight: 1, fillColor: d.palette[c.cls], fillOpacity: 0.55};
    var r = L.rectangle(c.bounds, L.extend({renderer: renderer, opsporCov: i}, st));
    r.bindTooltip(function () { return tip(c); }, {sticky: true});
    r.addTo(group);
    if (c.gap) { c.rect = r; gaps.push(c); }
  });
  // biggest need first: the label hider keeps the first of labels that would overlap
  function needValue(c) { var m = /^[0-9.,]+$/.test(c.need[0]) ? c.need[0] : ''; return m; }
  gaps.forEach(function (c) {
    var t = needValue(c), st = d.numbers[0];
    c.order = t ? parseFloat(t.split(st[0]).join('').replace(st[1], '.')) : -1;
  });
  gaps.sort(function (a, b) { return b.order - a.order; });
  function setCanvasHatch(on) {
    if (on === canvasHatch) { return; }
    canvasHatch = on;
    gaps.forEach(function (c) { c.rect.setStyle({fillColor: on ? patterns[c.cls] : d.palette[c.cls],
                                                 fillOpacity: on ? 1 : 0.55}); });
  }
  function draw() {
    detail.clearLayers();
    if (!map.hasLayer(group)) { return; }
    var view = map.getBounds(), shown = gaps.filter(function (c) { return view.intersects(c.bounds); });
    if (shown.length > d.max_labels) { setCanvasHatch(true); return; }
    setCanvasHatch(false);
    var j = li();
    shown.forEach(function (c) {
      L.rectangle(c.bounds, {renderer: svg, stroke: false, fillColor: 'url(#opspor-hatch)', fillOpacity: 0.7,
                             interactive: false}).addTo(detail);
    });
    shown.forEach(function (c) {
      var html = '<div class="opspor-cov-label">' + fill(d.label[j], {n: c.need[j]}) + '</div>';
      L.marker(c.bounds.getCenter(), {interactive: false, keyboard: false, zIndexOffset: 1000,
        icon: L.divIcon({html: html, className: 'empty', iconSize: [0, 0], iconAnchor: [0, 0]})}).addTo(detail);
    });
  }
  window.opsporCoverage = {data: d, cells: cells, draw: draw};
  map.on('zoomend moveend', draw);
  group.on('add', draw);  // folium adds the group to the map after this script
  if (window.opsporOnLang) { window.opsporOnLang(draw); }
  map.whenReady(draw);
})();
{% endmacro %}
"""


class CoverageGrid(MacroElement):
    """The coverage squares of a grid layer, added to the feature group that is their layer
    in the layer control (see the module). ``data``: :func:`coverage_grid_data`'s;
    ``map_name``: the map's variable (``m.get_name()``)."""

    _template = Template(_COVERAGE_JS)

    def __init__(self, data: dict, map_name: str) -> None:
        super().__init__()
        self._name = "OpsporCoverageGrid"
        self.map_name = map_name
        # no "<", ">", "&" to end the script; no "{{", "{%", "{#" for branca's pass through Jinja
        self.data_json = re.sub(r"\{(?=[{%#])", r"\\u007b", json.dumps(data, separators=(",", ":"), ensure_ascii=False)
                                .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
