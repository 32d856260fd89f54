"""Table definitions of the workspace store (SQLAlchemy Core).

The tables are *created* by the alembic migrations in ``migrations/versions``; this module
describes the current shape for queries. A change here needs a new migration.

Coordinates are stored as ``x``/``y`` floats in EPSG:25832 metres and polygons as WKB in
EPSG:25832, so the same schema runs on SQLite and PostgreSQL.

Every text column is one of the guard types of :mod:`detection.store.guard` (free text,
label, code or JSON), so no CPR number reaches the store by any write path;
``tests/store/test_text_guard.py`` fails on a text column that is not.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    UniqueConstraint,
    false,
    true,
)

from detection.store.guard import Code, FreeText, JsonText, Label, LongText

metadata = MetaData()

workspace = Table(
    "workspace", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", FreeText(200), nullable=False),
    Column("kommunekode", Code(4), nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("boundary_wkb", LargeBinary, nullable=True),
    Column("sources", JsonText(), nullable=False, default="[]"),
    Column("data_version", Integer, nullable=False, default=1),
)

users = Table(
    "users", metadata,
    Column("name", Code(100), primary_key=True),
    Column("role", Code(30), nullable=False),
    Column("password_hash", Code(300), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("email", Code(200), nullable=True, unique=True),
)

entrances = Table(
    "entrances", metadata,
    Column("entrance_id", Code(36), primary_key=True),
    Column("street", FreeText(200), nullable=False),
    Column("house_number", Code(20), nullable=False),
    Column("postcode", Code(4), nullable=False, default=""),
    Column("city", FreeText(100), nullable=False, default=""),
    Column("kommunekode", Code(4), nullable=False),
    Column("address_key", FreeText(300), nullable=False, index=True),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("source", Code(10), nullable=False),
    Column("node_id", BigInteger, nullable=True),
    Column("snap_m", Float, nullable=True),
)

units = Table(
    "units", metadata,
    Column("unit_id", Code(36), primary_key=True),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("floor", Code(10), nullable=False, default=""),
    Column("door", Code(10), nullable=False, default=""),
)

buildings = Table(
    "buildings", metadata,
    Column("building_id", Code(36), primary_key=True),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="SET NULL"),
           nullable=True, index=True),
    Column("use_code", Code(10), nullable=False, default=""),
    Column("year_built", Integer, nullable=True),
    Column("flats", Integer, nullable=False, default=0),
    Column("x", Float, nullable=True),
    Column("y", Float, nullable=True),
)

bbr_units = Table(
    "bbr_units", metadata,
    Column("bbr_unit_id", Code(36), primary_key=True),
    Column("unit_id", Code(36), ForeignKey("units.unit_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("use_code", Code(10), nullable=False, default=""),
    Column("dwelling_type", Code(10), nullable=False, default=""),
    Column("rooms", Code(10), nullable=False, default=""),
    Column("tenure", Code(10), nullable=False, default=""),
    Column("public_support", Code(10), nullable=False, default=""),
)

area_layers = Table(
    "area_layers", metadata,
    Column("layer", Code(60), primary_key=True),
    Column("source", FreeText(300), nullable=False, default=""),
)

areas = Table(
    "areas", metadata,
    Column("layer", Code(60), ForeignKey("area_layers.layer", ondelete="CASCADE"), primary_key=True),
    Column("area_id", Code(60), primary_key=True),
    Column("name", FreeText(200), nullable=False),
    Column("geometry_wkb", LargeBinary, nullable=False),
)

network_nodes = Table(
    "network_nodes", metadata,
    Column("node_id", BigInteger, primary_key=True, autoincrement=False),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
)

network_edges = Table(
    "network_edges", metadata,
    Column("u", BigInteger, ForeignKey("network_nodes.node_id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("v", BigInteger, ForeignKey("network_nodes.node_id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("length_m", Float, nullable=False),
    Column("highway", Code(40), nullable=False, default=""),
    Column("geometry_wkb", LargeBinary, nullable=True),
)

partners = Table(
    "partners", metadata,
    Column("partner_id", Code(36), primary_key=True),
    Column("name", FreeText(200), nullable=False),
    Column("kind", Code(40), nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
    # issue 7 (migration 0008): a business contact at the partner (never a citizen)
    Column("contact_name", FreeText(200), nullable=True),
    Column("contact_phone", FreeText(50), nullable=True),
    Column("contact_email", Code(200), nullable=True),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
    Column("notes", LongText(), nullable=False, default="", server_default=""),
)

import_batches = Table(
    "import_batches", metadata,
    Column("batch_id", Code(36), primary_key=True),
    Column("kind", Code(30), nullable=False),
    Column("file_name", FreeText(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Code(100), nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("imported", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0, server_default="0"),
    Column("cpr_removed", Integer, nullable=False, default=0, server_default="0"),
    Column("file_sha256", Code(64), nullable=True),
)

register_problems = Table(
    "register_problems", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Code(36), ForeignKey("import_batches.batch_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("file", FreeText(300), nullable=False),
    Column("row", Integer, nullable=False),
    Column("field", Code(100), nullable=False),
    Column("value", LongText(), nullable=False),
    Column("reason", Code(40), nullable=False),
    Column("message", LongText(), nullable=False),
    Column("kept", Boolean, nullable=False, default=False),
)

signals = Table(
    "signals", metadata,
    Column("signal_id", Code(36), primary_key=True),
    Column("kind", Code(40), nullable=False, index=True),
    Column("received", Date, nullable=False),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("unit_id", Code(36), ForeignKey("units.unit_id", ondelete="SET NULL"), nullable=True),
    Column("partner_id", Code(36), ForeignKey("partners.partner_id", ondelete="SET NULL"),
           nullable=True),
    Column("source", Code(200), nullable=False, default=""),
    Column("external_ref", Code(200), nullable=True),
    Column("note", LongText(), nullable=False, default=""),
    Column("credibility", Integer, nullable=False, default=2),
    Column("match_quality", Code(10), nullable=False, default="exact"),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("assessment", Code(20), nullable=False, default="new"),
    Column("assessed_by", Code(100), nullable=True),
    Column("assessed_at", DateTime(timezone=True), nullable=True),
    Column("cpr_removed", Boolean, nullable=False, default=False, server_default=false()),
    Column("batch_id", Code(36), ForeignKey("import_batches.batch_id", ondelete="SET NULL"),
           nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("content_hash", Code(64), nullable=True, index=True),
    UniqueConstraint("source", "external_ref", name="uq_signal_source_ref"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", FreeText(100), nullable=False),  # also a name typed at a failed sign-in
    Column("role", Code(30), nullable=False),
    Column("action", Code(40), nullable=False),
    Column("object", LongText(), nullable=False, default=""),
    Column("purpose", FreeText(200), nullable=False, default=""),
)

audit_subjects = Table(
    "audit_subjects", metadata,
    Column("audit_id", Integer, ForeignKey("audit_log.id", ondelete="CASCADE"), primary_key=True),
    Column("entrance_id", Code(36), primary_key=True, index=True),
)

# An entry naming many addresses (a map view) keeps them as one compressed set of numbers
# (detection.store.idsets): each entrance id's number, append-only and never reused.
audit_entrance_numbers = Table(
    "audit_entrance_numbers", metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("entrance_id", Code(36), nullable=False, unique=True),
    sqlite_autoincrement=True,
)

audit_subject_sets = Table(
    "audit_subject_sets", metadata,
    Column("audit_id", Integer, ForeignKey("audit_log.id", ondelete="CASCADE"), primary_key=True),
    Column("encoding", Code(10), nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("lo", Integer, nullable=False, index=True),
    Column("hi", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

assignments = Table(
    "assignments", metadata,
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           primary_key=True),
    Column("team", FreeText(300), nullable=True),
    Column("assigned_by", Code(100), nullable=True),
    Column("assigned_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False, default=0, server_default="0"),
)

outcomes = Table(
    "outcomes", metadata,
    Column("outcome_id", Code(36), primary_key=True),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("unit_id", Code(36), ForeignKey("units.unit_id", ondelete="SET NULL"), nullable=True),
    Column("outcome", Code(30), nullable=False),
    Column("visited_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", Code(100), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("note", LongText(), nullable=False, default="", server_default=""),
)

rejected_rows = Table(
    "rejected_rows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Code(36), ForeignKey("import_batches.batch_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("field", Code(100), nullable=False),
    Column("value", LongText(), nullable=False),
    Column("reason", Code(40), nullable=False),
    Column("message", LongText(), nullable=False),
    Column("raw", LongText(), nullable=False, default="", server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
)

focus_areas = Table(
    "focus_areas", metadata,
    Column("focus_id", Code(36), primary_key=True),
    Column("name", Label(200), nullable=False),
    Column("origin", Code(20), nullable=False),  # cluster | area | drawn
    Column("source_ref", FreeText(200), nullable=False, default="", server_default=""),
    Column("geometry_wkb", LargeBinary, nullable=False),
    Column("stats", JsonText(), nullable=False, default="{}", server_default="{}"),
    Column("created_by", Code(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name", name="uq_focus_area_name"),
)

priority_model = Table(
    "priority_model", metadata,
    Column("name", Code(60), primary_key=True),
    Column("params", JsonText(), nullable=False),
    Column("updated_by", Code(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

settings = Table(
    "settings", metadata,
    Column("key", Code(60), primary_key=True),
    Column("value", Code(200), nullable=False),
)

# --- restriction of processing (migration 0013) ---------------------------------------------

restrictions = Table(
    "restrictions", metadata,
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"), primary_key=True),
    Column("reason", Code(30), nullable=False),
    Column("created_by", Code(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- sign-in backoff and lockout (migration 0011) -------------------------------------------

sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("subject", FreeText(300), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_failed_at", DateTime(timezone=True), nullable=True),
    Column("locked", Boolean, nullable=False, server_default=false()),
)

# --- partners, coverage, contact log (issue 7, migration 0008) -----------------------------

partner_coverage = Table(
    "partner_coverage", metadata,
    Column("coverage_id", Integer, primary_key=True, autoincrement=True),
    Column("partner_id", Code(36), ForeignKey("partners.partner_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", Code(20), nullable=False),  # polygon | entrances | radius
    Column("label", FreeText(200), nullable=False, default="", server_default=""),
    Column("geometry_wkb", LargeBinary, nullable=True),  # polygon, or the radius centre point
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=True, index=True),
    Column("radius_m", Float, nullable=True),
    Column("batch_id", Code(36), ForeignKey("import_batches.batch_id", ondelete="SET NULL"),
           nullable=True),
)

partner_contacts = Table(
    "partner_contacts", metadata,
    Column("contact_id", Code(36), primary_key=True),
    Column("partner_id", Code(36), ForeignKey("partners.partner_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("contact_date", Date, nullable=False),
    Column("channel", Code(20), nullable=False),  # meeting | phone | email | presentation | material
    Column("who", FreeText(100), nullable=False, default="", server_default=""),
    Column("summary", LongText(), nullable=False, default="", server_default=""),
    Column("next_contact", Date, nullable=True),
    Column("created_by", Code(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- route plans (issue 6; migration 0007) ----------------------------------------------

route_plans = Table(
    "route_plans", metadata,
    Column("plan_id", Code(36), primary_key=True),
    Column("area", Label(200), nullable=False),
    Column("created_by", Code(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("params", JsonText(), nullable=False, default="{}", server_default="{}"),
    Column("method", Code(20), nullable=False),
    Column("engine", Code(20), nullable=False),
    Column("start_x", Float, nullable=False),
    Column("start_y", Float, nullable=False),
    Column("prize_collected", Float, nullable=False, default=0.0),
    Column("prize_total", Float, nullable=False, default=0.0),
    Column("unplanned", JsonText(), nullable=False, default="[]", server_default="[]"),
)

routes = Table(
    "routes", metadata,
    Column("route_id", Code(60), primary_key=True),
    Column("plan_id", Code(36), ForeignKey("route_plans.plan_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("team", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("start_at", DateTime(timezone=True), nullable=False),
    Column("end_at", DateTime(timezone=True), nullable=False),
    Column("walk_m", Float, nullable=False, default=0.0),
    Column("duration_s", Integer, nullable=False, default=0),
    Column("members", FreeText(300), nullable=True),
    Column("path_wkb", LargeBinary, nullable=True),
    # drive then walk (migration 0017): metres driven, the car legs, the parking points
    Column("drive_m", Float, nullable=False, default=0.0, server_default="0"),
    Column("car_wkb", LargeBinary, nullable=True),
    Column("parking", JsonText(), nullable=False, default="[]", server_default="[]"),
)

route_stops = Table(
    "route_stops", metadata,
    Column("route_id", Code(60), ForeignKey("routes.route_id", ondelete="CASCADE"),
           primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("units", JsonText(), nullable=False, default="[]", server_default="[]"),
    Column("letter_units", JsonText(), nullable=False, default="[]", server_default="[]"),
    Column("task", Code(10), nullable=False),
    Column("arrive", DateTime(timezone=True), nullable=False),
    Column("walk_m", Float, nullable=False, default=0.0),
    Column("drive_m", Float, nullable=False, default=0.0, server_default="0"),
    Column("parking", Integer, nullable=True),
)

door_decisions = Table(
    "door_decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("decision", Code(30), nullable=False),
    Column("decided_by", Code(100), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", LongText(), nullable=False, default="", server_default=""),
)

# --- pair safety: check-in and check-out of a route (issue 17; migration 0016) ----------

route_checks = Table(
    "route_checks", metadata,
    Column("route_id", Code(60), ForeignKey("routes.route_id", ondelete="CASCADE"),
           primary_key=True),
    Column("kind", Code(10), primary_key=True),  # "in" or "out": one of each per route
    Column("user_name", Code(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# --- the method beyond the door (issue 16; migration 0018) -------------------------------

framings = Table(
    "framings", metadata,
    Column("period_from", Date, primary_key=True),  # one framing per period, keyed by its first day
    Column("period_to", Date, nullable=False),
    Column("target_group", FreeText(1000), nullable=False, default="", server_default=""),
    Column("focus_areas", JsonText(), nullable=False, default="[]", server_default="[]"),  # focus-area ids
    Column("pairs", Integer, nullable=True),
    Column("hours_per_week", Float, nullable=True),  # per pair
    Column("shift", Code(20), nullable=True),
    Column("hourly_cost_dkk", Float, nullable=True),
    Column("other_costs_dkk", Float, nullable=False, default=0, server_default="0"),
    Column("goals", JsonText(), nullable=False, default="{}", server_default="{}"),
    Column("economics", JsonText(), nullable=False, default="{}", server_default="{}"),
    Column("updated_by", Code(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

courses = Table(
    "courses", metadata,
    Column("course_id", Code(36), primary_key=True),
    Column("entrance_id", Code(36), ForeignKey("entrances.entrance_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("unit_id", Code(36), ForeignKey("units.unit_id", ondelete="SET NULL"), nullable=True),
    Column("origin", Code(10), nullable=False),  # "door" (an outcome) or "report" (by hand)
    Column("signal_id", Code(36), ForeignKey("signals.signal_id", ondelete="SET NULL"), nullable=True),
    Column("outcome_id", Code(36), ForeignKey("outcomes.outcome_id", ondelete="SET NULL"), nullable=True),
    Column("owner", Code(100), nullable=False, index=True),  # the field worker who follows it
    Column("stage", Code(20), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("relationship_on", Date, nullable=True),
    Column("bridging_on", Date, nullable=True),
    Column("handed_over_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("target", Code(20), nullable=True),
    Column("close_reason", Code(20), nullable=True),
    Column("note", Label(200), nullable=False, default="", server_default=""),  # reason "other" only
    Column("case_ref", Code(60), nullable=True),  # the case system's reference, optional
    Column("synthetic", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_by", Code(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

course_meetings = Table(
    "course_meetings", metadata,
    Column("meeting_id", Code(36), primary_key=True),
    Column("course_id", Code(36), ForeignKey("courses.course_id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("met_on", Date, nullable=False),
    Column("kind", Code(20), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("recorded_by", Code(100), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
