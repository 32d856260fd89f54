"""Repository operations for partners, the contact log and coverage (issue 7): a mixin of
:class:`detection.repository.core.Repository`. Every public method carries ``@operation``.

Operations (:mod:`detection.access`):

- ``partners.read`` (planner, team lead): the registry with business contacts, the
  contact log, overdue partners, feedback files.
- ``partners.write`` (planner): add/update partners, import partners and coverage, add
  coverage, log contacts.
- ``coverage.read`` (planner, team lead, analyst): coverage per area, the gap list and
  partner yield. Analysts get aggregates only: counts 1–4 read ``"<5"`` and areas under 20
  dwellings are left out (:mod:`detection.privacy`); per-entrance coverage is for roles
  that may see addresses.

No method here reads a citizen's address or a report's note; coverage is about
organisations and the public address register, so only writes are audited (and the
feedback export, which is a file leaving the team).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import func, insert, select, update

from detection import clock, vocab
from detection.access import SEES_ADDRESSES
from detection.errors import InputError, NotAllowed, WorkspaceError
from detection.partners import network as P
from detection.partners.feedback import feedback_table
from detection.privacy import MIN_DWELLINGS, publication_date
from detection.repository.base import ProcessCache, frame_rows, insert_many, operation
from detection.repository.priorities import PriorityOps
from detection.repository.workspace import LEFT_DEMO_NOTICE
from detection.store import engine as store_engine
from detection.store import schema as t
from geo.areas import GRID_LAYERS, assign_areas, grid_layer
from geo.crs import WORK_CRS


class DemoWorkspaceRefused(NotAllowed):
    """A real partner import into the synthetic demo workspace, without ``allow_in_demo``."""

    code = "demo_workspace"


_ANALYSES = ProcessCache(8)
"""Coverage analyses per (data version, layer, date, lapse, role class, model): the *Dækning*
page reads coverage, its map layers and its gap list from one analysis (issue 18)."""

_PARTNER_COLS = ("name", "kind", "contact_name", "contact_phone", "contact_email", "active", "notes")


class PartnerOps(PriorityOps):
    """Partner registry, coverage, contact log."""

    # ------------------------------------------------------------------ frames (private)

    def _partners_frame(self, conn) -> pd.DataFrame:
        return pd.read_sql(select(t.partners).order_by(t.partners.c.name, t.partners.c.partner_id), conn)

    def _coverage_frame(self, conn) -> pd.DataFrame:
        df = pd.read_sql(select(t.partner_coverage).order_by(t.partner_coverage.c.coverage_id), conn)
        df["geometry"] = [shapely.from_wkb(w) if w is not None else None for w in df["geometry_wkb"]]
        return df

    def _contacts_frame(self, conn) -> pd.DataFrame:
        c = t.partner_contacts
        return pd.read_sql(select(c).order_by(c.c.contact_date, c.c.contact_id), conn)

    def _entrance_frame(self, conn) -> pd.DataFrame:
        e = t.entrances
        df = pd.read_sql(select(e.c.entrance_id, e.c.x, e.c.y).order_by(e.c.entrance_id), conn)
        n_units = dict(conn.execute(select(t.units.c.entrance_id, func.count())
                                    .group_by(t.units.c.entrance_id)).all())
        df["dwellings"] = [max(1, int(n_units.get(x, 0))) for x in df["entrance_id"]]
        return df

    def _layer_areas(self, layer: str, entrances: pd.DataFrame) -> gpd.GeoDataFrame:
        if layer in GRID_LAYERS:
            return grid_layer(entrances["x"].to_numpy(float), entrances["y"].to_numpy(float), layer=layer)
        return self.areas(layer)

    def _signals_frame(self, conn) -> pd.DataFrame:
        s = t.signals
        df = pd.read_sql(select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received, s.c.credibility,
                                s.c.source, s.c.partner_id, s.c.assessment), conn)
        return df[~df["entrance_id"].isin(self._restricted_ids(conn))].reset_index(drop=True)

    def _need_frames(self, layer: str) -> dict:
        """Frames :func:`detection.partners.network.need_by_area` needs (no access check: called by
        checked methods; the result is an area aggregate)."""
        with store_engine.read_tx(self.engine) as conn:
            ent = self._entrance_frame(conn)
            sig = self._signals_frame(conn)
        areas = self._layer_areas(layer, ent)
        area_ids = assign_areas(ent["x"].to_numpy(), ent["y"].to_numpy(), areas)
        aoe = pd.Series(area_ids, index=ent["entrance_id"].to_numpy()).dropna()
        return {"signals": sig, "area_of_entrance": aoe, "area_ids": area_ids,
                "dwellings": pd.Series(ent["dwellings"].to_numpy(), index=ent["entrance_id"].to_numpy()),
                "areas": areas, "entrances": ent}

    def _active_months(self, months: int | None) -> int:
        """``months`` as given, else the workspace setting ``partner_active_months``."""
        if months is None:
            return int(self._settings()["partner_active_months"])
        if int(months) < 1:
            raise InputError(f"months must be at least 1. Got {months!r} instead.")
        return int(months)

    @operation("coverage.read")
    def active_months(self) -> int:
        """The workspace's partner lapse: a contact within this many months makes a partner
        active (setting ``partner_active_months``, set by an administrator)."""
        return self._active_months(None)

    def _analysis(self, layer: str, as_of: date, months: int) -> dict:
        """Coverage and need of ``layer``; for those who may not see addresses the need is
        the protected ranking's rate at the publication point (docs/privacy.md).

        Shared by :meth:`coverage`, :meth:`coverage_layers` and :meth:`coverage_gaps`
        (kept per data version, so one page computes it once; every write to partners,
        coverage, contacts, the register or the signals bumps the version). The frames are
        shared: callers copy before they change one.
        """
        protected = self._aggregate_only()
        if protected:
            as_of = publication_date(as_of)
        model = self._model()
        key = ("coverage", *self.data_version(), layer, str(as_of), int(months), protected,
               model)
        return _ANALYSES.get(key, lambda: self._analysis_uncached(layer, as_of, months, model))

    def _analysis_uncached(self, layer: str, as_of: date, months: int, model) -> dict:  # noqa: ANN001
        with store_engine.read_tx(self.engine) as conn:
            partners = self._partners_frame(conn)
            cov = self._coverage_frame(conn)
            contacts = self._contacts_frame(conn)
        frames = self._need_frames(layer)
        ent, areas = frames["entrances"], frames["areas"]
        status = P.partner_status(partners, contacts, as_of=as_of, months=self._active_months(months))
        pairs = P.coverage_pairs(ent, cov)
        ecov = P.entrance_coverage(ent, pairs, status)
        area_ids = frames["area_ids"]  # the same points in the same areas: assigned once
        names = dict(zip(partners["partner_id"], partners["name"], strict=True))
        acov = P.area_coverage(ecov, area_ids, areas, pairs, status, names)
        need, source = P.need_by_area(frames, as_of, model, protected=self._aggregate_only())
        acov["need"] = need.reindex(acov["area_id"]).fillna(0.0).to_numpy()
        return {"partners": partners, "coverage": cov, "contacts": contacts, "status": status,
                "entrances": ent, "pairs": pairs, "entrance_coverage": ecov, "areas": areas,
                "area_coverage": acov, "need": need, "need_source": source, "names": names, "as_of": as_of}

    def _aggregate_only(self) -> bool:
        return self.actor.role not in SEES_ADDRESSES

    # ------------------------------------------------------------------ registry

    @operation("partners.read")
    def partners_list(self, *, as_of: date, months: int | None = None) -> pd.DataFrame:
        """The partner registry with status on ``as_of``, last and next contact, and how
        many coverage items of each kind it has."""
        with store_engine.read_tx(self.engine) as conn:
            partners = self._partners_frame(conn)
            cov = pd.read_sql(select(t.partner_coverage.c.partner_id, t.partner_coverage.c.kind), conn)
            contacts = self._contacts_frame(conn)
        status = P.partner_status(partners, contacts, as_of=as_of, months=self._active_months(months))
        out = partners.merge(status.reset_index(), on="partner_id", how="left")
        counts = cov.groupby(["partner_id", "kind"]).size().unstack(fill_value=0) if len(cov) else pd.DataFrame()
        for k in P.COVERAGE_KINDS:
            col = counts[k] if k in counts.columns else pd.Series(dtype=int)
            out[f"n_{k}"] = out["partner_id"].map(col).fillna(0).astype(int)
        out["active"] = out["active"].astype(bool)
        return out

    @operation("partners.write")
    def add_partner(self, name: str, kind: str, *, contact_name: str | None = None,
                    contact_phone: str | None = None, contact_email: str | None = None,
                    active: bool = True, notes: str = "") -> str:
        """Add a partner (an organisation; the contact is a business contact). Returns its id."""
        values = self._partner_values({"name": name, "kind": kind, "contact_name": contact_name,
                                       "contact_phone": contact_phone, "contact_email": contact_email,
                                       "active": active, "notes": notes or ""})
        pid = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            synthetic = bool(conn.execute(select(t.workspace.c.synthetic)).scalar() or False)
            conn.execute(insert(t.partners).values(partner_id=pid, synthetic=synthetic, **values))
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.add", f"{pid} {values['name']}", "partner registry")
        return pid

    def _partner_values(self, raw: dict) -> dict:
        out = {}
        for k, v in raw.items():
            if k not in _PARTNER_COLS:
                raise InputError(f"partner field {k!r} is not known; fields: {', '.join(_PARTNER_COLS)}")
            if isinstance(v, str):
                v = v.strip()
                limit = P.FIELD_LIMITS.get(k, P.MAX_FIELD)
                if len(v) > limit:
                    raise InputError(f"{k} is longer than {limit:,} characters")
            out[k] = v
        if "name" in out and not out["name"]:
            raise InputError("a partner needs a name")
        if "kind" in out:
            kind = vocab.parse_partner_kind(out["kind"])
            if kind is None:
                raise InputError(f"partner kind {out['kind']!r} is not known; use one of: "
                                 + ", ".join(k.id for k in vocab.PARTNER_KINDS))
            out["kind"] = kind
        if out.get("contact_email") and not P.valid_email(out["contact_email"]):
            raise InputError(f"{out['contact_email']!r} is not an e-mail address")
        if "active" in out:
            out["active"] = bool(out["active"])
        return out

    @operation("partners.write")
    def update_partner(self, partner_id: str, **fields) -> None:
        """Change a partner's name, kind, contact, ``active`` flag or notes."""
        values = self._partner_values(fields)
        if not values:
            return
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.partners).where(t.partners.c.partner_id == partner_id)
                             .values(**values)).rowcount
            if n == 0:
                raise InputError(f"partner {partner_id!r} does not exist")
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.update", f"{partner_id}: {', '.join(sorted(values))}", "partner registry")

    @operation("partners.write")
    def add_coverage(self, partner_id: str, kind: str, *, geometry=None, entrance_ids: Iterable[str] = (),
                     radius_m: float | None = None, label: str = "") -> int:
        """Add what a partner covers: a ``polygon`` (shapely, EPSG:25832), ``entrances``
        (register ids) or a ``radius`` (a point and ``radius_m``). Returns rows added."""
        if kind not in P.COVERAGE_KINDS:
            raise InputError(f"coverage kind {kind!r}: use polygon, entrances or radius")
        if len(label) > P.FIELD_LIMITS["label"]:
            raise InputError(f"label is longer than {P.FIELD_LIMITS['label']} characters")
        with store_engine.write_tx(self.engine) as conn:
            if conn.execute(select(t.partners.c.partner_id).where(t.partners.c.partner_id == partner_id)).first() is None:
                raise InputError(f"partner {partner_id!r} does not exist")
            rows = []
            if kind == "entrances":
                ids = [str(e) for e in entrance_ids]
                known = set(conn.execute(select(t.entrances.c.entrance_id)
                                         .where(t.entrances.c.entrance_id.in_(ids))).scalars()) if ids else set()
                missing = [e for e in ids if e not in known]
                if missing or not ids:
                    raise InputError(f"entrances not in the register: {missing[:5] or 'none given'}")
                rows = [{"partner_id": partner_id, "kind": kind, "label": label, "entrance_id": e} for e in ids]
            elif kind == "polygon":
                if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
                    raise InputError("a polygon coverage needs a polygon geometry (EPSG:25832)")
                rows = [{"partner_id": partner_id, "kind": kind, "label": label,
                         "geometry_wkb": shapely.to_wkb(geometry)}]
            else:
                if geometry is None or geometry.geom_type != "Point" or not radius_m or radius_m <= 0:
                    raise InputError("a radius coverage needs a point (EPSG:25832) and radius_m > 0")
                rows = [{"partner_id": partner_id, "kind": kind, "label": label,
                         "geometry_wkb": shapely.to_wkb(geometry), "radius_m": float(radius_m)}]
            insert_many(conn, t.partner_coverage, rows)
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.coverage", f"{partner_id}: {len(rows)} {kind}", "partner coverage")
        return len(rows)

    @operation("partners.read")
    def partner_coverage(self, partner_id: str) -> gpd.GeoDataFrame:
        """One partner's coverage items for the map and the list (EPSG:25832).

        Columns ``coverage_id, kind, label, radius_m, entrance_id, address, geometry``: the
        polygon, the radius's centre point, or a portfolio entrance's point. Business data
        (what the partner covers), no citizen's data.
        """
        e = t.entrances
        with store_engine.read_tx(self.engine) as conn:
            if conn.execute(select(t.partners.c.partner_id).where(t.partners.c.partner_id == partner_id)).first() is None:
                raise InputError(f"partner {partner_id!r} does not exist")
            c = t.partner_coverage
            df = pd.read_sql(select(c.c.coverage_id, c.c.kind, c.c.label, c.c.radius_m, c.c.entrance_id,
                                    c.c.geometry_wkb, e.c.street, e.c.house_number, e.c.postcode, e.c.x, e.c.y)
                             .select_from(c.outerjoin(e, e.c.entrance_id == c.c.entrance_id))
                             .where(c.c.partner_id == partner_id).order_by(c.c.coverage_id), conn)
        geoms = []
        for wkb, x, y in zip(df["geometry_wkb"], df["x"], df["y"], strict=True):
            geoms.append(shapely.from_wkb(wkb) if wkb is not None else
                         shapely.Point(float(x), float(y)) if pd.notna(x) else None)
        addr = [f"{s} {n}, {pc}" if isinstance(s, str) else "" for s, n, pc in
                zip(df["street"], df["house_number"], df["postcode"], strict=True)]
        out = df[["coverage_id", "kind", "label", "radius_m", "entrance_id"]].assign(address=addr)
        return gpd.GeoDataFrame(out, geometry=geoms, crs="EPSG:25832")

    @operation("partners.write")
    def delete_coverage(self, coverage_id: int) -> None:
        """Remove one coverage item (a polygon, a radius or one portfolio entrance)."""
        with store_engine.write_tx(self.engine) as conn:
            c = t.partner_coverage
            row = conn.execute(select(c.c.partner_id, c.c.kind).where(c.c.coverage_id == int(coverage_id))).first()
            if row is None:
                raise InputError(f"coverage item {coverage_id!r} does not exist")
            conn.execute(c.delete().where(c.c.coverage_id == int(coverage_id)))
            self._bump_version(conn)
            self._audit(conn, "partners.coverage", f"{row.partner_id}: deleted {row.kind} {int(coverage_id)}",
                        "partner coverage")

    @operation("partners.write")
    def match_portfolio(self, lines: Iterable[str]) -> pd.DataFrame:
        """Match a landlord's address list (one address per line) against the register,
        offline, as the report import does. One row per non-empty line: ``line, address,
        entrance_id, quality, reason, message`` (``entrance_id`` empty when not matched).
        Nothing is stored: :meth:`add_coverage` with the matched ids does that."""
        texts = [(i, str(x).strip()) for i, x in enumerate(lines, start=1) if str(x).strip()]
        if len(texts) > 50_000:
            raise InputError(f"{len(texts):,} addresses: paste at most 50,000 at a time, or import a CSV")
        with store_engine.read_tx(self.engine) as conn:
            index = self._address_index(conn)
        rows = []
        for i, text in texts:
            m = index.match(text)
            rows.append({"line": i, "address": text, "entrance_id": m.entrance_id or "",
                         "quality": m.quality or "", "reason": m.reason or "", "message": m.message})
        return pd.DataFrame(rows, columns=["line", "address", "entrance_id", "quality", "reason", "message"])

    @operation("partners.write")
    def import_partners(self, path: str | Path, *, allow_in_demo: bool = False) -> dict:
        """Import partners and their coverage from CSV / GeoJSON / GPKG in one transaction.

        Every row is accounted for: ``rows = imported + rejected + duplicates``; rejected
        rows are kept (``rejected_rows`` of the batch, with row, field, value, reason,
        message). A file with unknown headers is refused whole (``header_unknown``).
        """
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path} does not exist; check the path")
        raw_rows = P.read_partner_file(path)
        batch_id = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            ws = conn.execute(select(t.workspace.c.synthetic, t.workspace.c.boundary_wkb)).first()
            if ws is None:
                raise WorkspaceError("this database holds no workspace yet; run `opspor init` or `opspor demo`")
            if ws.synthetic and not allow_in_demo:
                raise DemoWorkspaceRefused("this is the synthetic demo workspace: it refuses real partner "
                                           "files. --allow-in-demo imports the file anyway and makes the demo "
                                           "a real workspace (its demo users and passwords are removed; "
                                           "sign-in from then on)")
            if ws.synthetic:  # allow_in_demo: real partners make the demo a real workspace
                self._leave_demo(conn, f"partners imported from {path.name} (allow_in_demo)")
            boundary = shapely.from_wkb(ws.boundary_wkb) if ws.boundary_wkb else None
            existing = self._partners_frame(conn)
            ecov = pd.read_sql(select(t.partner_coverage.c.partner_id, t.partner_coverage.c.kind,
                                      t.partner_coverage.c.entrance_id, t.partner_coverage.c.radius_m,
                                      t.partner_coverage.c.geometry_wkb), conn)
            entrance_ids = set(conn.execute(select(t.entrances.c.entrance_id)).scalars())
            imp = P.validate_partner_rows(raw_rows, entrance_ids=entrance_ids, existing=existing,
                                          existing_coverage_keys=P.coverage_keys(ecov), boundary=boundary)
            conn.execute(insert(t.import_batches).values(
                batch_id=batch_id, kind="partners", file_name=path.name, created_at=clock.now_utc(),
                created_by=self.actor.name, rows=imp.rows, imported=imp.imported,
                rejected=len(imp.rejected), duplicates=imp.duplicates))
            for pid, v in imp.partners.items():
                vals = {k: v.get(k) for k in _PARTNER_COLS}
                vals["notes"] = vals["notes"] or ""
                if pid in imp.new_partner_ids:
                    conn.execute(insert(t.partners).values(partner_id=pid, synthetic=False, **vals))
                else:
                    conn.execute(update(t.partners).where(t.partners.c.partner_id == pid).values(**vals))
            insert_many(conn, t.partner_coverage, [
                {k: c[k] for k in ("partner_id", "kind", "label", "geometry_wkb", "entrance_id", "radius_m")}
                | {"batch_id": batch_id} for c in imp.coverage])
            now = clock.now_utc()
            insert_many(conn, t.rejected_rows, [{**r, "batch_id": batch_id, "created_at": now}
                                                 for r in imp.rejected])
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.import", f"{path.name}: {imp.imported} rows, "
                        f"{len(imp.rejected)} rejected", "import partners and coverage")
        return {"batch_id": batch_id, "rows": imp.rows, "imported": imp.imported,
                "rejected": len(imp.rejected), "duplicates": imp.duplicates,
                "partners_created": len(imp.new_partner_ids),
                "partners_updated": len(set(imp.partners) - imp.new_partner_ids),
                "coverage_added": len(imp.coverage),
                "rejected_rows": [{k: r[k] for k in ("row", "field", "value", "reason", "message")}
                                  for r in imp.rejected]} | (
            {"left_demo": True, "notice": LEFT_DEMO_NOTICE} if ws.synthetic else {})

    @operation("workspace.build")
    def replace_partner_network(self, coverage: pd.DataFrame, contacts: pd.DataFrame) -> None:
        """Replace all coverage and the whole contact log in one transaction (the demo
        generator; administrator). Partners must exist already."""
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(t.partner_coverage.delete())
            conn.execute(t.partner_contacts.delete())
            cols = ["partner_id", "kind", "label", "geometry_wkb", "entrance_id", "radius_m"]
            insert_many(conn, t.partner_coverage, frame_rows(coverage[cols]) if len(coverage) else [])
            now = clock.now_utc()
            insert_many(conn, t.partner_contacts, [{**r, "created_at": now} for r in frame_rows(contacts)])
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.network", f"{len(coverage)} coverage items, {len(contacts)} contacts",
                        "build demo workspace")

    # ------------------------------------------------------------------ contact log

    @operation("partners.write")
    def log_contact(self, partner_id: str, *, contact_date: date, channel: str, who: str = "",
                    summary: str = "", next_contact: date | None = None) -> str:
        """Log a contact with a partner (*kontaktlog*). Returns the contact id."""
        ch = vocab.parse_channel(channel)
        if len(summary) > P.MAX_FIELD or len(who) > 100:
            raise InputError("summary is limited to 2,000 characters and who to 100")
        if next_contact is not None and next_contact < contact_date:
            raise InputError("the next contact can't be before this contact")
        cid = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            if conn.execute(select(t.partners.c.partner_id).where(t.partners.c.partner_id == partner_id)).first() is None:
                raise InputError(f"partner {partner_id!r} does not exist")
            conn.execute(insert(t.partner_contacts).values(
                contact_id=cid, partner_id=partner_id, contact_date=contact_date, channel=ch,
                who=who.strip() or self.actor.name, summary=summary.strip(), next_contact=next_contact,
                created_by=self.actor.name, created_at=clock.now_utc()))
            self._bump_version(conn)  # caches keyed on the data version refresh
            self._audit(conn, "partners.contact", f"{partner_id}: {ch} {contact_date}", "contact log")
        return cid

    @operation("partners.read")
    def contact_log(self, partner_id: str | None = None) -> pd.DataFrame:
        """The contact log, newest first, with partner names."""
        c, p = t.partner_contacts, t.partners
        q = (select(c, p.c.name.label("partner_name")).join(p, p.c.partner_id == c.c.partner_id)
             .order_by(c.c.contact_date.desc(), c.c.created_at.desc()))
        if partner_id:
            q = q.where(c.c.partner_id == partner_id)
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(q, conn)

    @operation("partners.read")
    def overdue_partners(self, *, as_of: date) -> pd.DataFrame:
        """Partners whose planned next contact is before ``as_of``, most overdue first."""
        with store_engine.read_tx(self.engine) as conn:
            partners = self._partners_frame(conn)
            contacts = self._contacts_frame(conn)
        st = P.partner_status(partners, contacts, as_of=as_of, months=self._active_months(None))
        od = P.overdue(st, as_of=as_of).reset_index()
        names = partners.set_index("partner_id")
        od["name"] = od["partner_id"].map(names["name"])
        od["kind"] = od["partner_id"].map(names["kind"])
        return od.sort_values(["days_overdue", "name"], ascending=[False, True]).reset_index(drop=True)[
            ["partner_id", "name", "kind", "status", "last_contact", "next_contact", "days_overdue"]]

    # ------------------------------------------------------------------ coverage

    @operation("coverage.read")
    def coverage(self, layer: str = "parishes", *, as_of: date,
                 months: int | None = None) -> dict:
        """Coverage per area of ``layer`` on ``as_of`` (``partners coverage --json``).

        ``{"layer", "as_of", "active_months", "need_source", "areas": [{"area_id", "name",
        "dwellings", "entrances", "need", "active_share", "lapsed_share", "none_share",
        "partners_active", "partners_lapsed"}], "totals": {...}}``. For analysts areas
        under 20 dwellings are left out.
        """
        months = self._active_months(months)
        a = self._analysis(layer, as_of, months)
        acov = a["area_coverage"]
        if self._aggregate_only():
            acov = acov[acov["dwellings"] >= MIN_DWELLINGS]
        acov = acov.sort_values(["need", "area_id"], ascending=[False, True])
        ecov = a["entrance_coverage"]
        dw = ecov["dwellings"].sum()
        totals = {c: round(float(ecov.loc[ecov["coverage"] == c, "dwellings"].sum() / dw), 4) if dw else 0.0
                  for c in P.STATUS_ORDER}
        status_counts = a["status"]["status"].value_counts().to_dict()
        return {"layer": layer, "as_of": str(a["as_of"]), "active_months": int(months),
                "need_source": a["need_source"],
                "partners": {s: int(status_counts.get(s, 0)) for s in ("active", "lapsed", "ended")},
                "totals": {"dwellings": int(dw), "active_share": totals["active"],
                           "lapsed_share": totals["lapsed"], "none_share": totals["none"]},
                "areas": [{**{k: r[k] for k in ("area_id", "name", "dwellings", "entrances")},
                           "need": float(r["need"]), "active_share": float(r["active_share"]),
                           "lapsed_share": float(r["lapsed_share"]), "none_share": float(r["none_share"]),
                           "partners_active": list(r["partners_active"]),
                           "partners_lapsed": list(r["partners_lapsed"])}
                          for r in acov.to_dict("records")]}

    @operation("coverage.read")
    def coverage_layers(self, layer: str = "parishes", *, as_of: date,
                        months: int | None = None) -> dict:
        """Geometries for the coverage map: ``areas`` (GeoDataFrame with shares and need),
        and — for roles that may see addresses — ``entrances`` (x, y, coverage)."""
        months = self._active_months(months)
        a = self._analysis(layer, as_of, months)
        g = a["areas"].merge(a["area_coverage"].drop(columns=["name"]), on="area_id")
        if self._aggregate_only():
            g = g[g["dwellings"] >= MIN_DWELLINGS]
        out = {"areas": gpd.GeoDataFrame(g, geometry="geometry", crs=WORK_CRS), "need_source": a["need_source"]}
        if not self._aggregate_only():
            e = a["entrances"][["entrance_id", "x", "y"]].assign(coverage=a["entrance_coverage"]["coverage"].to_numpy())
            out["entrances"] = e
        return out

    @operation("coverage.read")
    def coverage_entrances(self, *, as_of: date, months: int | None = None) -> pd.DataFrame:
        """Per entrance: ``coverage``, ``n_active``, ``n_lapsed`` (roles that may see addresses)."""
        if self._aggregate_only():
            raise NotAllowed(f"user {self.actor.name!r} (role {self.actor.role}) sees coverage per area only")
        with store_engine.read_tx(self.engine) as conn:
            partners = self._partners_frame(conn)
            cov = self._coverage_frame(conn)
            contacts = self._contacts_frame(conn)
            ent = self._entrance_frame(conn)
        status = P.partner_status(partners, contacts, as_of=as_of, months=self._active_months(months))
        return P.entrance_coverage(ent, P.coverage_pairs(ent, cov), status)

    @operation("coverage.read")
    def coverage_gaps(self, layer: str = "parishes", *, as_of: date, top: int | None = None,
                      months: int | None = None, max_active_share: float = 0.1) -> dict:
        """The gap list (``partners gaps --json``): areas with need and (almost) no active
        partner, ranked by need, with the nearest partners as suggestions."""
        months = self._active_months(months)
        a = self._analysis(layer, as_of, months)
        acov = a["area_coverage"]
        if self._aggregate_only():
            acov = acov[acov["dwellings"] >= MIN_DWELLINGS]
        geoms = P.partner_geometries(a["coverage"], a["entrances"])
        gaps = P.gap_list(acov, a["need"], a["areas"], geoms, a["status"], a["names"], top=top,
                          max_active_share=max_active_share)
        rows = []
        for r in gaps.to_dict("records"):
            rows.append({"rank": int(r["rank"]), "area_id": r["area_id"], "name": r["name"],
                         "dwellings": int(r["dwellings"]), "need": float(r["need"]),
                         "high_need": bool(r["high_need"]), "active_share": float(r["active_share"]),
                         "lapsed_share": float(r["lapsed_share"]), "none_share": float(r["none_share"]),
                         "partners_lapsed": list(r["partners_lapsed"]), "suggestions": r["suggestions"]})
        return {"layer": layer, "as_of": str(a["as_of"]), "active_months": int(months),
                "max_active_share": max_active_share, "need_source": a["need_source"], "gaps": rows}

    @operation("coverage.read")
    def partner_yield(self, *, as_of: date, window_days: int = 90) -> dict:
        """Reports per partner per month, before/after each contact, target-group share.

        Returns ``{"as_of", "window_days", "totals": [...], "monthly": [...],
        "contacts": [...]}``. For analysts (docs/privacy.md): at the publication point, every
        count rounded to a multiple of 5 (``"<5"`` for 0), shares from the rounded counts.
        """
        protected = self._aggregate_only()
        if protected:  # disclosure control (docs/privacy.md)
            as_of = publication_date(as_of)
        with store_engine.read_tx(self.engine) as conn:
            partners = self._partners_frame(conn)
            contacts = self._contacts_frame(conn)
            sig = self._signals_frame(conn)
        y = P.partner_yield(sig, contacts, as_of=as_of, window_days=window_days, protected=protected)
        names = dict(zip(partners["partner_id"], partners["name"], strict=True))
        out = {}
        for key, df in y.items():
            df = df.copy()
            df.insert(1, "name", df["partner_id"].map(names))
            for c in ("contact_date",):
                if c in df.columns:
                    df[c] = df[c].astype(str)
            out[key] = frame_rows(df)
        return {"as_of": str(as_of), "window_days": window_days, **out}

    # ------------------------------------------------------------------ feedback

    @operation("partners.read")
    def partner_feedback(self, partner_id: str, *, as_of: date, quarters: int = 4) -> dict:
        """Feedback figures for one partner about its reports, without personal details:
        per quarter how many reports, how many were followed up (assessed, or a door
        visited since), how many led to contact (``contact_established`` at the door, or
        assessed in the target group). Counts 1–4 read ``"<5"`` (the file leaves the team).
        """

        s, o = t.signals, t.outcomes
        with store_engine.write_tx(self.engine) as conn:
            p = conn.execute(select(t.partners).where(t.partners.c.partner_id == partner_id)).mappings().first()
            if p is None:
                raise InputError(f"partner {partner_id!r} does not exist")
            sig = pd.read_sql(select(s.c.signal_id, s.c.entrance_id, s.c.received, s.c.assessment)
                              .where(s.c.partner_id == partner_id), conn)
            outc = pd.read_sql(select(o.c.entrance_id, o.c.outcome, o.c.visited_at)
                               .where(o.c.entrance_id.in_(sig["entrance_id"].tolist())), conn) \
                if len(sig) else pd.DataFrame(columns=["entrance_id", "outcome", "visited_at"])
            table = feedback_table(sig, outc, as_of=as_of, quarters=quarters)
            self._audit(conn, "partners.feedback", f"{partner_id}: feedback for {len(table)} quarters",
                        "feedback to a partner (counts only)")
        return {"partner_id": partner_id, "name": p["name"], "kind": p["kind"], "as_of": str(as_of),
                "quarters": json.loads(table.to_json(orient="records"))}
