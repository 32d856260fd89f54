"""``ui.foliummap.show_map`` gives the map component what ``st_folium`` gives it, and renders a
cached map once per process: a rerun sends the same arguments without rendering again
(issue 18: reruns re-rendered and deep-copied an unchanged map, 1–20 s on a city)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _app():
    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    from ui import foliummap

    def build():
        m = folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)
        folium.GeoJson({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"tip": "Tranebjerg"},
            "geometry": {"type": "Polygon", "coordinates": [[[10.5, 55.8], [10.7, 55.8], [10.7, 56.0], [10.5, 55.8]]]}}]},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"])).add_to(m)
        folium.Marker([55.85, 10.6], tooltip="Nordby").add_to(m)
        return m

    the_map = st.cache_resource(build)
    m = the_map()
    calls = []
    real = foliummap._prepare
    foliummap._prepare = lambda fig: calls.append(1) or real(fig)
    try:
        foliummap.show_map(m, height=300, returned_objects=["all_drawings"], key="ours")
    finally:
        foliummap._prepare = real
    st_folium(build(), height=300, use_container_width=True, returned_objects=["all_drawings"], key="theirs")
    st.session_state.setdefault("prepared", []).append(len(calls))


def test_show_map__same_component_arguments_as_st_folium_and_rendered_once():
    at = AppTest.from_function(_app, default_timeout=60).run()
    assert not at.exception, at.exception
    ours, theirs = [json.loads(e.proto.json_args) for e in at.main if type(e).__name__ == "UnknownElement"]
    for name in ("script", "html", "header", "id", "css_links", "js_links", "returned_objects", "height"):
        assert ours[name] == theirs[name], name
    assert ours["default"] == theirs["default"]
    assert "Tranebjerg" in ours["script"] and "Nordby" in ours["script"]
    at.run()  # a rerun: the cached map is the same object, so it is not rendered again
    assert not at.exception, at.exception
    assert at.session_state["prepared"] == [1, 0]
    again = [json.loads(e.proto.json_args) for e in at.main if type(e).__name__ == "UnknownElement"][0]
    assert again == ours  # … and the component gets exactly what it got the first time
