"""the method beyond the door: framing, courses and their meetings (issue 16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02

``framings (period_from PK, period_to, target_group, focus_areas, pairs, hours_per_week,
shift, hourly_cost_dkk, other_costs_dkk, goals, economics, updated_by, updated_at)``
    the effort's framing (*rammesætning*) per period: who it is for, where, the team, its
    cost and its numeric goals; ``economics`` the municipality's scenario inputs (JSON).
``courses (course_id PK, entrance_id → entrances CASCADE, unit_id, origin, signal_id,
outcome_id, owner, stage, started_on, relationship_on, bridging_on, handed_over_on,
closed_on, target, close_reason, note, case_ref, synthetic, created_by, created_at,
updated_at)``
    phase 2 (*forløb*): the minimum the method's funnel, fidelity and evaluation need; no
    name, no CPR, no narrative.
``course_meetings (meeting_id PK, course_id → courses CASCADE, met_on, kind, minutes,
recorded_by, recorded_at)``

Courses ended (handed over or closed) before the period ``retention_courses_days`` are
purged with their meetings, so ``opspor_compact``'s whitelist (0016) is replaced with one
that holds both.
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_spec = importlib.util.spec_from_file_location("m0016", Path(__file__).with_name("0016_route_checks.py"))
_m0016 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_m0016)

#: Tables opspor_compact may rewrite: 0016's list and the courses. Frozen here.
COMPACTED = (*_m0016.COMPACTED, "courses", "course_meetings")
COMPACTED_0016 = _m0016.COMPACTED


def upgrade() -> None:
    op.create_table(
        "framings",
        sa.Column("period_from", sa.Date, primary_key=True),
        sa.Column("period_to", sa.Date, nullable=False),
        sa.Column("target_group", sa.String(length=1000), nullable=False, server_default=""),
        sa.Column("focus_areas", sa.Text, nullable=False, server_default="[]"),
        sa.Column("pairs", sa.Integer, nullable=True),
        sa.Column("hours_per_week", sa.Float, nullable=True),
        sa.Column("shift", sa.String(length=20), nullable=True),
        sa.Column("hourly_cost_dkk", sa.Float, nullable=True),
        sa.Column("other_costs_dkk", sa.Float, nullable=False, server_default="0"),
        sa.Column("goals", sa.Text, nullable=False, server_default="{}"),
        sa.Column("economics", sa.Text, nullable=False, server_default="{}"),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(length=36), primary_key=True),
        sa.Column("entrance_id", sa.String(length=36), sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("unit_id", sa.String(length=36), sa.ForeignKey("units.unit_id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("signal_id", sa.String(length=36), sa.ForeignKey("signals.signal_id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("outcome_id", sa.String(length=36), sa.ForeignKey("outcomes.outcome_id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=False, index=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("relationship_on", sa.Date, nullable=True),
        sa.Column("bridging_on", sa.Date, nullable=True),
        sa.Column("handed_over_on", sa.Date, nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("target", sa.String(length=20), nullable=True),
        sa.Column("close_reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("case_ref", sa.String(length=60), nullable=True),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "course_meetings",
        sa.Column("meeting_id", sa.String(length=36), primary_key=True),
        sa.Column("course_id", sa.String(length=36), sa.ForeignKey("courses.course_id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("met_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _m0016._replace_compact(COMPACTED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _m0016._replace_compact(COMPACTED_0016)
    op.drop_table("course_meetings")
    op.drop_table("courses")
    op.drop_table("framings")
