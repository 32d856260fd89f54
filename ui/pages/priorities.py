"""Prioritering: ranked areas with a choropleth map and a model the planner can tune live."""

from __future__ import annotations

import json

import folium
import numpy as np
import pandas as pd
import streamlit as st

from detection import clock
from detection.access import SEES_ADDRESSES, allowed
from detection.priorities.scoring import ModelParams
from detection.repository import Repository
from detection.vocab import KINDS
from geo.assets import use_local_assets
from geo.maplang import MapLanguage, label_html
from geo.maps import GridChoropleth, escape_html, grid_choropleth_data, light_display
from ui import session
from ui.basemap import base_map
from ui.foliummap import show_map
from ui.i18n import t
from ui.widgets import cell_labels, excel_csv, layer_label, number_text, publication_label

repo: Repository = st.session_state["repo"]
lg = session.lang()
as_of = clock.today()

# five sequential classes, light to dark and colour-blind safe (ColorBrewer YlGnBu); the
# class is also written in words. A comment, not a string: Streamlit shows a bare string.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
LABELLED = 15
SLIDER_KEYS = tuple(f"prio_w_{k.id}" for k in KINDS) + ("prio_cred", "prio_half_life", "prio_bonus")
# Streamlit forgets the state of a widget key on a run of another page, so the sliders come
# back at their minimum (every weight 0.00, half-life 14). Their values live on in this
# plain key, which no widget owns and Streamlit keeps for the whole session.
KEPT = "prio_model_kept"


def _model_defaults() -> None:
    """Slider values for this run: the session's last values, else the saved model."""
    kept = st.session_state.get(KEPT)
    if kept is None:
        _set_sliders(repo.model())
        return
    for key, value in kept.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _keep_sliders() -> None:
    st.session_state[KEPT] = {key: st.session_state[key] for key in SLIDER_KEYS if key in st.session_state}


def _set_sliders(p: ModelParams) -> None:
    for k in KINDS:
        st.session_state[f"prio_w_{k.id}"] = float(p.weight(k.id))
    st.session_state["prio_cred"] = float(p.credibility_spread)
    st.session_state["prio_half_life"] = int(p.half_life_days)
    st.session_state["prio_bonus"] = float(p.source_bonus)
    _keep_sliders()


def _params_from_sliders() -> ModelParams:
    return ModelParams(
        kind_weights=tuple((k.id, float(st.session_state[f"prio_w_{k.id}"])) for k in KINDS),
        credibility_spread=float(st.session_state["prio_cred"]),
        half_life_days=float(st.session_state["prio_half_life"]),
        source_bonus=float(st.session_state["prio_bonus"]))


def _layer_label(layer: str) -> str:
    return layer_label(layer, lg)


def _classes(rates: np.ndarray) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Class 0–4 of each rate (quintiles of the shown areas) and each class's range."""
    if len(rates) == 0:
        return np.zeros(0, dtype=int), []
    edges = np.quantile(rates, [0.2, 0.4, 0.6, 0.8])
    cls = np.searchsorted(edges, rates, side="right").clip(0, 4)
    ranges = []
    for i in range(5):
        sel = rates[cls == i]
        ranges.append((float(sel.min()), float(sel.max())) if len(sel) else (float("nan"), float("nan")))
    return cls, ranges


def _num(v: float, lang: str | None = None) -> str:
    return number_text(v, lang or lg, decimals=1)


def _area_name(area_id: str, name: str, names: dict[str, str], lang: str) -> str:  # noqa: ARG001
    """What the user reads for an area: a grid cell by its place, any other area by its name."""
    return names.get(area_id) or name


@st.cache_data(max_entries=16, show_spinner=False)
def _area_names(db_key: str, version: str, user: str, layer: str, lang: str, ids: tuple[str, ...]) -> dict[str, str]:
    """Grid cell id → a readable place ("250 m-felt nær Langgade, Tranebjerg") from the public
    address register; other layers keep their own names (an empty mapping)."""
    if layer not in ("grid100", "grid250", "grid1km"):
        return {}
    r = Repository.open(session.db_url(), user, migrate=False)
    return cell_labels(r.cell_places(layer, ids), layer, lang)


LANGS = ("da", "en")
"""The map holds both UI languages and switches in the browser (issue 18: ``geo.maplang``)."""


def _tip_template(lang: str) -> str:
    return (f"{{p}} · {t('pcol_rank', lang)} {{r}} · {{v}} ({{l}}–{{u}}) {t('pcol_rate', lang).lower()} · "
            + t("pclass_n", lang).replace("{i}", "{c}") + "{h}")


@st.cache_resource(max_entries=32, show_spinner=False)
def _ranking_map(db_key: str, version: str, user: str, layer: str, params_json: str,
                 ) -> tuple[folium.Map, list[tuple[float, float]]]:
    """Choropleth of one ranking (keyed on the user: an analyst's map is built from masked
    rows), in both languages: a language switch neither rebuilds nor resends it. Returns the
    map and each class's range of rates (the legend's)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    df = r.priorities(layer, ModelParams.from_json(params_json), as_of=as_of)
    geo = r.area_geometries(layer, list(df["area_id"]))
    gdf = geo.merge(df[["area_id", "rank", "rate", "rate_low", "rate_high", "hotspot", "signals", "dwellings"]],
                    on="area_id")
    cls, ranges = _classes(gdf["rate"].to_numpy(float))
    ids = tuple(sorted(gdf["area_id"].astype(str)))
    places = {lang: _area_names(db_key, version, user, layer, lang, ids) for lang in LANGS}
    gdf["cls"] = cls
    rows = list(zip(gdf["area_id"], gdf["name"], gdf["rank"], gdf["rate"], gdf["rate_low"], gdf["rate_high"],
                    gdf["cls"], gdf["hotspot"], strict=True))

    def tip(row: tuple, lang: str) -> str:
        a, n, rk, rt, lo, hi, c, hs = row
        return (f"{_area_name(a, n, places[lang], lang)} · {t('pcol_rank', lang)} {rk} · {_num(rt, lang)} "
                f"({_num(lo, lang)}–{_num(hi, lang)}) "
                f"{t('pcol_rate', lang).lower()} · {t('pclass_n', lang).format(i=c + 1)}"
                + (f" · {t('pcol_hotspot', lang)}" if hs else ""))

    d = light_display(gdf[["area_id", "cls", "hotspot", "rank", "geometry"]])
    minx, miny, maxx, maxy = d.total_bounds if len(d) else (10.5, 55.8, 10.7, 56.0)
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None,
                   maxZoom=19, control_scale=True)
    MapLanguage(list(LANGS)).add_to(m)
    base_map(r).add_to(m)

    def grid_texts(lang: str) -> dict:
        return {"texts": [(_num(rt, lang), _num(lo, lang), _num(hi, lang))
                          for rt, lo, hi in zip(gdf["rate"], gdf["rate_low"], gdf["rate_high"], strict=True)],
                "places": [_area_name(a, n, places[lang], lang) for a, n in zip(gdf["area_id"], gdf["name"], strict=True)],
                "tip": _tip_template(lang), "hot": f" · {t('pcol_hotspot', lang)}"}

    if layer.startswith("grid"):
        # a grid's squares as a compact list drawn on a canvas (issue 18: 15,000 cells of
        # 100 m were 7.9 MB of GeoJSON features); the tooltip reads as the one below
        first = grid_texts(LANGS[0])
        GridChoropleth(grid_choropleth_data(
            gdf[["geometry"]], cls=gdf["cls"].astype(int).tolist(), hotspot=gdf["hotspot"].astype(bool).tolist(),
            rank=gdf["rank"].astype(int).tolist(), texts=first["texts"], places=first["places"],
            tip=first["tip"], hot=first["hot"], palette=PALETTE,
            also={lang: grid_texts(lang) for lang in LANGS[1:]})).add_to(m)
    else:
        d["tip"] = [label_html({lang: tip(row, lang) for lang in LANGS}, shown=False) for row in rows]
        feats = json.loads(d[["tip", "cls", "hotspot", "geometry"]].assign(
            hotspot=d["hotspot"].astype(bool), cls=d["cls"].astype(int)).to_json())
        folium.GeoJson(
            feats, name=label_html({lang: t("prio_map", lang) for lang in LANGS}),
            style_function=lambda f: {
                "fillColor": PALETTE[int(f["properties"]["cls"])], "fillOpacity": 0.75,
                "color": "#000000" if f["properties"]["hotspot"] else "#555555",
                "weight": 3.5 if f["properties"]["hotspot"] else 0.6},
            highlight_function=lambda _f: {"weight": 4, "color": "#d55e00"},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], aliases=[""], labels=False),
        ).add_to(m)
    pts = d.geometry.representative_point()
    for rk, hs, p in zip(d["rank"], d["hotspot"], pts, strict=True):
        if rk > LABELLED and not hs:
            continue
        label = (str(int(rk)) if rk <= LABELLED else "") + (" H" if hs else "")
        folium.Marker(
            [p.y, p.x], icon=folium.DivIcon(
                html=f'<div class="opspor-rank" title="{escape_html(label)}" style="font:bold 12px sans-serif;'
                     'color:#000;background:#fff;border:1px solid #000;border-radius:3px;padding:0 3px;'
                     f'white-space:nowrap;display:inline-block">{escape_html(label.strip())}</div>',
                icon_size=(34, 18), icon_anchor=(10, 9)),
        ).add_to(m)
    if len(d):
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return use_local_assets(m), ranges


def _legend(ranges: list[tuple[float, float]], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("plegend_class", lang): [t("pclass_n", lang).format(i=i + 1) for i in range(5)],
        t("plegend_colour", lang): [t(f"pshade_{i}", lang) for i in range(5)],
        t("plegend_range", lang): ["–" if np.isnan(lo) else f"{_num(lo, lang)} – {_num(hi, lang)}"
                                   for lo, hi in ranges],
    })


# ---------------------------------------------------------------------------------- page

st.title(t("prio_heading", lg))
st.caption(t("prio_caption", lg))
sees = repo.actor.role in SEES_ADDRESSES
if not sees:
    st.info(t("prio_masked", lg).format(date=publication_label(lg)))

_model_defaults()
layers = ["parishes", "grid250", "grid100", "grid1km"]
layers = [x for x in layers if x.startswith("grid") or x in repo.area_layer_names()] + [
    x for x in repo.area_layer_names() if x not in layers]
layer = st.selectbox(t("prio_layer", lg), layers, format_func=_layer_label, key="prio_layer")

if allowed(repo.actor.role, "focus.write"):  # custom weights are the planner's (docs/privacy.md)
    with st.expander(t("prio_model", lg), expanded=True):
        cols = st.columns(2)
        for i, k in enumerate(KINDS):
            cols[i % 2].slider(t("prio_weight_of", lg).format(kind=f"{k.symbol} · {k.name(lg)}"),
                               min_value=0.0, max_value=3.0, step=0.1, key=f"prio_w_{k.id}")
        cols[0].slider(t("prio_cred", lg), min_value=0.0, max_value=0.9, step=0.1, key="prio_cred",
                       help=t("prio_cred_help", lg))
        cols[1].slider(t("prio_half_life", lg), min_value=14, max_value=720, step=7, key="prio_half_life")
        cols[0].slider(t("prio_bonus", lg), min_value=0.0, max_value=2.0, step=0.1, key="prio_bonus")
        _keep_sliders()
        zero = not any(st.session_state[f"prio_w_{k.id}"] > 0 for k in KINDS)
        if zero:
            st.warning(t("prio_zero_model", lg))
        b1, b2 = st.columns(2)
        b1.button(t("prio_reset_model", lg), key="prio_reset", on_click=_set_sliders, args=(ModelParams(),))
        if b2.button(t("prio_save_model", lg), key="prio_save_model", type="primary", disabled=zero):
            repo.save_model(_params_from_sliders())
            st.success(t("prio_model_saved", lg))
    params = _params_from_sliders()
else:
    st.caption(t("prio_saved_model_only", lg))
    params = repo.model()
ranking = repo.priorities(layer, params, as_of=as_of, lang=lg)
st.caption(t("prio_mean", lg).format(rate=_num(float(ranking.attrs.get("mean_rate", 0.0)))))

st.subheader(t("prio_table", lg))
if ranking.empty:
    st.info(t("prio_no_areas", lg))
else:
    top_options = [25, 50, 100, 0]
    names = _area_names(session.db_key(), json.dumps(repo.data_version(), default=str), repo.actor.name,
                        layer, lg, tuple(sorted(ranking["area_id"].astype(str))))
    top = st.selectbox(t("prio_top_n", lg), top_options, key="prio_top",
                       format_func=lambda n: str(n) if n else ("alle" if lg == "da" else "all"))
    shown = ranking if not top else ranking.head(top)
    table = pd.DataFrame({
        t("pcol_rank", lg): shown["rank"].astype(int),
        t("pcol_area", lg): [_area_name(a, n, names, lg) for a, n in zip(shown["area_id"],
                                                                         shown["name"].astype(str), strict=True)],
        t("pcol_why", lg): shown["why"].astype(str),
        t("pcol_signals", lg): [number_text(s, lg) for s in shown["signals"]],
        t("pcol_dwellings", lg): [number_text(d, lg) for d in shown["dwellings"]],
        t("pcol_rate", lg): [_num(r) for r in shown["rate"]],
        t("pcol_interval", lg): [f"{_num(lo)} – {_num(hi)}" for lo, hi in zip(shown["rate_low"], shown["rate_high"],
                                                                              strict=True)],
        t("pcol_hotspot", lg): [t("yes_hotspot", lg) if h else t("no_hotspot", lg) for h in shown["hotspot"]],
    })
    st.dataframe(table, hide_index=True, key="prio_table_df",
                 column_config={t("pcol_why", lg): st.column_config.TextColumn(width="large")})
    # for Danish Excel: Danish headers, decimal comma, Ja/Nej, one column per kind; the cell
    # id stays beside its place so the file can be matched with the CLI's exports
    kinds = [k for k in KINDS if any(k.id in d for d in ranking["signals_by_kind"])]
    export = pd.DataFrame({
        t("pcol_rank", lg): ranking["rank"].astype(int),
        t("pcol_area", lg): [_area_name(a, n, names, lg) for a, n in zip(ranking["area_id"],
                                                                         ranking["name"].astype(str), strict=True)],
        t("pexp_area_id", lg): ranking["area_id"].astype(str),
        t("pcol_signals", lg): ranking["signals"],
        **{k.name(lg): [d.get(k.id, 0) for d in ranking["signals_by_kind"]] for k in kinds},
        t("pcol_dwellings", lg): ranking["dwellings"],
        t("pcol_rate", lg): ranking["rate"].astype(float),
        t("pexp_low", lg): ranking["rate_low"].astype(float),
        t("pexp_high", lg): ranking["rate_high"].astype(float),
        t("pcol_hotspot", lg): ranking["hotspot"].astype(bool),
        t("pexp_p", lg): [number_text(p, lg, decimals=3) for p in ranking["hotspot_p"]],
        t("pcol_why", lg): ranking["why"].astype(str),
    })
    slug = layer_label(layer, lg).replace(" ", "-")
    st.download_button(t("prio_download", lg), excel_csv(export, lg),
                       file_name=f"prioritering_{slug}_{ranking.attrs.get('as_of', as_of)}.csv", mime="text/csv",
                       key="prio_download")

    st.subheader(t("prio_map", lg))
    st.caption(t("prio_map_caption", lg))
    m, ranges = _ranking_map(session.db_key(), json.dumps(repo.data_version(), default=str), repo.actor.name,
                             layer, params.to_json())
    legend = _legend(ranges, lg)
    show_map(m, height=560, returned_objects=[], key="prio-map")
    st.markdown(f"**{t('prio_legend', lg)}**")
    st.dataframe(legend.style.apply(
        lambda c: [f"background-color: {PALETTE[i]}; color: {'#000' if i < 3 else '#fff'}" for i in range(len(c))]
        if c.name == t("plegend_colour", lg) else ["" for _ in c]), hide_index=True, key="prio_legend_df")
    st.caption(t("plegend_hotspot", lg))
