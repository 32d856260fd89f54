"""The base map is published once per register as a file of the app's own host (issue 18):
a city's base layer crosses the wire once per browser, not once per map, and a restarted
server reuses the published file instead of building the layer again."""

from __future__ import annotations

import json
import sqlite3

import pytest

from detection.repository import Repository
from ui import basemap as published


@pytest.fixture()
def demo_copy(demo_db, tmp_path):
    db = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    return db


def _restart(monkeypatch) -> None:
    """What a new server process has: nothing published in memory, no layer built."""
    from detection.repository import workspace

    monkeypatch.setattr(published, "_published", {})
    monkeypatch.setattr(workspace, "_BASE_MAPS", workspace.ProcessCache(8))


def test_published_file_is_the_layer_and_the_map_fetches_it(demo_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("OPSPOR_TILE_URL", raising=False)
    folder = tmp_path / "static" / "basemap"
    r = Repository.open(str(demo_copy), "analytiker")
    layers = published.base_map(r, folder=folder)
    assert layers.url and layers.url.startswith("/app/static/basemap/")
    name = layers.url.rsplit("/", 1)[1]
    built = r.base_map_layers()
    assert (folder / name).read_text(encoding="utf-8") == built.payload
    assert json.loads((folder / name).read_text(encoding="utf-8"))["places"]
    assert layers.bounds == built.bounds and layers.sizes == built.sizes
    # no address, report or person in the published file: only the register's geography
    text = (folder / name).read_text(encoding="utf-8")
    assert "entrance" not in text and "signal" not in text
    # every role gets the same file
    assert published.base_map(Repository.open(str(demo_copy), "planner"), folder=folder).url == layers.url


def test_a_restarted_server_reuses_the_file_and_a_new_register_publishes_anew(demo_copy, tmp_path, monkeypatch):
    from detection.repository import workspace

    monkeypatch.delenv("OPSPOR_TILE_URL", raising=False)
    folder = tmp_path / "basemap"
    r = Repository.open(str(demo_copy), "planner")
    first = published.base_map(r, folder=folder)
    _restart(monkeypatch)
    builds = []
    real = workspace.build_base_layers
    monkeypatch.setattr(workspace, "build_base_layers", lambda **kw: builds.append(1) or real(**kw))
    again = published.base_map(Repository.open(str(demo_copy), "planner"), folder=folder)
    assert builds == [] and again.url == first.url and again.bounds == first.bounds
    # a tile service configured later is still drawn above the published layer
    monkeypatch.setenv("OPSPOR_TILE_URL", "https://tiles.example.dk/{z}/{x}/{y}.png")
    assert published.base_map(r, folder=folder).tiles is not None
    monkeypatch.delenv("OPSPOR_TILE_URL")
    # the published file gone (tidied away): built and published again
    (folder / first.url.rsplit("/", 1)[1]).unlink()
    _restart(monkeypatch)
    rebuilt = published.base_map(r, folder=folder)
    assert builds == [1] and rebuilt.url == first.url and (folder / first.url.rsplit("/", 1)[1]).is_file()
    # a new register (one entrance fewer) has another key and is built again
    with sqlite3.connect(demo_copy) as c:
        c.execute("DELETE FROM entrances WHERE entrance_id = (SELECT max(entrance_id) FROM entrances "
                  "WHERE entrance_id NOT IN (SELECT entrance_id FROM signals WHERE entrance_id IS NOT NULL))")
    _restart(monkeypatch)
    published.base_map(r, folder=folder)
    assert builds == [1, 1]
    assert len(list(folder.glob("*.meta.json"))) == 2


def test_an_unwritable_folder_embeds_the_layer_in_the_map(demo_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("OPSPOR_TILE_URL", raising=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    layers = published.base_map(Repository.open(str(demo_copy), "planner"), folder=blocker / "basemap")
    assert layers.url is None and len(layers.payload) > 10_000


def test_tidy_keeps_the_newest_files_and_never_the_current(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(published, "KEEP_FILES", 4)
    for i in range(8):
        p = tmp_path / f"old{i}.json"
        p.write_text("{}")
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "current.json").write_text("{}")
    os.utime(tmp_path / "current.json", (1, 1))
    published._tidy(tmp_path, keep={"current.json"})
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["current.json", "old5.json", "old6.json", "old7.json"]
