"""Serve folium's web assets from the app itself, so a map works without internet.

folium (0.20) and its plugins name their JavaScript/CSS as CDN URLs in ``default_js`` and
``default_css`` lists of ``(name, url)``. The same files are vendored under
``static/vendor/`` (see ``static/vendor/README.md``; Streamlit serves that folder at
``/app/static/vendor/...`` with ``[server] enableStaticServing = true``).
:func:`use_local_assets` points a map and every element in it at those copies.

A CDN URL not in :data:`LOCAL_ASSETS` raises :class:`UnknownAssetError` (a
``ValueError``): a new plugin must be vendored, never silently fetched from a CDN.
Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import folium
from branca.colormap import ColorMap
from branca.element import MacroElement
from folium.template import Template

DEFAULT_BASE_URL = "/app/static/vendor"
"""Where Streamlit serves ``static/vendor/`` when static serving is on."""

LOCAL_ASSETS: dict[str, str] = {
    # folium.Map (folium 0.20.0)
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap-5.2.2/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap-5.2.2/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "bootstrap-glyphicons-3.4.1/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free-6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        "leaflet.awesome.rotate/leaflet.awesome.rotate.min.css",
    # folium.plugins.Draw (focus areas drawn by hand)
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js":
        "leaflet.draw-1.0.2/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css":
        "leaflet.draw-1.0.2/leaflet.draw.css",
    # folium.plugins.MarkerCluster / FastMarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster-1.1.0/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster-1.1.0/MarkerCluster.Default.css",
}
"""CDN URL → path under ``static/vendor/``."""


LEAFLET_IMAGES = "leaflet-1.9.3/images/"
"""Leaflet's default marker images under ``static/vendor/``."""

_ICON_PATH_KEY = "opspor_leaflet_icon_path"


class _LeafletIconPath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` before any marker is drawn.

    Leaflet guesses the path from ``leaflet.css``; in streamlit-folium's iframe the CSS is
    often not applied yet when the markers are made, and the fallback guess drops a slash
    (``.../leaflet-1.9.3marker-icon.png``, a 404). Stating the path avoids the guess.

    Also underlines the links in the attribution line ("Leaflet", OpenStreetMap): Leaflet
    tells them from the text by colour alone (#0078a8 on #333, 2.55:1), which axe-core
    reports as ``link-in-text-block`` (WCAG 1.4.1).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.leaflet-control-attribution a { color: #005a80; text-decoration: underline; }</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str) -> None:
        super().__init__()
        self._name = "LeafletIconPath"
        self.image_path = image_path


class UnknownAssetError(ValueError):
    """A map element wants a remote asset that is not vendored."""


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def local_url(url: str, *, base_url: str = DEFAULT_BASE_URL) -> str:
    """The local URL for a CDN ``url``; local/relative URLs are returned unchanged.

    Raises :class:`UnknownAssetError` for a remote URL that is not vendored.
    """
    path = LOCAL_ASSETS.get(url)
    if path is not None:
        return f"{base_url.rstrip('/')}/{path}"
    if _is_remote(url):
        raise UnknownAssetError(
            f"map asset {url!r} is not vendored: add it to static/vendor/ (fetch.sh) "
            "and geo.assets.LOCAL_ASSETS, or don't use the element that needs it"
        )
    return url


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _check_colormap(element: Any) -> None:
    # branca colormaps add d3 from a CDN in their own render(), and streamlit-folium adds
    # two d3 CDN links for them; neither goes through default_js, so refuse them here.
    if isinstance(element, ColorMap):
        raise UnknownAssetError(
            "map asset 'https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js' "
            f"(needed by branca colormap {type(element).__name__}) is not vendored: "
            "draw the legend as HTML instead"
        )


def use_local_assets(m: folium.Map, *, base_url: str = DEFAULT_BASE_URL) -> folium.Map:
    """Point ``m`` and every element in it at the vendored copies of their JS/CSS.

    Sets instance attributes ``default_js``/``default_css`` (new lists), so the class
    attributes shared by every other map stay untouched, and adds, as the map's first
    child, a line that tells Leaflet where its default marker images are. Call it after the
    last element is added and before rendering; calling it again is harmless. Returns ``m``. Raises :class:`UnknownAssetError`
    (``ValueError``) naming the first remote URL that has no local copy; ``m`` is then left
    unchanged.
    """
    updates: list[tuple[Any, str, list[tuple[str, str]]]] = []
    for element in _walk(m):
        _check_colormap(element)
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            new = [(name, local_url(url, base_url=base_url)) for name, url in links]
            updates.append((element, attr, new))
    for element, attr, new in updates:
        setattr(element, attr, new)
    image_path = f"{base_url.rstrip('/')}/{LEAFLET_IMAGES}"
    m.add_child(_LeafletIconPath(image_path), name=_ICON_PATH_KEY, index=0)
    return m
