"""Partners, what they cover, and where the network is thin (*kommunikationsstrategi*).

Pure functions (no database, no Streamlit): the repository (:mod:`detection.repository.partners`)
reads the frames and calls these.

- **Partner kinds** (:data:`PARTNER_KINDS`) and **contact channels** (:data:`CHANNELS`),
  matched on id, Danish or English name, any case.
- **Status** of a partner on a day ``as_of`` (:func:`partner_status`): ``active`` when a
  contact is logged within ``months`` (default 6) before ``as_of``; ``lapsed`` when it
  covers something but the last contact is older (or there is none); ``ended`` when the
  partnership is switched off (``active`` flag false) — an ended partner covers nothing.
- **Coverage** (:func:`coverage_pairs`, :func:`entrance_coverage`): which partners cover
  which entrance — polygons (estates, districts) by an STRtree point-in-polygon query,
  portfolio entrance lists by a join, radii by an STRtree ``dwithin`` query — vectorised,
  no loop over partners. Each entrance is ``active`` (some active partner covers it),
  ``lapsed`` (only lapsed partners) or ``none``.
- **Areas** (:func:`area_coverage`): dwelling-weighted shares of active / lapsed / none per
  area; **gaps** (:func:`gap_list`): areas with need and (almost) no active partner, ranked
  by need, with the nearest partners as suggestions (distance in metres).
- **Yield** (:func:`partner_yield`): reports per partner per month, before/after each
  contact, share assessed as in the target group.
- **Import** (:func:`read_partner_file`, :func:`validate_partner_rows`): CSV / GeoJSON /
  GPKG, every row accounted for (imported, duplicate, or rejected with row, field, value,
  reason code and message).

All geometry in EPSG:25832 metres.
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from detection.errors import InputError
from detection.priorities.ranking import prepare_ranking, rank_prepared, rank_protected
from detection.priorities.scoring import ModelParams
from detection.privacy import KEY_SPACE, protect, record_keys, value_number
from detection.tabular import decode_text, read_csv_rows
from detection.vocab import (
    PARTNER_KINDS,
    normalise,
    parse_partner_kind,
)
from geo.areas import read_vector
from geo.crs import to_work_crs
from geo.errors import GeoInputError

COVERAGE_KINDS = ("polygon", "entrances", "radius")
STATUS_ORDER = ("none", "lapsed", "active")  # worst → best
DEFAULT_ACTIVE_MONTHS = 6


# ------------------------------------------------------------------------------- status


def active_since(as_of: date, months: int = DEFAULT_ACTIVE_MONTHS) -> date:
    """The first day a contact still makes a partner active on ``as_of``.

    >>> active_since(date(2026, 11, 1), 6)
    datetime.date(2026, 5, 1)
    """
    return (pd.Timestamp(as_of) - pd.DateOffset(months=int(months))).date()


def partner_status(partners: pd.DataFrame, contacts: pd.DataFrame, *, as_of: date,
                   months: int = DEFAULT_ACTIVE_MONTHS) -> pd.DataFrame:
    """Status of every partner on ``as_of``.

    Parameters
    ----------
    partners : DataFrame
        ``partner_id`` and optionally ``active`` (bool; false = partnership ended).
    contacts : DataFrame
        The contact log: ``partner_id``, ``contact_date`` (and optionally ``next_contact``).
        Contacts after ``as_of`` are ignored (the clock is fixed).

    Returns
    -------
    DataFrame indexed by ``partner_id`` with ``status`` (``active``/``lapsed``/``ended``),
    ``last_contact`` (date or None) and ``next_contact`` (the latest planned, or None).
    """
    since = active_since(as_of, months)
    c = contacts.copy()
    if len(c):
        c["contact_date"] = pd.to_datetime(c["contact_date"]).dt.date
        c = c[c["contact_date"] <= as_of]
    last = c.groupby("partner_id")["contact_date"].max() if len(c) else pd.Series(dtype=object)
    nxt = pd.Series(dtype=object)
    if len(c) and "next_contact" in c.columns:
        latest = c.sort_values("contact_date").groupby("partner_id").tail(1).set_index("partner_id")
        nxt = latest["next_contact"].map(lambda d: pd.Timestamp(d).date() if pd.notna(d) else None)
    out = pd.DataFrame(index=pd.Index(partners["partner_id"].astype(str), name="partner_id"))
    out["last_contact"] = [last.get(p) for p in out.index]
    out["next_contact"] = [nxt.get(p) if len(nxt) else None for p in out.index]
    on = partners["active"].fillna(True).astype(bool).to_numpy() if "active" in partners.columns \
        else np.ones(len(partners), dtype=bool)
    recent = np.array([lc is not None and not pd.isna(lc) and lc >= since for lc in out["last_contact"]],
                      dtype=bool)
    out["status"] = np.where(~on, "ended", np.where(recent, "active", "lapsed"))
    return out


# ------------------------------------------------------------------------------- coverage


def coverage_pairs(entrances: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Which coverage item reaches which entrance, all kinds at once (no partner loop).

    Parameters
    ----------
    entrances : DataFrame
        ``entrance_id``, ``x``, ``y`` (EPSG:25832).
    coverage : DataFrame
        ``partner_id``, ``kind`` (``polygon``/``entrances``/``radius``), ``geometry``
        (shapely polygon, or the radius centre point), ``entrance_id``, ``radius_m``.

    Returns
    -------
    DataFrame ``entrance_idx`` (row position in ``entrances``), ``partner_id`` (categorical);
    one row per (entrance, partner) pair, no repeats, sorted by entrance then partner.

    One STRtree over the entrance points; polygons and circles query it by bounding box,
    then every candidate pair is tested at once (``shapely.contains_xy`` for polygons — a
    point exactly on the edge is outside; squared distance ≤ radius² for circles);
    portfolios are an index join. Partner ids are integer-coded so de-duplicating a million
    pairs is one ``np.unique`` on int64 keys.
    """
    n_cov = len(coverage)
    codes, uniques = pd.factorize(coverage["partner_id"].astype(str)) if n_cov else (
        np.array([], dtype=np.int64), pd.Index([], dtype=object))
    kind = coverage["kind"].to_numpy() if n_cov else np.array([], dtype=object)
    ent_parts: list[np.ndarray] = []
    code_parts: list[np.ndarray] = []
    poly = np.flatnonzero(kind == "polygon")
    rad = np.flatnonzero(kind == "radius")
    if len(poly) or len(rad):
        ex, ey = entrances["x"].to_numpy(float), entrances["y"].to_numpy(float)
        tree = shapely.STRtree(shapely.points(ex, ey))
        if len(poly):
            # bounding-box candidates from the tree, then one vectorised point-in-polygon
            # test over all candidate pairs (much faster than a per-polygon predicate)
            geoms = np.asarray(coverage["geometry"].to_numpy()[poly], dtype=object)
            i_poly, i_ent = tree.query(geoms)
            # (a point exactly on a polygon's edge is not inside: contains, not intersects)
            inside = shapely.contains_xy(geoms[i_poly], ex[i_ent], ey[i_ent])
            ent_parts.append(i_ent[inside])
            code_parts.append(codes[poly][i_poly[inside]])
        if len(rad):
            cxy = shapely.get_coordinates(np.asarray(coverage["geometry"].to_numpy()[rad], dtype=object))
            radius = coverage["radius_m"].to_numpy(float)[rad]
            boxes = shapely.box(cxy[:, 0] - radius, cxy[:, 1] - radius, cxy[:, 0] + radius, cxy[:, 1] + radius)
            i_c, i_ent = tree.query(boxes)
            near = (ex[i_ent] - cxy[i_c, 0]) ** 2 + (ey[i_ent] - cxy[i_c, 1]) ** 2 <= radius[i_c] ** 2
            ent_parts.append(i_ent[near])
            code_parts.append(codes[rad][i_c[near]])
    lst = np.flatnonzero(kind == "entrances")
    if len(lst):
        pos = pd.Index(entrances["entrance_id"].astype(str).to_numpy())
        idx = pos.get_indexer(coverage["entrance_id"].astype(str).to_numpy()[lst])
        ok = idx >= 0
        ent_parts.append(idx[ok])
        code_parts.append(codes[lst][ok])
    n_codes = max(len(uniques), 1)
    if ent_parts:
        key = np.unique(np.concatenate(ent_parts).astype(np.int64) * n_codes
                        + np.concatenate(code_parts).astype(np.int64))
    else:
        key = np.array([], dtype=np.int64)
    return pd.DataFrame({"entrance_idx": key // n_codes,
                         "partner_id": pd.Categorical.from_codes(key % n_codes, categories=pd.Index(uniques))})


def _pair_status(pairs: pd.DataFrame, status: pd.DataFrame) -> np.ndarray:
    """The status of the partner of each pair (fast path for a categorical ``partner_id``)."""
    pid = pairs["partner_id"]
    if isinstance(pid.dtype, pd.CategoricalDtype):
        per_cat = status["status"].reindex(pid.cat.categories.astype(str)).to_numpy()
        return per_cat[pid.cat.codes.to_numpy()] if len(per_cat) else np.array([], dtype=object)
    return status["status"].reindex(pid.astype(str)).to_numpy()


def entrance_coverage(entrances: pd.DataFrame, pairs: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Per entrance: ``coverage`` (``active``/``lapsed``/``none``), ``n_active``, ``n_lapsed``.

    ``pairs`` from :func:`coverage_pairs`; ``status`` from :func:`partner_status`. Ended
    partners count for nothing.
    """
    n = len(entrances)
    st = _pair_status(pairs, status)
    idx = pairs["entrance_idx"].to_numpy(np.int64)
    n_active = np.bincount(idx[st == "active"], minlength=n)
    n_lapsed = np.bincount(idx[st == "lapsed"], minlength=n)
    cov = np.where(n_active > 0, "active", np.where(n_lapsed > 0, "lapsed", "none"))
    out = pd.DataFrame({"entrance_id": entrances["entrance_id"].to_numpy(), "coverage": cov,
                        "n_active": n_active, "n_lapsed": n_lapsed})
    if "dwellings" in entrances.columns:
        out["dwellings"] = entrances["dwellings"].to_numpy()
    return out


def area_coverage(entr_cov: pd.DataFrame, area_ids: np.ndarray, areas: gpd.GeoDataFrame,
                  pairs: pd.DataFrame, status: pd.DataFrame, partner_names: Mapping[str, str]) -> pd.DataFrame:
    """Dwelling-weighted coverage shares per area.

    Returns one row per area of ``areas``: ``area_id``, ``name``, ``entrances``,
    ``dwellings``, ``active_share``, ``lapsed_share``, ``none_share`` (of dwellings, 0–1,
    summing to 1 where there are dwellings), ``partners_active``, ``partners_lapsed``
    (sorted partner names covering at least one entrance of the area).
    """
    dw = entr_cov["dwellings"].to_numpy(float) if "dwellings" in entr_cov.columns else np.ones(len(entr_cov))
    df = pd.DataFrame({"area_id": area_ids, "coverage": entr_cov["coverage"].to_numpy(), "dw": dw})
    df = df[df["area_id"].notna()]
    tab = df.pivot_table(index="area_id", columns="coverage", values="dw", aggfunc="sum", fill_value=0.0)
    for c in STATUS_ORDER:
        if c not in tab.columns:
            tab[c] = 0.0
    n_ent = df.groupby("area_id").size()
    pa = pd.DataFrame({"area_id": area_ids[pairs["entrance_idx"].to_numpy(np.int64)] if len(pairs) else [],
                       "partner_id": pairs["partner_id"].astype(str).to_numpy(),
                       "status": _pair_status(pairs, status)})
    pa = pa[pa["area_id"].notna()]
    names: dict[tuple[str, str], list[str]] = {}
    for (a, s), g in pa.drop_duplicates(["area_id", "partner_id"]).groupby(["area_id", "status"]):
        names[(a, s)] = sorted(partner_names.get(p, p) for p in g["partner_id"])
    ids = areas["area_id"].to_numpy()
    t3 = tab.reindex(ids).fillna(0.0)
    total = t3[list(STATUS_ORDER)].sum(axis=1).to_numpy(float)
    safe = np.where(total > 0, total, 1.0)
    out = pd.DataFrame({"area_id": ids, "name": areas["name"].to_numpy(),
                        "entrances": n_ent.reindex(ids).fillna(0).astype(int).to_numpy(),
                        "dwellings": np.rint(total).astype(int)})
    for c in STATUS_ORDER:
        out[f"{c}_share"] = np.round(np.where(total > 0, t3[c].to_numpy(float) / safe, 0.0), 4)
    out["partners_active"] = [names.get((a, "active"), []) for a in ids]
    out["partners_lapsed"] = [names.get((a, "lapsed"), []) for a in ids]
    return out[["area_id", "name", "entrances", "dwellings", "active_share", "lapsed_share", "none_share",
                "partners_active", "partners_lapsed"]]


# ------------------------------------------------------------------------------- need


# ------------------------------------------------------------------------------- gaps


def partner_geometries(coverage: pd.DataFrame, entrances: pd.DataFrame) -> gpd.GeoSeries:
    """One (multi)geometry per partner: polygons, radius circles and portfolio points."""
    if not len(coverage):
        return gpd.GeoSeries([], crs="EPSG:25832")
    geoms = coverage["geometry"].to_numpy(dtype=object).copy()
    rad = (coverage["kind"] == "radius").to_numpy()
    if rad.any():
        geoms[rad] = shapely.buffer(geoms[rad].astype(object), coverage["radius_m"].to_numpy(float)[rad])
    lst = (coverage["kind"] == "entrances").to_numpy()
    if lst.any():
        xy = entrances.drop_duplicates("entrance_id").set_index("entrance_id")[["x", "y"]]
        e = xy.reindex(coverage["entrance_id"].astype(str).to_numpy()[lst])
        known = e["x"].notna().to_numpy()
        pts = np.full(len(e), None, dtype=object)
        pts[known] = shapely.points(e["x"].to_numpy(float)[known], e["y"].to_numpy(float)[known])
        geoms[lst] = pts
    keep = np.array([g is not None for g in geoms], dtype=bool)
    g = gpd.GeoDataFrame({"partner_id": coverage["partner_id"].astype(str).to_numpy()[keep]},
                         geometry=list(geoms[keep]), crs="EPSG:25832")
    g = g[~g.geometry.is_empty]
    return g.dissolve(by="partner_id").geometry


def gap_list(areas_cov: pd.DataFrame, need: pd.Series, areas: gpd.GeoDataFrame,
             partner_geoms: gpd.GeoSeries, status: pd.DataFrame, partner_names: Mapping[str, str], *,
             top: int | None = None, max_active_share: float = 0.1, suggestions: int = 3) -> pd.DataFrame:
    """High-need areas with no (or almost no) active partner, ranked by need.

    An area is a gap when it has need (score > 0) and under ``max_active_share`` of its
    dwellings are covered by an active partner (default 10 %: "no active partner" with a
    little slack for a caretaker radius grazing the edge). ``high_need`` marks gaps whose
    need is at least the median need of all areas given. Each gap lists up to
    ``suggestions`` nearest partners that are not ended (``partner_id``, ``name``,
    ``status``, ``distance_m`` from the area polygon to what the partner covers; 0 = it
    already covers part of the area).
    """
    df = areas_cov.copy()
    df["need"] = need.reindex(df["area_id"]).fillna(0.0).to_numpy()
    median = float(np.median(df["need"])) if len(df) else 0.0
    gaps = df[(df["need"] > 0) & (df["active_share"] < max_active_share)].copy()
    gaps = gaps.sort_values(["need", "area_id"], ascending=[False, True]).reset_index(drop=True)
    if top is not None:
        gaps = gaps.head(int(top))
    gaps["rank"] = np.arange(1, len(gaps) + 1)
    gaps["high_need"] = gaps["need"] >= median
    st = status["status"] if len(status) else pd.Series(dtype=object)
    alive = partner_geoms[[st.get(p, "ended") != "ended" for p in partner_geoms.index]] \
        if len(partner_geoms) else partner_geoms
    geom_by_area = dict(zip(areas["area_id"], areas.geometry, strict=True))
    sugg = []
    for a in gaps["area_id"]:
        if not len(alive):
            sugg.append([])
            continue
        d = alive.distance(geom_by_area[a]).sort_values(kind="stable").head(suggestions)
        sugg.append([{"partner_id": p, "name": partner_names.get(p, p), "status": st.get(p, "lapsed"),
                      "distance_m": int(round(float(v)))} for p, v in d.items()])
    gaps["suggestions"] = sugg
    cols = ["rank", "area_id", "name", "dwellings", "need", "high_need", "active_share",
            "lapsed_share", "none_share", "partners_lapsed", "suggestions"]
    return gaps[cols]


# ------------------------------------------------------------------------------- yield


def partner_yield(signals: pd.DataFrame, contacts: pd.DataFrame, *, as_of: date,
                  window_days: int = 90, protected: bool = False) -> dict[str, pd.DataFrame]:
    """Reports per partner over time, and before/after each logged contact.

    Parameters
    ----------
    signals : DataFrame
        ``partner_id``, ``received`` (date), ``assessment`` (and ``signal_id`` for
        ``protected``).
    contacts : DataFrame
        ``contact_id``, ``partner_id``, ``contact_date``, ``channel``.
    protected : bool
        Every count rounded to a multiple of 5 by cell-key random rounding (``"<5"`` for
        0) and the share computed from the rounded counts (docs/privacy.md).

    Returns
    -------
    dict with
    - ``monthly``: ``partner_id``, ``month`` (``YYYY-MM``), ``reports``;
    - ``totals``: ``partner_id``, ``reports``, ``in_target_group``, ``assessed``,
      ``target_share`` (in target group ÷ reports; None without reports);
    - ``contacts``: per contact ``before`` (reports in the ``window_days`` before it) and
      ``after`` (in the ``window_days`` from it, cut at ``as_of``), ``after_days``
      (days observed after it).
    """
    s = signals[signals["partner_id"].notna()].copy()
    s["received"] = pd.to_datetime(s["received"])
    s = s[s["received"] <= pd.Timestamp(as_of)]
    s["_k"] = record_keys(s["signal_id"].astype(str)) if protected else np.zeros(len(s), dtype=np.uint64)
    s["_in"] = s["assessment"] == "in_target_group"
    s["_assessed"] = ~s["assessment"].isin(["new"])

    def count(values, keys, measure: str) -> list:  # noqa: ANN001
        values = np.asarray(values, dtype=np.int64)
        if not protected:
            return values.tolist()
        return protect(values, np.asarray(keys, dtype=np.uint64) % np.uint64(KEY_SPACE), measure)

    def keysum(mask) -> np.uint64:  # noqa: ANN001
        return np.uint64(int(s.loc[mask, "_k"].astype(np.uint64).sum()) % KEY_SPACE) if protected else np.uint64(0)

    mon = s.assign(month=s["received"].dt.strftime("%Y-%m")).groupby(["partner_id", "month"])
    monthly = mon.size().rename("reports").reset_index()
    if len(monthly):
        monthly["reports"] = count(monthly["reports"], [keysum(i) for i in mon.groups.values()], "yield.monthly")
    g = s.groupby("partner_id")
    if len(s):
        groups = g.groups
        totals = pd.DataFrame({"partner_id": list(groups)})
        totals["reports"] = count([len(i) for i in groups.values()], [keysum(i) for i in groups.values()],
                                  "yield.reports")
        ins = [s.loc[i, "_in"] for i in groups.values()]
        ass = [s.loc[i, "_assessed"] for i in groups.values()]
        totals["in_target_group"] = count([int(m.sum()) for m in ins], [keysum(m.index[m]) for m in ins],
                                          "yield.in_target_group")
        totals["assessed"] = count([int(m.sum()) for m in ass], [keysum(m.index[m]) for m in ass], "yield.assessed")
    else:
        totals = pd.DataFrame(columns=["partner_id", "reports", "in_target_group", "assessed"])
    totals["target_share"] = [round(value_number(i) / value_number(r), 3) if value_number(r) else None
                              for i, r in zip(totals["in_target_group"], totals["reports"], strict=True)]
    rows = []
    c = contacts.copy()
    if len(c):
        c["contact_date"] = pd.to_datetime(c["contact_date"])
        c = c[c["contact_date"] <= pd.Timestamp(as_of)]
    by_partner = {p: (grp["received"].to_numpy(), grp.index) for p, grp in s.groupby("partner_id")}
    w = np.timedelta64(int(window_days), "D")
    for r in c.itertuples(index=False):
        rec, idx = by_partner.get(r.partner_id, (np.array([], dtype="datetime64[ns]"), pd.Index([])))
        d = np.datetime64(r.contact_date)
        end = min(d + w, np.datetime64(pd.Timestamp(as_of)) + np.timedelta64(1, "D"))
        before, after = (rec >= d - w) & (rec < d), (rec >= d) & (rec < end)
        rows.append({"contact_id": r.contact_id, "partner_id": r.partner_id,
                     "contact_date": r.contact_date.date(), "channel": r.channel,
                     "before": count([before.sum()], [keysum(idx[before])], "yield.before")[0],
                     "after": count([after.sum()], [keysum(idx[after])], "yield.after")[0],
                     "after_days": int((end - d) / np.timedelta64(1, "D"))})
    per_contact = pd.DataFrame(rows, columns=["contact_id", "partner_id", "contact_date", "channel",
                                              "before", "after", "after_days"])
    return {"monthly": monthly, "totals": totals, "contacts": per_contact}


# ------------------------------------------------------------------------------- import

MAX_FIELD = 2000
PARTNER_FIELDS = ("partner_id", "name", "kind", "contact_name", "contact_phone", "contact_email",
                  "active", "notes")
COVERAGE_FIELDS = ("coverage", "label", "entrance_id", "x", "y", "radius_m", "wkt")
KNOWN_FIELDS = frozenset(PARTNER_FIELDS + COVERAGE_FIELDS)
#: column widths of the store (longer values are ``field_too_long``); others: MAX_FIELD
FIELD_LIMITS = {"partner_id": 36, "name": 200, "kind": 100, "contact_name": 200, "contact_phone": 50,
                "contact_email": 200, "label": 200, "entrance_id": 36}
_HEADER_ALIASES = {
    "navn": "name", "partner": "name", "type": "kind", "art": "kind", "kontaktperson": "contact_name",
    "kontakt": "contact_name", "telefon": "contact_phone", "tlf": "contact_phone", "phone": "contact_phone",
    "email": "contact_email", "e-mail": "contact_email", "mail": "contact_email", "aktiv": "active",
    "noter": "notes", "note": "notes", "bemærkninger": "notes", "dækning": "coverage",
    "daekning": "coverage", "betegnelse": "label", "adgangsadresse_id": "entrance_id",
    "adgangsadresseid": "entrance_id", "id_lokalid": "entrance_id", "radius": "radius_m",
    "geometry": "wkt", "geometri": "wkt",
}
_TRUE = {"", "1", "true", "ja", "yes", "j", "y", "aktiv", "active", "x"}
_FALSE = {"0", "false", "nej", "no", "n", "ophørt", "ended", "inaktiv", "inactive"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(value: str) -> bool:
    """Whether ``value`` looks like an e-mail address (one ``@``, a dot after it, no spaces)."""
    return _EMAIL.match(value) is not None


@dataclass
class RawRow:
    """One input row: its spreadsheet row number, its fields and (GeoJSON/GPKG) geometry."""

    row: int
    fields: dict[str, str]
    geometry: object | None = None


@dataclass
class PartnerImport:
    """The outcome of validating a partner file: every row is in exactly one bucket."""

    rows: int = 0
    partners: dict[str, dict] = field(default_factory=dict)  # partner_id → values (new or changed)
    new_partner_ids: set[str] = field(default_factory=set)
    coverage: list[dict] = field(default_factory=list)
    imported_rows: list[int] = field(default_factory=list)
    duplicate_rows: list[int] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)  # row, field, value, reason, message, raw

    @property
    def imported(self) -> int:
        return len(self.imported_rows)

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_rows)


def _header(name: str) -> str:
    n = normalise(name).replace(" ", "_")
    return _HEADER_ALIASES.get(n, _HEADER_ALIASES.get(n.replace("_", " "), n))


def read_partner_file(path: str | Path) -> list[RawRow]:
    """Rows of a partner file: CSV (``;`` or ``,``, UTF-8 with or without BOM), GeoJSON or
    GeoPackage. Geometries of GeoJSON/GPKG are taken to EPSG:25832 (a file must name its CRS; GeoJSON
    is WGS84 by definition: :func:`geo.areas.read_vector`). Unknown headers reject the whole file (``header_unknown``);
    so does a CSV whose quoting breaks (``bad_quoting``, naming the line: :func:`detection.tabular.read_csv_rows`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json", ".gpkg"):
        try:
            gdf = to_work_crs(read_vector(path, "partner file"), what=f"partner file {path.name}")
        except GeoInputError as exc:
            raise InputError(str(exc)) from exc
        cols = {c: _header(c) for c in gdf.columns if c != gdf.geometry.name}
        _check_headers(path, cols.values())
        out = []
        for i, (_, r) in enumerate(gdf.iterrows()):
            vals = {cols[c]: ("" if pd.isna(r[c]) else str(r[c])) for c in cols}
            g = r[gdf.geometry.name]
            out.append(RawRow(i + 2, vals, None if g is None or g.is_empty else g))
        return out
    # strictly: a broken quote refuses the file naming the line, a long cell reaches the row
    # check (field_too_long) — detection.tabular.read_csv_rows
    records = read_csv_rows(decode_text(path.read_bytes(), replace_bad=True), path.name)
    if not records:
        raise InputError(f"{path.name}: the file is empty")
    names = [_header(h) for h in records[0][1]]
    _check_headers(path, names)
    out = []
    for i, (_, rec) in enumerate(records[1:]):
        if not any(v.strip() for v in rec):
            continue
        vals = {n: (rec[j] if j < len(rec) else "") for j, n in enumerate(names)}
        out.append(RawRow(i + 2, vals))
    return out


def _check_headers(path: Path, names: Iterable[str]) -> None:
    names = list(names)
    unknown = [n for n in names if n not in KNOWN_FIELDS]
    if unknown or "name" not in names and "partner_id" not in names:
        raise InputError(
            f"{path.name}: header_unknown — columns {unknown or names} are not understood; "
            f"expected some of: {', '.join(PARTNER_FIELDS + COVERAGE_FIELDS)} (name or partner_id required)")


def _reject(imp: PartnerImport, row: RawRow, fld: str, value: object, reason: str, message: str) -> None:
    imp.rejected.append({"row": row.row, "field": fld, "value": str(value)[:300], "reason": reason,
                         "message": message, "raw": repr(row.fields)[:2000]})


def _coverage_key(c: Mapping) -> str:
    h = hashlib.sha256()
    h.update(f"{c['partner_id']}|{c['kind']}|{c.get('entrance_id') or ''}|{c.get('radius_m') or ''}|".encode())
    if c.get("geometry_wkb") is not None:
        h.update(c["geometry_wkb"])
    return h.hexdigest()


def coverage_keys(existing: pd.DataFrame) -> set[str]:
    """Keys of stored coverage rows (``partner_id, kind, entrance_id, radius_m, geometry_wkb``)."""
    return {_coverage_key(r) for r in existing.to_dict("records")}


def validate_partner_rows(rows: list[RawRow], *, entrance_ids: set[str], existing: pd.DataFrame,
                          existing_coverage_keys: set[str], boundary: object | None = None,
                          id_namespace: uuid.UUID | None = None) -> PartnerImport:
    """Check every row; each ends imported, duplicate, or rejected with a reason.

    A row names a partner (``partner_id`` of a stored partner, or ``name`` + ``kind``) and
    optionally one coverage item: ``coverage`` = ``polygon`` (``wkt`` in EPSG:25832, or
    the feature's polygon), ``entrances`` (``entrance_id`` of the register), or
    ``radius`` (``x``, ``y`` in EPSG:25832 or the feature's point, and ``radius_m``).
    Without ``coverage`` it is guessed from what the row holds. Several rows may name the
    same partner (a portfolio = one row per entrance). A row that changes nothing and adds
    no new coverage is a duplicate.

    Reason codes: ``name_missing``, ``kind_unknown``, ``field_too_long``, ``bad_encoding``,
    ``email_invalid``, ``active_invalid``, ``partner_unknown``, ``coverage_unknown``,
    ``address_missing``, ``address_not_found``, ``bad_coordinates``, ``radius_invalid``,
    ``geometry_invalid``, ``outside_municipality``.
    """
    imp = PartnerImport(rows=len(rows))
    ns = id_namespace or uuid.UUID("7a1e0c5e-2b8a-4f57-9d4c-6a0f2b9e1d33")
    by_id = {str(r["partner_id"]): dict(r) for r in existing.to_dict("records")}
    by_name = {(normalise(r["name"]), r["kind"]): str(r["partner_id"]) for r in existing.to_dict("records")}
    seen_cov = set(existing_coverage_keys)
    for row in rows:
        f = {k: (v if isinstance(v, str) else str(v)) for k, v in row.fields.items()}
        bad = next(((k, v) for k, v in f.items() if "\x00" in v), None)
        if bad:
            _reject(imp, row, bad[0], bad[1].replace("\x00", "\\0"), "bad_encoding", "the field holds a NUL byte")
            continue
        long_ = next(((k, v) for k, v in f.items() if len(v.strip()) > FIELD_LIMITS.get(k, MAX_FIELD)), None)
        if long_:
            _reject(imp, row, long_[0], long_[1][:50] + "…", "field_too_long",
                    f"the field is longer than {FIELD_LIMITS.get(long_[0], MAX_FIELD):,} characters")
            continue
        f = {k: v.strip() for k, v in f.items()}
        pid = f.get("partner_id", "")
        if pid and pid in by_id:
            base = by_id[pid]
        elif pid and not f.get("name"):
            _reject(imp, row, "partner_id", pid, "partner_unknown", "no stored partner has this id")
            continue
        else:
            if not f.get("name"):
                _reject(imp, row, "name", "", "name_missing", "a partner needs a name")
                continue
            kind = parse_partner_kind(f.get("kind", ""))
            if kind is None:
                _reject(imp, row, "kind", f.get("kind", ""), "kind_unknown",
                        "partner kind not known; use one of: " + ", ".join(k.name_da for k in PARTNER_KINDS))
                continue
            pid = pid or by_name.get((normalise(f["name"]), kind)) or str(uuid.uuid5(ns, f"{normalise(f['name'])}|{kind}"))
            base = by_id.get(pid) or {"partner_id": pid, "name": f["name"], "kind": kind, "active": True,
                                      "notes": "", "contact_name": None, "contact_phone": None,
                                      "contact_email": None}
        values = dict(base)
        if f.get("kind"):
            k = parse_partner_kind(f["kind"])
            if k is None:
                _reject(imp, row, "kind", f["kind"], "kind_unknown", "partner kind not known")
                continue
            values["kind"] = k
        if f.get("name"):
            values["name"] = f["name"]
        for col in ("contact_name", "contact_phone", "notes"):
            if f.get(col):
                values[col] = f[col]
        if f.get("contact_email"):
            if not _EMAIL.match(f["contact_email"]):
                _reject(imp, row, "contact_email", f["contact_email"], "email_invalid",
                        "not an e-mail address (name@domain.dk)")
                continue
            values["contact_email"] = f["contact_email"]
        if "active" in f and f["active"] != "":
            a = normalise(f["active"])
            if a not in _TRUE | _FALSE:
                _reject(imp, row, "active", f["active"], "active_invalid", "use ja/nej (yes/no)")
                continue
            values["active"] = a in _TRUE
        cov, err = _coverage_item(row, f, pid, entrance_ids, boundary)
        if err:
            _reject(imp, row, *err)
            continue
        changed = pid not in by_id or any(not _same(values.get(k), by_id[pid].get(k)) for k in
                                          ("name", "kind", "contact_name", "contact_phone",
                                           "contact_email", "active", "notes"))
        new_cov = False
        if cov is not None:
            key = _coverage_key(cov)
            if key not in seen_cov:
                seen_cov.add(key)
                imp.coverage.append({**cov, "row": row.row})
                new_cov = True
        if changed:
            if pid not in by_id:
                imp.new_partner_ids.add(pid)
            by_id[pid] = values
            by_name[(normalise(values["name"]), values["kind"])] = pid
            imp.partners[pid] = values
        if changed or new_cov:
            imp.imported_rows.append(row.row)
        else:
            imp.duplicate_rows.append(row.row)
    return imp


def _same(a: object, b: object) -> bool:
    """Equal, with None / NaN / "" all meaning "not given"."""
    def blank(v: object) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""
    if blank(a) or blank(b):
        return blank(a) and blank(b)
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return bool(a) == bool(b)
    return a == b


def _coverage_item(row: RawRow, f: Mapping[str, str], pid: str, entrance_ids: set[str],
                   boundary: object | None) -> tuple[dict | None, tuple | None]:
    kind = normalise(f.get("coverage", ""))
    kind = {"polygon": "polygon", "område": "polygon", "omraade": "polygon", "entrances": "entrances",
            "entrance": "entrances", "adresser": "entrances", "portefølje": "entrances",
            "radius": "radius", "": ""}.get(kind, "?" + kind)
    g = row.geometry
    if kind == "":
        if f.get("entrance_id"):
            kind = "entrances"
        elif f.get("radius_m"):
            kind = "radius"
        elif f.get("wkt") or (g is not None and g.geom_type in ("Polygon", "MultiPolygon")):
            kind = "polygon"
        else:
            return None, None
    if kind.startswith("?"):
        return None, ("coverage", f.get("coverage", ""), "coverage_unknown",
                      "coverage must be polygon, entrances or radius")
    label = f.get("label", "")
    if kind == "entrances":
        e = f.get("entrance_id", "")
        if not e:
            return None, ("entrance_id", "", "address_missing", "an entrance list row needs entrance_id")
        if e not in entrance_ids:
            return None, ("entrance_id", e, "address_not_found", "no entrance with this id in the register")
        return {"partner_id": pid, "kind": "entrances", "label": label, "entrance_id": e,
                "geometry_wkb": None, "radius_m": None}, None
    if kind == "radius":
        try:
            r = float(f.get("radius_m", "").replace(",", "."))
        except ValueError:
            r = float("nan")
        if not (math.isfinite(r) and 0 < r <= 20_000):
            return None, ("radius_m", f.get("radius_m", ""), "radius_invalid",
                          "radius must be a number of metres, above 0 and at most 20,000")
        if g is not None and g.geom_type == "Point":
            pt = g
        else:
            try:
                x, y = float(f.get("x", "").replace(",", ".")), float(f.get("y", "").replace(",", "."))
            except ValueError:
                return None, ("x", f"{f.get('x', '')},{f.get('y', '')}", "bad_coordinates",
                              "x and y must be EPSG:25832 metres")
            if not (100_000 <= x <= 1_000_000 and 6_000_000 <= y <= 6_500_000):
                return None, ("x", f"{x},{y}", "bad_coordinates", "x, y are not in Denmark (EPSG:25832 metres)")
            pt = shapely.Point(x, y)
        if boundary is not None and pt.distance(boundary) > r:
            return None, ("x", f"{pt.x:.0f},{pt.y:.0f}", "outside_municipality",
                          "the circle does not reach the municipality")
        return {"partner_id": pid, "kind": "radius", "label": label, "entrance_id": None,
                "geometry_wkb": shapely.to_wkb(pt), "radius_m": r}, None
    # polygon
    if f.get("wkt"):
        try:
            g = shapely.from_wkt(f["wkt"])
        except Exception:  # noqa: BLE001 - shapely raises GEOSException subclasses
            return None, ("wkt", f["wkt"][:80], "geometry_invalid", "not readable WKT")
    if g is None or g.geom_type not in ("Polygon", "MultiPolygon"):
        return None, ("wkt", f.get("wkt", "")[:80], "geometry_invalid", "a polygon row needs a polygon")
    if not g.is_valid:
        g = shapely.make_valid(g)
        if g.geom_type not in ("Polygon", "MultiPolygon") or g.is_empty:
            return None, ("wkt", f.get("wkt", "")[:80], "geometry_invalid", "the polygon is not valid")
    minx, miny, maxx, maxy = g.bounds
    if not (100_000 <= minx and maxx <= 1_000_000 and 6_000_000 <= miny and maxy <= 6_500_000):
        return None, ("wkt", f.get("wkt", "")[:80], "bad_coordinates",
                      "the polygon is not in Denmark (EPSG:25832 metres)")
    if boundary is not None and not g.intersects(boundary):
        return None, ("wkt", f.get("wkt", "")[:80], "outside_municipality", "the polygon is outside the municipality")
    return {"partner_id": pid, "kind": "polygon", "label": label, "entrance_id": None,
            "geometry_wkb": shapely.to_wkb(g), "radius_m": None}, None


def overdue(status: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Partners whose planned next contact is before ``as_of`` (not ended)."""
    s = status[(status["status"] != "ended") & status["next_contact"].notna()]
    s = s[np.array([d < as_of for d in s["next_contact"]], dtype=bool)]
    return s.assign(days_overdue=np.array([(as_of - d).days for d in s["next_contact"]], dtype=int))



# ------------------------------------------------------------------------------- need


NEED_PRIORITIES = "priorities model (smoothed rate per 1,000 dwellings)"


def need_by_area(frames: Mapping, as_of: date, params: ModelParams, *,
                 protected: bool = False) -> tuple[pd.Series, str]:
    """The need score per area (index ``area_id``) and the name of the model that gave it.

    The need is the area ranking's empirical-Bayes smoothed ``rate`` per 1,000 dwellings
    under ``params`` (the planner's saved :class:`~detection.priorities.scoring.ModelParams`):
    the same weights and the same decay as *Prioritering*, so the coverage view and the
    ranking never disagree about where the need is. With ``protected`` it is the rate an
    analyst sees (:func:`detection.priorities.ranking.rank_protected`).

    ``frames`` holds ``signals`` (``signal_id, entrance_id, kind, received, credibility,
    source, partner_id, assessment``), ``area_of_entrance`` (Series ``entrance_id`` →
    ``area_id``) and ``dwellings`` (Series ``entrance_id`` → dwellings).
    """
    prep = prepare_ranking(area_of_entrance=frames["area_of_entrance"], dwellings=frames["dwellings"],
                           signals=frames["signals"], as_of=as_of)
    ranked = rank_protected(prep, params) if protected else rank_prepared(prep, params)
    return ranked.set_index("area_id")["rate"].astype(float).round(3), NEED_PRIORITIES


GAP_COLUMNS = {
    "rank": {"da": "Rang", "en": "Rank"},
    "area_id": {"da": "Område-id", "en": "Area id"},
    "name": {"da": "Område", "en": "Area"},
    "dwellings": {"da": "Boliger", "en": "Dwellings"},
    "need": {"da": "Behov (pr. 1.000 boliger)", "en": "Need (per 1,000 dwellings)"},
    "high_need": {"da": "Højt behov", "en": "High need"},
    "active_share": {"da": "Andel aktiv dækning", "en": "Share actively covered"},
    "lapsed_share": {"da": "Andel bortfaldet dækning", "en": "Share with lapsed cover"},
    "none_share": {"da": "Andel uden dækning", "en": "Share not covered"},
    "partners_lapsed": {"da": "Partnere uden nylig kontakt", "en": "Partners without recent contact"},
    "suggestions": {"da": "Nærmeste partnere (afstand)", "en": "Nearest partners (distance)"},
}


def gaps_table(gaps: list[dict], *, lang: str = "da") -> pd.DataFrame:
    """The gap list as a flat table for a CSV or the screen (for the next partner meeting):
    shares as whole percent, partner lists joined, suggestions as ``name (status, N m)``."""
    yes, no = ("ja", "nej") if lang == "da" else ("yes", "no")
    status_word = {"active": {"da": "aktiv", "en": "active"}, "lapsed": {"da": "bortfaldet", "en": "lapsed"}}
    rows = []
    for g in gaps:
        rows.append({
            "rank": g["rank"], "area_id": g["area_id"], "name": g["name"], "dwellings": g["dwellings"],
            "need": round(float(g["need"]), 1), "high_need": yes if g["high_need"] else no,
            "active_share": f"{round(100 * g['active_share'])} %", "lapsed_share": f"{round(100 * g['lapsed_share'])} %",
            "none_share": f"{round(100 * g['none_share'])} %",
            "partners_lapsed": "; ".join(g["partners_lapsed"]),
            "suggestions": "; ".join(
                f"{s['name']} ({status_word.get(s['status'], {}).get(lang, s['status'])}, {s['distance_m']:,} m)"
                for s in g["suggestions"]),
        })
    df = pd.DataFrame(rows, columns=list(GAP_COLUMNS))
    return df.rename(columns={k: v[lang] for k, v in GAP_COLUMNS.items()})
