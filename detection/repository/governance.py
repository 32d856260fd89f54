"""Governance: workspace settings, the retention purge and the audit log."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
from sqlalchemy import delete, func, insert, select, update

from detection import clock
from detection.errors import InputError
from detection.repository.base import DEFAULT_SETTINGS, RepositoryBase, operation
from detection.store import engine as store_engine
from detection.store import maintenance
from detection.store import schema as t


class GovernanceOps(RepositoryBase):
    """Governance: workspace settings, the retention purge and the audit log."""

    @operation("settings.read")
    def settings(self) -> dict[str, int]:
        """Workspace settings (retention periods in days, partner lapse in months), defaults filled in."""
        return self._settings()

    @operation("settings.write")
    def set_setting(self, key: str, value: int) -> None:
        if key not in DEFAULT_SETTINGS:
            raise InputError(f"setting {key!r} is not known; settings: {', '.join(DEFAULT_SETTINGS)}")
        if int(value) < 1:
            unit = "month" if key.endswith("_months") else "day"
            raise InputError(f"setting {key!r} must be at least 1 {unit}. Got {value!r} instead.")
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.settings).where(t.settings.c.key == key).values(value=str(int(value)))).rowcount
            if n == 0:
                conn.execute(insert(t.settings).values(key=key, value=str(int(value))))
            self._audit(conn, "settings.write", f"{key}={int(value)}", "change workspace settings")

    @operation("retention.purge")
    def purge(self, *, as_of: date, dry_run: bool = False) -> dict[str, int]:
        """Delete for real what is past its retention period; counts per table.

        - signals older than ``retention_signals_days`` with no follow-up (not assessed as
          in the target group, and no door outcome at their entrance since they came in),
        - outcomes older than ``retention_outcomes_days``,
        - rejected import rows older than ``retention_rejected_days``,
        - audit entries older than ``retention_audit_days``.

        Then the freed pages are really removed from disk (SQLite ``VACUUM`` and a WAL
        checkpoint; PostgreSQL ``VACUUM FULL`` of the tables touched). The purge itself is
        logged.
        """
        cfg = self.settings()
        cut = {k: clock.days_before_utc(as_of, cfg[f"retention_{k}_days"])
               for k in ("signals", "outcomes", "rejected", "audit")}
        s, o = t.signals, t.outcomes
        followed = select(o.c.outcome_id).where(o.c.entrance_id == s.c.entrance_id,
                                                 o.c.visited_at >= s.c.received)
        old_signals = (s.c.received < cut["signals"].date()) & (s.c.assessment != "in_target_group") & ~followed.exists()
        counts: dict[str, int] = {}
        with store_engine.write_tx(self.engine) as conn:
            counts["signals"] = conn.execute(select(func.count()).where(old_signals)).scalar_one()
            counts["outcomes"] = conn.execute(select(func.count()).select_from(o)
                                              .where(o.c.visited_at < cut["outcomes"])).scalar_one()
            counts["rejected_rows"] = conn.execute(
                select(func.count()).select_from(t.rejected_rows)
                .where(t.rejected_rows.c.created_at < cut["rejected"])).scalar_one()
            counts["audit_log"] = conn.execute(select(func.count()).select_from(t.audit_log)
                                               .where(t.audit_log.c.at < cut["audit"])).scalar_one()
            if not dry_run:
                conn.execute(delete(s).where(old_signals))
                conn.execute(delete(o).where(o.c.visited_at < cut["outcomes"]))
                conn.execute(delete(t.rejected_rows).where(t.rejected_rows.c.created_at < cut["rejected"]))
                maintenance.purge_audit_before(conn, cut["audit"])
                self._bump_version(conn)
            self._audit(conn, "retention.purge" + (".dry_run" if dry_run else ""),
                        json.dumps(counts), "retention purge")
        if not dry_run:
            maintenance.compact(self.engine, tables=["signals", "outcomes", "rejected_rows",
                                                      "audit_log", "audit_subjects"])
        return counts

    @operation("audit.read")
    def audit_list(self, *, since: datetime | None = None, user: str | None = None,
                   action: str | None = None, limit: int = 10_000) -> pd.DataFrame:
        """Audit entries, newest first, filtered by time, user and action (prefix)."""
        a = t.audit_log
        q = select(a).order_by(a.c.id.desc()).limit(limit)
        if since is not None:
            q = q.where(a.c.at >= since)
        if user:
            q = q.where(a.c.user_name == user)
        if action:
            q = q.where(a.c.action.startswith(action))
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(q, conn)

    @operation("audit.export")
    def audit_export_entrance(self, entrance_id: str) -> pd.DataFrame:
        """Every audit entry concerning one address, for an access request.

        Dates, actions, roles and purposes — without staff names (GDPR art. 15).
        """
        a, sj = t.audit_log, t.audit_subjects
        q = (select(a.c.at, a.c.role, a.c.action, a.c.purpose)
             .join(sj, sj.c.audit_id == a.c.id).where(sj.c.entrance_id == entrance_id)
             .order_by(a.c.at, a.c.id))
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(q, conn)
            self._audit(conn, "audit.export", entrance_id, "access request (indsigt)", [entrance_id])
        return df

    @operation("audit.read")
    def audit_entries(self) -> pd.DataFrame:
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.audit_log).order_by(t.audit_log.c.id), conn)

    @operation("workspace.backup")
    def log_backup(self, what: str, detail: str) -> None:
        """Record a backup or a restore (``what``) in the audit log."""
        if what not in ("backup", "restore"):
            raise InputError(f"{what!r}: log a 'backup' or a 'restore'")
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, f"workspace.{what}", detail[:300], "backup and restore of the workspace")
