"""``ui.foliummap.show_map`` gives the map component what ``st_folium`` gives it, renders a
cached map once per process, and never changes the map (issue 18: reruns re-rendered and
deep-copied an unchanged map, 1–20 s on a city)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _app():
    import copy

    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    from ui import foliummap

    @st.cache_resource
    def the_map():
        m = folium.Map(location=[55.9, 10.6], zoom_start=11, tiles=None)
        folium.GeoJson({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"tip": "Tranebjerg"},
            "geometry": {"type": "Polygon", "coordinates": [[[10.5, 55.8], [10.7, 55.8], [10.7, 56.0], [10.5, 55.8]]]}}]},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"])).add_to(m)
        folium.Marker([55.85, 10.6], tooltip="Nordby").add_to(m)
        return m

    m = the_map()
    def shape(x):  # the element tree: what st_folium's own steps change
        return (type(x).__name__, [(k, shape(c)) for k, c in x._children.items()])

    before = (shape(m), shape(m.get_root()))
    calls = []
    real = foliummap._prepare
    foliummap._prepare = lambda fig: calls.append(1) or real(fig)
    try:
        foliummap.show_map(m, height=300, returned_objects=["all_drawings"], key="ours")
    finally:
        foliummap._prepare = real
    st_folium(copy.deepcopy(m), height=300, use_container_width=True, returned_objects=["all_drawings"], key="theirs")
    st.session_state.setdefault("prepared", []).append(len(calls))
    st.session_state["unchanged"] = (shape(m), shape(m.get_root())) == before


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
    assert at.session_state["unchanged"]
