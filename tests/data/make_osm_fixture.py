"""Cut the small real OpenStreetMap fixture of Nordby (Samsø) used by ``tests/geo``.

Writes the same data twice, so that the tests can check that :mod:`geo.osm` reads
both formats alike:

- ``tests/data/samsoe_nordby.osm.pbf`` (PBF)
- ``tests/data/samsoe_nordby.osm`` (XML, converted from the PBF object by object)

What goes in, from ``data/samsoe/samsoe.osm.pbf`` (© OpenStreetMap contributors, ODbL 1.0):

- every *tagged* node inside :data:`BBOX` (address points with ``osak:identifier``,
  crossings, shops, …);
- every way tagged ``highway``, ``building`` or ``addr:housenumber`` with at least one
  node inside :data:`BBOX`, with **all** its nodes, also those outside the box (so the
  file is referentially complete; nodes pulled in only as way members lose their tags
  so that they don't add stray addresses outside the box);
- every ``type=multipolygon`` relation tagged ``building`` or ``addr:housenumber`` with
  a member way chosen above, completed with all its member ways and their nodes.

Metadata (versions, timestamps, user names) is left out. The output is
deterministic: running the script again gives byte-identical files.

Run from the repository root::

    .venv/bin/python tests/data/make_osm_fixture.py

Nordby's village centre is around 10.552 E, 55.964 N; the box holds its main street
(Nordby Hovedgade) and the lanes around it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import osmium
from osmium.io import File

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "samsoe" / "samsoe.osm.pbf"
OUT_DIR = Path(__file__).resolve().parent
OUT_PBF = OUT_DIR / "samsoe_nordby.osm.pbf"
OUT_XML = OUT_DIR / "samsoe_nordby.osm"

BBOX = (10.5490, 55.9615, 10.5570, 55.9665)
"""(min lon, min lat, max lon, max lat) in degrees (EPSG:4326) around Nordby."""

WAY_KEYS = ("highway", "building", "addr:housenumber")
RELATION_KEYS = ("building", "addr:housenumber")
METADATA = "add_metadata=false"


def _in_bbox(lon: float, lat: float) -> bool:
    return BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]


def make_fixture(source: Path = SOURCE, out_pbf: Path = OUT_PBF, out_xml: Path = OUT_XML) -> None:
    """Write the PBF fixture from ``source``, then the XML copy of the PBF."""
    inside: set[int] = set()
    chosen_ways: set[int] = set()
    out = File(str(out_pbf), f"pbf,{METADATA}")
    with osmium.BackReferenceWriter(
        out, ref_src=str(source), overwrite=True, remove_tags=True
    ) as writer:
        # The source is sorted (nodes, then ways, then relations, each by id), which is
        # the order BackReferenceWriter needs; one pass sees the nodes before the ways.
        for obj in osmium.FileProcessor(str(source)):
            if obj.is_node():
                loc = obj.location
                if loc.valid() and _in_bbox(loc.lon, loc.lat):
                    inside.add(obj.id)
                    if len(obj.tags) > 0:
                        writer.add_node(obj)
            elif obj.is_way():
                if any(k in obj.tags for k in WAY_KEYS) and any(n.ref in inside for n in obj.nodes):
                    chosen_ways.add(obj.id)
                    writer.add_way(obj)
            elif obj.is_relation():
                if (
                    obj.tags.get("type") == "multipolygon"
                    and any(k in obj.tags for k in RELATION_KEYS)
                    and any(m.type == "w" and m.ref in chosen_ways for m in obj.members)
                ):
                    writer.add_relation(obj)

    with osmium.SimpleWriter(File(str(out_xml), f"osm,{METADATA}"), overwrite=True) as xml:
        for obj in osmium.FileProcessor(str(out_pbf)):
            xml.add(obj)


def main() -> int:
    make_fixture()
    for path in (OUT_PBF, OUT_XML):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
