"""Show a cached folium map without rendering it again on every rerun (issue 18).

``streamlit_folium.st_folium`` renders the whole map to HTML and JavaScript on every script
run — folium's templates, a walk over every coordinate for the bounds — and changes the map
while doing so, which is why the pages handed it a deep copy of their cached map. On a city
that was 1–20 s of every rerun (*Kort* 2.4 s: render 1.4 s, copy 0.7 s; *Dækning* 20 s),
for a map whose data had not changed.

:func:`show_map` does what ``st_folium`` does, once per map object: it renders the map
(not a copy: the copy was 0.3–0.4 s of a city's first draw, and a map is rendered only once
here, under its own lock, so no session sees it half-rendered) and keeps the arguments the
component receives. The map's bounds (a walk over every coordinate, 0.4 s on *Dækning*) are
computed only for a caller that asks the component to return them. A page's map cached with
``st.cache_resource`` is the same object on the next run, so the next run only sends those
arguments again (Streamlit does not resend a large message the browser already has). A map
built anew each run is rendered each run, as before.

The component, its arguments and its return value are streamlit-folium's own
(``streamlit_folium._component_func``, version pinned in pyproject.toml); this module only
decides when to render.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium as sf

_lock = threading.Lock()
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _bounds_dict(bounds) -> dict:
    (s, w), (n, e) = bounds
    return {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}}


def _prepare(m: folium.Map) -> dict:
    """What ``st_folium`` computes from a map (its steps, in its order), rendering ``m``
    itself; the bounds are left to :func:`_bounds`."""
    fig = m
    fig.get_root().render()
    fig.render()
    html = sf._get_html(fig)
    header = sf._get_header(fig)
    leaflet = sf._get_map_string(fig)

    def walk(el):
        if isinstance(el, branca.colormap.ColorMap | folium.elements.JSCSSMixin):
            yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    css, js = [], []
    for el in walk(fig):
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
    return {"script": leaflet, "header": header, "html": html, "id": sf.get_full_id(fig),
            "zoom": fig.options.get("zoom") if hasattr(fig, "options") else {},
            "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js))}


def _bounds(m: folium.Map) -> dict:
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    return _bounds_dict(bounds)


def _args(m: folium.Map, *, bounds: bool) -> dict:
    """The component's arguments for ``m``, prepared once per map object (one thread at a
    time per map; other maps are not held up)."""
    with _lock:
        lock = _locks.setdefault(m, threading.Lock())
    with lock:
        args = _prepared.get(m)
        if args is None:
            args = _prepared[m] = _prepare(m)
        if bounds and "bounds" not in args:
            args["bounds"] = _bounds(m)
    return args


def show_map(m: folium.Map, *, key: str, height: int, returned_objects: Iterable[str] = ()) -> dict | None:
    """Draw ``m`` (full width) like ``st_folium(m, key=key, height=height,
    use_container_width=True, returned_objects=...)`` and return what it returns; ``m`` is
    rendered on its first showing in this process and not changed after it."""
    returned = list(returned_objects)
    args = _args(m, bounds="bounds" in returned)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None, "bounds": args.get("bounds"), "zoom": args["zoom"],
                "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                "selected_tags": None, "last_geocoder_result": None}
    defaults = {k: v for k, v in defaults.items() if k in returned}
    hashes = args.setdefault("hashes", {})
    if key not in hashes:  # a regex over the whole script: once per map and key
        hashes[key] = sf.generate_js_hash(args["script"], key, False)
    hash_key = hashes[key]

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=args["script"], header=args["header"], html=args["html"], id=args["id"], key=hash_key,
        height=height, width=None, returned_objects=returned, default=defaults, zoom=None, center=None,
        feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=args["css_links"], js_links=args["js_links"], on_change=_on_change, wrap_longitude=False)
