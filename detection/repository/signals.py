"""Repository operations for importing partners' reports (issue 4): a mixin of
:class:`detection.repository.core.Repository`. Every public method carries ``@operation``.

An import is one write transaction: the ``import_batches`` row, every new signal and every
rejected row go in together or not at all, with the audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, func, insert, select, update

from detection import clock
from detection.access import SEES_ADDRESSES
from detection.errors import InputError, NotAllowed
from detection.privacy import cell_keys, publication_date, record_keys, round_keyed, shown
from detection.repository.base import insert_many, operation
from detection.repository.workspace import LEFT_DEMO_NOTICE, WorkspaceOps
from detection.signals.importer import (
    DANISH_HEADER,
    CheckResult,
    canonical_field,
    check_rows,
    raw_json,
    read_reports,
    split_duplicates,
)
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.vocab import ASSESSMENTS
from geo.addresses import format_address
from geo.areas import GRID_LAYERS, cell_centres, cell_polygon, ddkn_cell_ids
from geo.errors import GeoInputError
from geo.geocode import QUALITIES

#: assessment (vurdering) values of a signal; every signal starts as ``new``

_CHUNK = 2_000


class DemoWorkspace(NotAllowed):
    """A real import into the synthetic demo workspace, without ``allow_in_demo``."""

    code = "demo_workspace"


def _chunks(items: list, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


class SignalOps(WorkspaceOps):
    """Import, rejected rows and assessment of signals."""

    # ------------------------------------------------------------------ import


    @operation("signals.import")
    def import_signals(self, source_file: str | Path | bytes, *, as_of: date, file_name: str | None = None,
                       source: str | None = None, allow_in_demo: bool = False,
                       progress: Callable[[float], None] | None = None) -> dict:
        """Import a file of partners' reports in one transaction; the summary of conventions.md.

        Returns ``{"batch_id", "rows", "imported", "rejected", "duplicates", "cpr_removed",
        "rejected_rows": [{"row", "field", "value", "reason", "message"}]}`` with
        ``rows = imported + rejected + duplicates``. A file whose header can't be used raises
        :class:`detection.signals.importer.ImportFileError` (nothing is stored). A synthetic demo
        workspace refuses the import unless ``allow_in_demo``; with it, a usable file turns the
        demo into a real workspace before it is stored (:meth:`_leave_demo`: no demo user or
        published password left, sign-in from now on) and the summary gets ``left_demo: true``
        and a ``notice`` saying how to set the administrator's password.
        """
        with store_engine.read_tx(self.engine) as conn:
            ws = conn.execute(select(t.workspace.c.synthetic)).first()
            if ws is None:
                raise InputError("this database holds no workspace yet; run `opspor init` or `opspor demo`")
            if ws[0] and not allow_in_demo:
                raise DemoWorkspace("this is the synthetic demo workspace: it refuses real reports. "
                                    "--allow-in-demo imports the file anyway and makes the demo a real "
                                    "workspace (its demo users and passwords are removed; sign-in from then on)")
            index = self._address_index(conn)
            partners = {n.casefold(): pid for pid, n in conn.execute(
                select(t.partners.c.partner_id, t.partners.c.name)).all()}
        if isinstance(source_file, bytes | bytearray):
            data = bytes(source_file)
        else:
            path = Path(source_file)
            if not path.is_file():
                raise InputError(f"file {path} does not exist; check the path")
            data, file_name = path.read_bytes(), file_name or path.name
        table = read_reports(data, file_name or "upload")
        # the check is the first half of the bar, storing the second (46k rows: ~1 s each)
        def part(lo: float, hi: float) -> Callable[[float], None] | None:
            return None if progress is None else (lambda f: progress(lo + (hi - lo) * min(1.0, max(0.0, f))))

        checked = check_rows(table, index, as_of=as_of, source=source, progress=part(0.0, 0.5))
        sha = hashlib.sha256(data).hexdigest()
        if ws[0]:  # allow_in_demo: real reports make the demo a real workspace, first
            with store_engine.write_tx(self.engine) as conn:
                self._leave_demo(conn, f"reports imported from {table.file_name} (allow_in_demo)")
        out = self._store_import(table.file_name, checked, sha, partners, progress=part(0.5, 1.0))
        return {**out, "left_demo": True, "notice": LEFT_DEMO_NOTICE} if ws[0] else out

    def _store_import(self, file_name: str, checked: CheckResult, sha: str | None,
                      partners: dict[str, str], progress: Callable[[float], None] | None = None) -> dict:
        batch_id = str(uuid.uuid4())
        now = clock.now_utc()
        s = t.signals
        with store_engine.write_tx(self.engine) as conn:
            refs = sorted({a.external_ref for a in checked.accepted if a.external_ref})
            known_refs: set[tuple[str, str]] = set()
            for part in _chunks(refs):
                known_refs |= {(a, b) for a, b in conn.execute(
                    select(s.c.source, s.c.external_ref).where(s.c.external_ref.in_(part))).all()}
            # a stored signal whose note lost a CPR number makes no row a duplicate by its hash
            # (nor does such a row become one): the scrubbed content does not tell which report
            # it was (detection.signals.importer, "Duplicates")
            hashes = sorted({a.content_hash for a in checked.accepted if not a.external_ref and not a.cpr_removed})
            known_hashes: set[str] = set()
            for part in _chunks(hashes):
                known_hashes |= set(conn.execute(
                    select(s.c.content_hash).where(s.c.content_hash.in_(part),
                                                   s.c.cpr_removed.is_(False))).scalars())
            new, dups = split_duplicates(checked.accepted, known_refs=known_refs, known_hashes=known_hashes)
            conn.execute(insert(t.import_batches).values(
                batch_id=batch_id, kind="signals", file_name=file_name[:300], created_at=now,
                created_by=self.actor.name, rows=checked.rows, imported=len(new),
                rejected=len(checked.rejected), duplicates=len(dups), cpr_removed=checked.cpr_removed,
                file_sha256=sha))
            insert_many(conn, s, [{
                "signal_id": str(uuid.uuid4()), "kind": a.kind, "received": a.received,
                "entrance_id": a.entrance_id, "unit_id": a.unit_id,
                "partner_id": partners.get(a.source.casefold()), "source": a.source,
                "external_ref": a.external_ref, "note": a.note, "credibility": a.credibility,
                "match_quality": a.match_quality, "synthetic": False, "assessment": "new",
                "assessed_by": None, "assessed_at": None, "cpr_removed": a.cpr_removed,
                "batch_id": batch_id, "created_at": now, "content_hash": a.content_hash,
            } for a in new], progress=progress)
            # earlier rejections of the same rows: closed (fixed now, or rejected again below)
            seen_keys = {a.key for a in checked.accepted} | {r.key for r in checked.rejected}
            seen_keys |= {x.origin_key for x in (*checked.accepted, *checked.rejected) if x.origin_key}
            self._close_rejections(conn, seen_keys, now)
            insert_many(conn, t.rejected_rows, [{
                "batch_id": batch_id, "row": r.row, "field": r.field[:100], "value": r.value,
                "reason": r.reason, "message": r.message, "created_at": now, "resolved_at": None,
                "raw": raw_json({"key": r.key, "file": file_name, "cells": r.raw}),
            } for r in checked.rejected])
            if new:
                self._bump_version(conn)
            self._audit(conn, "signals.import",
                        f"batch {batch_id}: {len(new)} new signals, {len(checked.rejected)} rejected rows "
                        f"from {file_name}", "import partners' reports",
                        [a.entrance_id for a in new])
        return {"batch_id": batch_id, "rows": checked.rows, "imported": len(new),
                "rejected": len(checked.rejected), "duplicates": len(dups),
                "cpr_removed": checked.cpr_removed,
                "rejected_rows": [r.public() for r in checked.rejected]}

    def _close_rejections(self, conn: Connection, keys: set[str], now) -> int:  # noqa: ANN001
        rr = t.rejected_rows
        open_rows = conn.execute(select(rr.c.id, rr.c.raw).where(rr.c.resolved_at.is_(None))).all()
        ids = [i for i, raw in open_rows if _raw_key(raw) in keys]
        for part in _chunks(ids):
            conn.execute(update(rr).where(rr.c.id.in_(part)).values(resolved_at=now))
        return len(ids)

    @operation("signals.import")
    def import_batches(self) -> pd.DataFrame:
        """Import batches of partner reports, newest first (counts only, no personal data)."""
        b = t.import_batches
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(b).where(b.c.kind == "signals").order_by(b.c.created_at.desc()), conn)

    # ------------------------------------------------------------------ rejected rows

    @operation("rejected.manage")
    def rejected_rows(self, *, batch_id: str | None = None, include_resolved: bool = False) -> pd.DataFrame:
        """Rejected rows with their reasons (personal data: audited).

        Columns ``id, batch_id, file, row, field, value, reason, message, created_at,
        resolved_at, cells`` (``cells``: the row as it was, CPR numbers removed).
        """
        rr, b = t.rejected_rows, t.import_batches
        q = (select(rr, b.c.file_name).join(b, b.c.batch_id == rr.c.batch_id)
             .order_by(rr.c.created_at, rr.c.batch_id, rr.c.row))
        if batch_id:
            q = q.where(rr.c.batch_id == batch_id)
        if not include_resolved:
            q = q.where(rr.c.resolved_at.is_(None))
        with store_engine.write_tx(self.engine) as conn:
            if batch_id and conn.execute(select(b.c.batch_id).where(b.c.batch_id == batch_id)).first() is None:
                raise InputError(f"import batch {batch_id!r} does not exist; see `opspor rejected list`")
            df = pd.read_sql(q, conn)
            self._audit(conn, "rejected.read", f"{len(df)} rejected rows" + (f" of batch {batch_id}" if batch_id else ""),
                        "review rejected import rows")
        parsed = [json.loads(r or "{}") for r in df["raw"]]
        df = df.assign(file=df["file_name"], cells=[p.get("cells", {}) for p in parsed],
                       key=[p.get("key", "") for p in parsed])
        return df[["id", "batch_id", "file", "row", "field", "value", "reason", "message", "created_at",
                   "resolved_at", "cells", "key"]].reset_index(drop=True)

    @operation("rejected.manage")
    def rejected_export_frame(self, *, batch_id: str | None = None) -> pd.DataFrame:
        """Open rejected rows as a sheet to fix and import again.

        The row's original cells under the Danish header of their field (so rows of files
        with different headers share one sheet), then ``Afvist række`` (which row this was, so a fixed
        row closes its rejection), ``Afvisningsårsag`` and ``Besked``. The importer knows
        these three headers; the file can be imported again as it is once fixed.
        """
        df = self.rejected_rows(batch_id=batch_id)
        records: list[dict[str, str]] = []
        for cells in df["cells"]:
            rec: dict[str, str] = {}
            for header, value in cells.items():
                canon = canonical_field(header)
                if canon in DANISH_HEADER and canon != "origin":
                    rec[DANISH_HEADER[canon]] = value
            records.append(rec)
        order = [h for h in DANISH_HEADER.values() if any(h in r for r in records)]
        out = pd.DataFrame(records, columns=order).fillna("")
        out["Afvist række"] = [k[4:] if k.startswith("row:") else f"{f}|{r}"
                               for k, f, r in zip(df["key"], df["file"], df["row"], strict=True)]
        out["Afvisningsårsag"] = df["reason"].to_numpy()
        out["Besked"] = df["message"].to_numpy()
        return out

    # ------------------------------------------------------------------ assessment

    @operation("signals.assess")
    def assess_signal(self, signal_id: str, assessment: str) -> dict:
        """Set a signal's assessment (vurdering) with who and when.

        ``assessment``: ``in_target_group``, ``not_in_target_group``, ``unclear`` (or back
        to ``new``).
        """
        if assessment not in ASSESSMENTS:
            raise InputError(f"assessment {assessment!r} is not known; use one of: {', '.join(ASSESSMENTS)}")
        s = t.signals
        now = clock.now_utc()
        with store_engine.write_tx(self.engine) as conn:
            row = conn.execute(select(s.c.entrance_id).where(s.c.signal_id == signal_id)).first()
            if row is None:
                raise InputError(f"signal {signal_id!r} does not exist")
            new_by = None if assessment == "new" else self.actor.name
            new_at = None if assessment == "new" else now
            conn.execute(update(s).where(s.c.signal_id == signal_id).values(
                assessment=assessment, assessed_by=new_by, assessed_at=new_at))
            self._audit(conn, "signals.assess", f"{signal_id}: {assessment}", "assess a partner report",
                        [row[0]])
        return {"signal_id": signal_id, "assessment": assessment, "assessed_by": new_by,
                "assessed_at": new_at.isoformat() if new_at else None}

    @operation("signals.assess")
    def signals_to_assess(self, *, kind: str | None = None, source: str | None = None,
                          area: tuple[str, str] | None = None, match_quality: str | None = None,
                          assessment: str | None = "new", limit: int = 5_000) -> pd.DataFrame:
        """Signals with their address and note, for assessment (personal data: audited).

        Filters: ``kind`` id, ``source`` (exact), ``area`` = ``(layer, area_id)`` (a stored
        layer or a grid layer ``grid100``/``grid250``/``grid1km``), ``match_quality``, and
        ``assessment`` (default ``new``; ``None`` = all); never a signal at an address under
        restriction of processing. Oldest first (``received``, then ``signal_id``), at most
        ``limit`` rows; ``df.attrs["total"]`` is how many signals the filters match in all.
        The audit entry names the entrances of the rows returned.
        """
        s, e, u = t.signals, t.entrances, t.units
        q = (select(s.c.signal_id, s.c.received, s.c.kind, s.c.source, s.c.note, s.c.credibility,
                    s.c.match_quality, s.c.assessment, s.c.assessed_by, s.c.assessed_at, s.c.cpr_removed,
                    s.c.entrance_id, s.c.unit_id, e.c.street, e.c.house_number, e.c.postcode, e.c.city,
                    u.c.floor, u.c.door, e.c.x, e.c.y)
             .join(e, e.c.entrance_id == s.c.entrance_id)
             .outerjoin(u, u.c.unit_id == s.c.unit_id))
        with store_engine.write_tx(self.engine) as conn:
            ids, total = self._assess_ids(conn, kind=kind, source=source, area=area, match_quality=match_quality,
                                          assessment=assessment, limit=limit)
            found: dict[str, tuple] = {}
            for part in _chunks(ids):
                found.update((row[0], tuple(row)) for row in conn.execute(q.where(s.c.signal_id.in_(part))))
            df = pd.DataFrame([found[i] for i in ids if i in found], columns=list(q.selected_columns.keys()))
            self._audit(conn, "signals.assess.read", f"{len(df)} of {total} signals to assess",
                        "assess partner reports", df["entrance_id"])
        df = df.assign(address=[format_address(a, b, c, d, f, g) for a, b, c, d, f, g in zip(
            df["street"], df["house_number"], df["postcode"], df["city"], df["floor"].fillna(""),
            df["door"].fillna(""), strict=True)])
        df = df.drop(columns=["street", "house_number", "postcode", "city", "floor", "door"]).reset_index(drop=True)
        df.attrs["total"] = total
        return df

    def _assess_ids(self, conn: Connection, *, kind: str | None, source: str | None,
                    area: tuple[str, str] | None, match_quality: str | None, assessment: str | None,
                    limit: int | None) -> tuple[list[str], int]:
        """The ids of the signals the filters of :meth:`signals_to_assess` match, oldest first
        (at most ``limit``; ``None`` = all), and how many they match in all.

        Every filter is SQL (a grid cell as its half-open x/y range, the same squares as
        :func:`ddkn_cell_ids`) except a stored layer's polygon: SQL keeps the signals inside
        its bounding box, :func:`shapely.contains_xy` the ones inside the polygon. A signal's
        entrance always exists (``signals.entrance_id`` is a foreign key, ``ON DELETE
        CASCADE``), so the queries need not join ``entrances`` unless they test x/y.
        """
        if match_quality is not None and match_quality not in QUALITIES:
            raise InputError(f"match quality {match_quality!r} is not known; use one of: {', '.join(QUALITIES)}")
        if assessment is not None and assessment not in ASSESSMENTS:
            raise InputError(f"assessment {assessment!r} is not known; use one of: {', '.join(ASSESSMENTS)}")
        s, e = t.signals, t.entrances
        # an area's box as a subquery of entrances of its own: tested on the joined entrance,
        # SQLite joined every signal to its entrance first (0.4 s on a city against 0.05 s)
        box = e.alias("box")
        where = [s.c.entrance_id.not_in(select(t.restrictions.c.entrance_id))]
        if kind:
            where.append(s.c.kind == kind)
        if source:
            where.append(s.c.source == source)
        if match_quality:
            where.append(s.c.match_quality == match_quality)
        if assessment:
            where.append(s.c.assessment == assessment)
        order = (s.c.received, s.c.signal_id)
        polygon = None
        if area is not None and area[0] in GRID_LAYERS:
            bounds = _cell_bounds(area[1], GRID_LAYERS[area[0]])
            if bounds is None:  # no point is in a cell of that name
                return [], 0
            x0, y0, x1, y1 = bounds
            where.append(s.c.entrance_id.in_(select(box.c.entrance_id).where(
                box.c.x >= x0, box.c.x < x1, box.c.y >= y0, box.c.y < y1)))
        elif area is not None:
            wkb = conn.execute(select(t.areas.c.geometry_wkb).where(
                t.areas.c.layer == area[0], t.areas.c.area_id == area[1])).scalar()
            if wkb is None:
                raise InputError(f"area {area[0]}:{area[1]} does not exist")
            polygon = shapely.from_wkb(wkb)
            if polygon.is_empty:
                return [], 0
            x0, y0, x1, y1 = polygon.bounds  # closed: a point on the box's edge may be inside
            where.append(s.c.entrance_id.in_(select(box.c.entrance_id).where(
                box.c.x >= x0, box.c.x <= x1, box.c.y >= y0, box.c.y <= y1)))
        if polygon is None:
            q = select(s.c.signal_id).where(*where)
            total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            return list(conn.execute(q.order_by(*order).limit(limit)).scalars()), int(total)
        rows = conn.execute(select(s.c.signal_id, e.c.x, e.c.y).join(e, e.c.entrance_id == s.c.entrance_id)
                            .where(*where).order_by(*order)).all()
        inside = shapely.contains_xy(polygon, np.array([r[1] for r in rows], dtype=float),
                                     np.array([r[2] for r in rows], dtype=float))
        ids = [r[0] for r, ok in zip(rows, inside, strict=True) if ok]
        return ids[:limit], len(ids)

    @operation("signals.assess")
    def signal_sources(self) -> list[str]:
        """Distinct signal sources (partner names), for the assessment filters."""
        with store_engine.read_tx(self.engine) as conn:
            return list(conn.execute(select(t.signals.c.source).group_by(t.signals.c.source)
                                     .order_by(func.lower(t.signals.c.source))).scalars())

    @operation("signals.read")
    def signals(self, *, purpose: str) -> pd.DataFrame:
        """Signals at their entrances (personal data: audited with ``purpose``).

        Columns: ``signal_id, kind, received, entrance_id, unit_id, source, credibility,
        match_quality, synthetic, assessment, x, y``. Notes are not included, nor signals at
        addresses under restriction of processing.
        """
        if not purpose.strip():
            raise InputError("a purpose is required to read signals (it goes to the audit log)")
        s, e = t.signals, t.entrances
        q = (select(s.c.signal_id, s.c.kind, s.c.received, s.c.entrance_id, s.c.unit_id,
                    s.c.source, s.c.credibility, s.c.match_quality, s.c.synthetic,
                    s.c.assessment, e.c.x, e.c.y)
             .join(e, e.c.entrance_id == s.c.entrance_id).order_by(s.c.signal_id))
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(q, conn)
            df = df[~df["entrance_id"].isin(self._restricted_ids(conn))].reset_index(drop=True)
            self._audit(conn, "signals.read", f"{len(df)} signals", purpose, df["entrance_id"])
        return df

    @operation("signals.read")
    def log_view(self, *, entrance_ids: Iterable[str], what: str, purpose: str) -> None:
        """Record that signals at ``entrance_ids`` were shown again (e.g. a cached map)."""
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, "signals.view", what, purpose, entrance_ids)

    @operation("signals.aggregate")
    def signal_counts(self, *, by: Iterable[str] = ("kind",)) -> pd.DataFrame:
        """Signal counts grouped by signal columns (no address).

        For roles that may not see addresses (docs/privacy.md): up to the publication point,
        each count rounded to a multiple of 5 (``"<5"`` where it rounds to 0).
        """
        by = list(by)
        if self.actor.role not in SEES_ADDRESSES:
            df = self._protected_counts(by)
            df["signals"] = df["signals"].map(shown).astype(object)
            return df
        cols = [getattr(t.signals.c, b) for b in by]
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(*cols, func.count().label("signals")).group_by(*cols)).all()
        return pd.DataFrame(rows, columns=[*by, "signals"])

    @operation("summary.read")
    def signals_per_month(self) -> pd.DataFrame:
        """Reports per month of receipt and kind, for the overview's chart (no address).

        Columns ``month`` (``YYYY-MM``), ``kind``, ``signals``, oldest month first; only
        month × kind cells that hold reports. Roles that see addresses get exact counts.
        Everyone else gets what :meth:`summary` gives them (docs/privacy.md): reports received
        up to the publication point, each month × kind cell rounded to a multiple of 5 by
        cell-key random rounding (the cell's key from its reports), ``"<5"`` where it rounds
        to 0; a month's total is the sum of its rounded cells.
        """
        s = t.signals
        with store_engine.read_tx(self.engine) as conn:
            df = pd.read_sql(select(s.c.signal_id, s.c.received, s.c.kind), conn)
        df["received"] = pd.to_datetime(df["received"], errors="coerce")
        df = df[df["received"].notna()]
        protected = self.actor.role not in SEES_ADDRESSES
        if protected:
            df = df[df["received"] <= pd.Timestamp(publication_date(clock.today()))]
        df = df.assign(month=df["received"].dt.strftime("%Y-%m"))
        if df.empty:
            return pd.DataFrame(columns=["month", "kind", "signals"])
        codes, groups = pd.factorize(pd.MultiIndex.from_frame(df[["month", "kind"]].astype(str)), sort=True)
        counts = np.bincount(codes, minlength=len(groups))
        out = pd.DataFrame(list(groups), columns=["month", "kind"])
        if protected:
            keys = cell_keys(codes, record_keys(df["signal_id"].astype(str)), len(groups))
            out["signals"] = pd.Series([shown(int(v)) for v in round_keyed(counts, keys, "signals.month.kind")],
                                       dtype=object)
        else:
            out["signals"] = counts.astype(int)
        return out.sort_values(["month", "kind"], kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ assessment (issue 15)

    @operation("signals.assess")
    def assess_signals(self, signal_ids: Iterable[str], assessment: str) -> dict:
        """Give every signal of ``signal_ids`` the same assessment, in one transaction (one
        signal is a list of one; :meth:`assess_filtered` assesses a filtered list).

        Returns what :meth:`undo_assessment` needs to take it back: ``{"assessment", "at"
        (UTC), "by", "before": [{"signal_id", "assessment", "assessed_by", "assessed_at"}]}``
        (each signal as it was). Audited, one entry with every address concerned.
        """
        _check_assessment_value(assessment)
        ids = sorted({str(i) for i in signal_ids})
        if not ids:
            raise InputError("no reports to assess; the list is empty", code="assess_empty")
        with store_engine.write_tx(self.engine) as conn:
            return self._set_assessment(conn, ids, assessment)

    @operation("signals.assess")
    def assess_filtered(self, value: str, *, kind: str | None = None, source: str | None = None,
                        area: tuple[str, str] | None = None, match_quality: str | None = None,
                        assessment: str | None = "new") -> dict:
        """Give every signal the filters of :meth:`signals_to_assess` match (all of them, not
        only its first ``limit``) the assessment ``value``, in one transaction: the bulk
        assessment of a filtered list.

        The filters are applied when this runs, so a list that changed since it was shown is
        assessed as it is now. Returns what :meth:`assess_signals` returns; ``len(before)`` is
        how many were assessed (0, and nothing written, when the filters match none). Audited.
        """
        _check_assessment_value(value)
        with store_engine.write_tx(self.engine) as conn:
            ids, _total = self._assess_ids(conn, kind=kind, source=source, area=area, match_quality=match_quality,
                                           assessment=assessment, limit=None)
            if not ids:
                return {"assessment": value, "at": clock.now_utc(), "by": self.actor.name, "before": []}
            return self._set_assessment(conn, ids, value)

    def _set_assessment(self, conn: Connection, ids: list[str], assessment: str) -> dict:
        """Set ``assessment`` on the signals ``ids`` (distinct, every one stored) in ``conn``'s
        transaction, audited; returns the undo record of :meth:`assess_signals`."""
        s = t.signals
        now = clock.now_utc()
        rows = []
        for part in _chunks(ids):
            rows += conn.execute(select(s.c.signal_id, s.c.assessment, s.c.assessed_by, s.c.assessed_at,
                                        s.c.entrance_id).where(s.c.signal_id.in_(part))).all()
        if len(rows) != len(ids):
            missing = sorted(set(ids) - {r[0] for r in rows})
            raise InputError(f"{len(missing)} report(s) do not exist (e.g. {missing[0]!r}); reload the list",
                             code="assess_missing")
        for part in _chunks(ids):
            conn.execute(update(s).where(s.c.signal_id.in_(part)).values(
                assessment=assessment, assessed_by=self.actor.name, assessed_at=now))
        self._audit(conn, "signals.assess", f"{len(ids)} signals: {assessment}", "assess a partner report",
                    [r[4] for r in rows])
        return {"assessment": assessment, "at": now, "by": self.actor.name,
                "before": [{"signal_id": r[0], "assessment": r[1], "assessed_by": r[2], "assessed_at": r[3]}
                           for r in rows]}

    @operation("signals.assess")
    def undo_assessment(self, last: dict) -> int:
        """Take back an assessment made by :meth:`assess_signals` or :meth:`assess_filtered`
        (``last``: what it returned): each signal still as that call left it (same assessment,
        by this user, at that time) gets its earlier assessment back; a signal changed since
        is left alone. Returns how many were restored. Audited."""
        if last.get("by") != self.actor.name:
            raise NotAllowed("only the user who made an assessment can undo it")
        s = t.signals
        at = last["at"]
        before = {b["signal_id"]: b for b in last.get("before", [])}
        window = (at - timedelta(seconds=1), at + timedelta(seconds=1))
        with store_engine.write_tx(self.engine) as conn:
            still: list[tuple[str, str]] = []
            for part in _chunks(sorted(before)):
                still += conn.execute(select(s.c.signal_id, s.c.entrance_id).where(
                    s.c.signal_id.in_(part), s.c.assessment == last["assessment"],
                    s.c.assessed_by == self.actor.name, s.c.assessed_at >= window[0],
                    s.c.assessed_at <= window[1])).all()
            # one UPDATE per earlier state and chunk: a bulk assessment of a city's 100,000
            # reports, all ``new`` before, took 34 s back one UPDATE per report
            earlier: dict[tuple, list[str]] = {}
            for sid, _e in still:
                b = before[sid]
                earlier.setdefault((b["assessment"], b["assessed_by"], b["assessed_at"]), []).append(sid)
            for (assessment, by, at_), sids in earlier.items():
                for part in _chunks(sids):
                    conn.execute(update(s).where(s.c.signal_id.in_(part)).values(
                        assessment=assessment, assessed_by=by, assessed_at=at_))
            self._audit(conn, "signals.assess.undo", f"{len(still)} signals back from {last['assessment']}",
                        "undo the last assessment", [e for _s, e in still])
        return len(still)

    # ------------------------------------------------------------------ the latest import (issue 15)

    @operation("signals.read")
    def latest_import(self) -> dict | None:
        """The newest import batch of reports and the ids of the signals it added (so the map
        can show new reports apart from old ones); ``None`` before the first import.

        ``{"batch_id", "file_name", "created_at", "created_by", "imported", "signal_ids"}``.
        """
        b, s = t.import_batches, t.signals
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(b.c.batch_id, b.c.file_name, b.c.created_at, b.c.created_by, b.c.imported)
                               .where(b.c.kind == "signals").order_by(b.c.created_at.desc()).limit(1)).first()
            if row is None:
                return None
            ids = set(conn.execute(select(s.c.signal_id).where(s.c.batch_id == row[0])).scalars())
        return {"batch_id": row[0], "file_name": row[1], "created_at": row[2], "created_by": row[3],
                "imported": int(row[4]), "signal_ids": ids}

    # ------------------------------------------------------------------ grid cells in words (issue 15)
    # a cell is shown by its place, never as its DDKN id (``250m_618850_59975``)

    def _cell_places(self, conn: Connection, layer: str, area_ids: Iterable[str] | None,
                     *, with_signals: bool) -> pd.DataFrame:
        e = t.entrances
        # plain tuples: pandas probes every SQLAlchemy Row for named fields (≈ 2 s on a city)
        ent = pd.DataFrame([tuple(row) for row in conn.execute(
            select(e.c.entrance_id, e.c.street, e.c.city, e.c.x, e.c.y))],
            columns=["entrance_id", "street", "city", "x", "y"])
        ent["cell"] = ddkn_cell_ids(ent["x"].to_numpy(), ent["y"].to_numpy(), size_m=GRID_LAYERS[layer]) \
            if len(ent) else []
        if with_signals:
            sig = pd.DataFrame({"entrance_id": conn.execute(select(t.signals.c.entrance_id)).scalars().all()})
            sig = sig[~sig["entrance_id"].isin(self._restricted_ids(conn))]  # as signals_to_assess
            counts = sig.merge(ent[["entrance_id", "cell"]], on="entrance_id")["cell"].value_counts()
            ids = sorted(counts.index)
        else:
            counts = pd.Series(dtype=int)
            ids = sorted({str(a) for a in (area_ids or [])})
        # the most common street of each cell and that street's most common town, the first
        # in sort order on a tie (as pandas' ``mode().iloc[0]``) — grouped once for all cells
        # (a loop over the cells took 140 s for a city's 50,000 cells of 100 m)
        best = pd.DataFrame(columns=["cell", "street", "city"])
        if len(ent):
            named = ent.dropna(subset=["street"])
            st = named.groupby(["cell", "street"], sort=False).size().rename("n").reset_index()
            st = st.sort_values(["cell", "n", "street"], ascending=[True, False, True], kind="stable")
            st = st.drop_duplicates("cell")[["cell", "street"]]
            ct = named.dropna(subset=["city"]).merge(st, on=["cell", "street"])
            ct = ct.groupby(["cell", "city"], sort=False).size().rename("n").reset_index()
            ct = ct.sort_values(["cell", "n", "city"], ascending=[True, False, True], kind="stable")
            best = st.merge(ct.drop_duplicates("cell")[["cell", "city"]], on="cell", how="left")
        best = best.set_index("cell")
        found = best.reindex(ids)
        per_cell = counts.to_dict()  # a Series lookup per cell took 0.15 s for a city's 6,000 cells
        out = [(cell, "" if pd.isna(street) else str(street), "" if pd.isna(city) else str(city),
                int(per_cell.get(cell, 0)))
               for cell, street, city in zip(ids, found["street"], found["city"], strict=True)]
        df = pd.DataFrame(out, columns=["area_id", "street", "city", "signals"])
        centre = cell_centres(list(df["area_id"]))
        df["x"] = centre[:, 0]
        df["y"] = centre[:, 1]
        return df

    @operation("areas.read")
    def cell_places(self, layer: str, area_ids: Iterable[str]) -> pd.DataFrame:
        """Where each grid cell of ``area_ids`` is: ``area_id, street, city`` (the most common
        street among its entrances and that street's town; empty when none) and its centre
        ``x, y`` (EPSG:25832). A street name is no address: every role may read this."""
        if layer not in GRID_LAYERS:
            raise InputError(f"{layer!r} is not a grid layer; use one of {', '.join(GRID_LAYERS)}",
                             code="not_grid")
        with store_engine.read_tx(self.engine) as conn:
            return self._cell_places(conn, layer, area_ids, with_signals=False).drop(columns=["signals"])

    @operation("signals.assess")
    def report_cells(self, layer: str) -> pd.DataFrame:
        """The grid cells of ``layer`` that hold reports, with their place (as
        :meth:`cell_places`) and ``signals`` (how many), for the assessment filter."""
        if layer not in GRID_LAYERS:
            raise InputError(f"{layer!r} is not a grid layer; use one of {', '.join(GRID_LAYERS)}",
                             code="not_grid")
        with store_engine.read_tx(self.engine) as conn:
            return self._cell_places(conn, layer, None, with_signals=True)


def _check_assessment_value(value: str) -> None:
    """Refuse an assessment a user can't give (``new`` is where a report starts, not a verdict)."""
    if value not in ASSESSMENTS or value == "new":
        raise InputError(f"assessment {value!r} is not known; use one of: "
                         f"{', '.join(a for a in ASSESSMENTS if a != 'new')}", code="assessment_unknown")


def _cell_bounds(cell_id: str, size_m: int) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)``: the points :func:`ddkn_cell_ids` names ``cell_id`` at ``size_m``
    are those with ``x0 <= x < x1`` and ``y0 <= y < y1``; ``None`` when it names no point so
    (not a DDKN id, a cell of another size, or not written as ``ddkn_cell_ids`` writes it).

    >>> _cell_bounds("250m_622375_57550", 250)
    (575500.0, 6223750.0, 575750.0, 6224000.0)
    >>> _cell_bounds("250m_622375_57550", 100), _cell_bounds("250m_622380_57550", 250)
    (None, None)
    """
    try:
        x0, y0, x1, y1 = cell_polygon(cell_id).bounds
    except GeoInputError:
        return None
    if x1 - x0 != size_m or ddkn_cell_ids([x0], [y0], size_m=size_m)[0] != cell_id:
        return None
    return x0, y0, x1, y1


def _raw_key(raw: str | None) -> str:
    try:
        return json.loads(raw or "{}").get("key", "")
    except (ValueError, AttributeError):
        return ""
