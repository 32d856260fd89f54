"""The offline base map as a file of the app's own host, fetched once per browser.

Every map of every page draws the same base layer (``geo.basemap``). Embedded in each map,
a city's layer (≈ 0.6 MB of built-up areas, more with a road network) crossed the wire on
every first draw of every page. Here it is published once per register as
``static/basemap/<digest>.json``, which Streamlit serves at ``/app/static/basemap/…``
(``[server] enableStaticServing``), and the map fetches it: the browser keeps it between
pages and reruns (the file's name is the digest of its content, so a new register never
meets an old copy).

A small description next to it (``<register key>.meta.json``: the file, bounds, sizes,
counts) lets a restarted server use the published file without building the layer again
(seconds on a city). The files hold roads, built-up cells, the boundary and place and
street names — no address, no report, no person — which is why they may be served without
sign-in (docs/privacy.md). When the folder cannot be written, the layer is embedded in
the map as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from detection.repository import Repository
from detection.repository.workspace import tile_service_from_env
from geo.basemap import BaseLayers

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
BASEMAP_DIR = STATIC_DIR / "basemap"
URL_PREFIX = "/app/static/basemap/"
KEEP_FILES = 40
"""At most this many files are kept in the folder (the newest; two per register)."""

_lock = threading.Lock()
_published: dict[str, BaseLayers] = {}


def base_map(r: Repository, *, folder: Path | None = None) -> BaseLayers:
    """The base layer of ``r``'s workspace, to be fetched from the app's host (embedded when
    the folder cannot be written). ``r`` must be allowed to read areas (every role is)."""
    folder = folder or BASEMAP_DIR
    key = r.base_map_key()
    with _lock:
        layers = _published.get(f"{folder}|{key}")
    if layers is None:
        layers = _read_meta(folder, key)
        if layers is None:
            built = r.base_map_layers().with_tiles(None)
            layers = _publish(folder, key, built)
        with _lock:
            _published[f"{folder}|{key}"] = layers
    return layers.with_tiles(tile_service_from_env())


def _payload_name(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32] + ".json"


def _read_meta(folder: Path, key: str) -> BaseLayers | None:
    try:
        meta = json.loads((folder / f"{key}.meta.json").read_text(encoding="utf-8"))
        name = str(meta["file"])
        if not (folder / name).is_file():
            return None
        bounds = tuple(meta["bounds"]) if meta.get("bounds") else None
        return BaseLayers(payload="", sizes=tuple((str(k), int(v)) for k, v in meta["sizes"]), bounds=bounds,
                          attribution=str(meta["attribution"]),
                          counts=tuple((str(k), int(v)) for k, v in meta["counts"]), url=URL_PREFIX + name)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # served by the app: not secret (see the module's docstring)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _publish(folder: Path, key: str, layers: BaseLayers) -> BaseLayers:
    name = _payload_name(layers.payload)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / name).is_file():
            _write_atomic(folder / name, layers.payload)
        meta = {"file": name, "bounds": list(layers.bounds) if layers.bounds else None,
                "sizes": [list(x) for x in layers.sizes], "counts": [list(x) for x in layers.counts],
                "attribution": layers.attribution}
        _write_atomic(folder / f"{key}.meta.json", json.dumps(meta))
        _tidy(folder, keep={name, f"{key}.meta.json"})
    except OSError as exc:
        log.warning("base map not published to %s (%s); embedding it in each map", folder, exc)
        return layers
    return layers.with_url(URL_PREFIX + name)


def _tidy(folder: Path, keep: set[str]) -> None:
    """Remove all but the newest :data:`KEEP_FILES` files (never those in ``keep``)."""
    files = sorted((p for p in folder.glob("*.json") if p.name not in keep),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for p in files[max(0, KEEP_FILES - len(keep)):]:
        p.unlink(missing_ok=True)
