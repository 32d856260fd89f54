"""Charts where people would rather look than read (issue 15): pure functions that build an
Altair chart from a repository frame and the UI's language. The pages only call
``st.altair_chart(...)`` with them.

Style (as *Fremdrift*): Danish axis titles, integer axes with Danish thousands (``1.816``),
a tooltip on every bar with the number as the UI writes it, and never colour alone — the
legend names every series, and series differ in lightness too.

Protected counts (docs/privacy.md) come from the repository as multiples of 5 or ``"<5"``
(0–4). A ``"<5"`` is not drawn (its bar would have no height, and a drawn 0 would read as
"none"); everything drawn is a number the repository published.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from detection.vocab import KIND_BY_ID, KINDS
from ui.i18n import t
from ui.widgets import number_text

#: the partner yield's three series, darkest first (differ in lightness, not only in hue)
_YIELD_SERIES = (("reports", "par_col_reports", "#1b4f72"),
                 ("assessed", "par_col_assessed", "#2e86c1"),
                 ("in_target_group", "par_col_in_target_group", "#aed6f1"))


def month_text(month: str, lang: str) -> str:
    """A ``YYYY-MM`` month as people write it: ``nov. 2026`` (Danish), ``Nov 2026``."""
    year, mon = str(month).split("-")[:2]
    return f"{t('month_abbr', lang).split()[int(mon) - 1]} {year}"


def _month_range(months) -> list[str]:  # noqa: ANN001 - an iterable of YYYY-MM
    """Every month from the first to the last of ``months`` (a month without reports too)."""
    months = sorted(set(months))
    if not months:
        return []
    return [str(p) for p in pd.period_range(pd.Period(months[0], "M"), pd.Period(months[-1], "M"), freq="M")]


def _count_axis(title: str, lang: str) -> alt.Axis:
    """An axis of whole numbers, with the thousands mark of the UI's language."""
    if lang == "da":
        return alt.Axis(title=title, format=",d", tickMinStep=1, labelExpr="replace(datum.label, /,/g, '.')")
    return alt.Axis(title=title, format=",d", tickMinStep=1)


def _drawn(values: pd.Series) -> pd.Series:
    """Which counts are drawn: numbers above 0 (a protected ``"<5"`` is not)."""
    return values.map(lambda v: not isinstance(v, str) and v is not None and v == v and float(v) > 0)


def signals_per_month_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's data from :meth:`Repository.signals_per_month` (``month, kind, signals``):
    one row per drawn month × kind with ``maaned`` (``nov. 2026``), ``type`` (the kind's
    name), ``antal`` (int), ``antal_tekst`` (Danish number), ``orden`` (the kind's place)."""
    kinds = [k.id for k in KINDS]
    d = df[_drawn(df["signals"])] if len(df) else df
    return pd.DataFrame({
        "maaned": [month_text(m, lang) for m in d["month"]],
        "type": [KIND_BY_ID[k].name(lang) if k in KIND_BY_ID else str(k) for k in d["kind"]],
        "antal": [int(v) for v in d["signals"]],
        "antal_tekst": [number_text(int(v), lang) for v in d["signals"]],
        "orden": [kinds.index(k) if k in kinds else len(kinds) for k in d["kind"]],
    })


def signals_per_month_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """Reports per month, stacked by kind (the kinds' own colours and names in the legend).

    ``df``: :meth:`Repository.signals_per_month`. Months run oldest to newest, left to right,
    with every month between the first and the last on the axis.
    """
    data = signals_per_month_frame(df, lang)
    order = [month_text(m, lang) for m in _month_range(df["month"])]
    kinds = [k for k in KINDS if k.name(lang) in set(data["type"])]
    return (alt.Chart(data, title=t("ov_month_heading", lang)).mark_bar()
            .encode(x=alt.X("maaned:N", title=t("ch_month", lang), scale=alt.Scale(domain=order),
                            axis=alt.Axis(labelAngle=-45)),
                    y=alt.Y("antal:Q", stack="zero", axis=_count_axis(t("ch_reports", lang), lang)),
                    color=alt.Color("type:N", title=t("col_kind", lang),
                                    scale=alt.Scale(domain=[k.name(lang) for k in kinds],
                                                    range=[k.colour for k in kinds]),
                                    legend=alt.Legend(orient="right", labelLimit=300)),
                    order=alt.Order("orden:Q"),
                    tooltip=[alt.Tooltip("maaned:N", title=t("ch_month", lang)),
                             alt.Tooltip("type:N", title=t("col_kind", lang)),
                             alt.Tooltip("antal_tekst:N", title=t("ch_reports", lang))])
            .properties(height=360))


def signals_per_month_table(df: pd.DataFrame, lang: str, *, protected: bool) -> pd.DataFrame:
    """The numbers behind the chart: a month per row (every month the chart shows), a kind
    per column, as text. A cell without reports reads ``0`` — or, for protected numbers, ``<5`` (0–4), so a true 0 can't
    be told from a small count."""
    if not len(df):
        return pd.DataFrame()
    empty = "<5" if protected else number_text(0, lang)
    kinds = [k for k in KINDS if k.id in set(df["kind"])]
    cells = {(m, k): v for m, k, v in zip(df["month"], df["kind"], df["signals"], strict=True)}
    months = _month_range(df["month"])
    out = pd.DataFrame({t("ch_month", lang): [month_text(m, lang) for m in months]})
    for k in kinds:
        out[k.name(lang)] = [number_text(cells[(m, k.id)], lang) if (m, k.id) in cells else empty for m in months]
    return out


def partner_yield_frame(totals: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's data from ``partner_yield(...)["totals"]``: one row per partner and drawn
    series with ``partner`` (its name), ``serie`` (Danish), ``antal`` (int), ``antal_tekst``,
    ``orden`` (the series' place)."""
    rows = []
    for rec in totals.to_dict("records"):
        for i, (col, key, _colour) in enumerate(_YIELD_SERIES):
            v = rec.get(col)
            if _drawn(pd.Series([v], dtype=object)).iloc[0]:
                rows.append({"partner": str(rec.get("name") or ""), "serie": t(key, lang), "antal": int(v),
                             "antal_tekst": number_text(int(v), lang), "orden": i})
    return pd.DataFrame(rows, columns=["partner", "serie", "antal", "antal_tekst", "orden"])


def partner_yield_chart(totals: pd.DataFrame, lang: str) -> alt.Chart:
    """Per partner (most reports first): reports, assessed and in the target group, as
    grouped horizontal bars. ``totals``: ``partner_yield(...)["totals"]`` as a frame."""
    data = partner_yield_frame(totals, lang)
    reports = data[data["orden"] == 0].sort_values(["antal", "partner"], ascending=[False, True])
    partners = list(reports["partner"]) + sorted(set(data["partner"]) - set(reports["partner"]))
    series = [t(key, lang) for _c, key, _col in _YIELD_SERIES]
    return (alt.Chart(data, title=t("par_yield_chart", lang)).mark_bar()
            .encode(y=alt.Y("partner:N", title=t("par_col_name", lang), sort=partners,
                            axis=alt.Axis(labelLimit=320)),
                    yOffset=alt.YOffset("serie:N", sort=series),
                    x=alt.X("antal:Q", axis=_count_axis(t("par_yield_count", lang), lang)),
                    color=alt.Color("serie:N", title=t("par_yield_measure", lang),
                                    scale=alt.Scale(domain=series, range=[c for _i, _k, c in _YIELD_SERIES]),
                                    legend=alt.Legend(orient="bottom")),
                    tooltip=[alt.Tooltip("partner:N", title=t("par_col_name", lang)),
                             alt.Tooltip("serie:N", title=t("par_yield_measure", lang)),
                             alt.Tooltip("antal_tekst:N", title=t("par_yield_count", lang))])
            .properties(height=max(120, 16 * len(series) * max(1, len(partners)) + 40)))


# --- issue 16: the funnel by channel ----------------------------------------------------------

#: the funnel's channels, darkest first (they differ in lightness, not only in hue)
FUNNEL_CHANNELS = (("report", "#1b4f72"), ("both", "#2e86c1"), ("door", "#aed6f1"))
FUNNEL_STAGES = ("reports", "in_target_group", "doors_knocked", "contacts", "relationships", "handovers")


def funnel_frame(funnel: dict, lang: str) -> pd.DataFrame:
    """One row per stage × channel with a drawn count (``"<5"`` and 0 left out): ``fase``,
    ``kanal``, ``antal``, ``antal_tekst``, ``fase_orden``, ``kanal_orden``."""
    rows = []
    for g in funnel.get("by_channel", []):
        for i, st in enumerate(g["stages"]):
            v = st["count"]
            if isinstance(v, str) or not v:
                continue
            rows.append({"fase": t(f"fu_stage_{st['id']}", lang), "kanal": t(f"co_channel_{g['channel']}", lang),
                         "antal": int(v), "antal_tekst": number_text(v, lang), "fase_orden": i,
                         "kanal_orden": [c for c, _ in FUNNEL_CHANNELS].index(g["channel"])})
    return pd.DataFrame(rows, columns=["fase", "kanal", "antal", "antal_tekst", "fase_orden", "kanal_orden"])


def funnel_chart(funnel: dict, lang: str) -> alt.Chart:
    """Horizontal stacked bars: one bar per stage (top to bottom in the funnel's order), its
    parts by channel, each part labelled in the tooltip; the legend names the channels."""
    df = funnel_frame(funnel, lang)
    stages = [t(f"fu_stage_{s}", lang) for s in FUNNEL_STAGES]
    names = [t(f"co_channel_{c}", lang) for c, _ in FUNNEL_CHANNELS]
    colours = [c for _, c in FUNNEL_CHANNELS]
    return alt.Chart(df).mark_bar(stroke="#333", strokeWidth=0.5).encode(
        y=alt.Y("fase:N", sort=stages, title=None),
        x=alt.X("sum(antal):Q", axis=_count_axis(t("fu_count", lang), lang), stack="zero"),
        color=alt.Color("kanal:N", title=t("co_channel", lang), scale=alt.Scale(domain=names, range=colours),
                        sort=names),
        order=alt.Order("kanal_orden:Q"),
        tooltip=[alt.Tooltip("fase:N", title=t("fu_stage", lang)), alt.Tooltip("kanal:N", title=t("co_channel", lang)),
                 alt.Tooltip("antal_tekst:N", title=t("fu_count", lang))],
    ).properties(height=260)
