"""CLI commands for partners, the contact log and coverage (issue 7).

``opspor partners SUBCOMMAND`` (global options before or after):

- ``import FILE [--allow-in-demo]``: partners and their coverage from CSV / GeoJSON / GPKG;
  the JSON is shaped like the report import's (``rows = imported + rejected + duplicates``).
- ``list``; ``add NAME --kind KIND [--contact-name --phone --email --notes]``.
- ``coverage [--areas LAYER] [--months N]``: per area ``area_id, name, dwellings, need,
  active_share, lapsed_share, none_share, partners_active, partners_lapsed``.
- ``gaps [--areas LAYER] [--top N] [--out FILE] [--months N]``: the gap list; ``--out``
  writes it as CSV (``;``, UTF-8 with BOM) for the next partner meeting.
- ``contact PARTNER --channel CH --date D [--next D] [--who W] [--summary S]``: log a
  contact (``PARTNER`` is the id or the exact name); ``contacts [PARTNER]``: the log;
  ``overdue``: partners whose planned next contact is past.
- ``yield [--window DAYS]``: reports per partner, before/after each contact.
- ``feedback PARTNER --out FILE [--quarters N]``: the feedback file (PDF when FILE ends
  in ``.pdf``, else CSV), counts only.

``--as-of`` fixes "today" for the partner lapse (active = a contact within ``--months``,
default: the workspace setting ``partner_active_months``, 6).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from detection import clock
from detection.cli.common import Parser, add_command, open_repo, parse_date
from detection.errors import InputError

log = logging.getLogger("opspor")


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add ``opspor partners …``."""

    sp = sub("partners", "partners, contact log and coverage (kommunikationsstrategi)")
    ps = sp.add_subparsers(dest="partners_command", parser_class=Parser, required=True)

    def nested(name: str, help_: str) -> argparse.ArgumentParser:
        return add_command(ps, name, help_)

    p = nested("import", "import partners and their coverage (CSV, GeoJSON, GeoPackage)")
    p.add_argument("file", type=Path)
    p.add_argument("--allow-in-demo", action="store_true", dest="allow_in_demo",
                   help="import into the demo anyway: the demo becomes a real workspace (its demo "
                        "users and published passwords are removed, the app asks for "
                        "sign-in; then `opspor users passwd admin`)")
    nested("list", "the partner registry with status")
    p = nested("add", "add a partner")
    p.add_argument("name")
    p.add_argument("--kind", required=True, help="partner kind (id or Danish/English name)")
    p.add_argument("--contact-name", dest="contact_name", help="business contact (not a citizen)")
    p.add_argument("--phone", dest="contact_phone")
    p.add_argument("--email", dest="contact_email")
    p.add_argument("--notes", default="")
    for name, help_ in (("coverage", "coverage per area: active / lapsed / none shares of dwellings"),
                        ("gaps", "areas with need and no active partner, ranked, with nearest partners")):
        p = nested(name, help_)
        p.add_argument("--areas", default="parishes", help="area layer (default parishes; or grid250 …)")
        p.add_argument("--months", type=int, default=None,
                       help="a contact within this many months is active (default: the workspace "
                            "setting partner_active_months, 6)")
        if name == "gaps":
            p.add_argument("--top", type=int, help="only the N highest-need gaps")
            p.add_argument("--out", type=Path, help="also write the gap list as CSV")
            p.add_argument("--max-active-share", type=float, default=0.1, dest="max_active_share",
                           help="an area is a gap below this share of actively covered dwellings")
    p = nested("contact", "log a contact with a partner (kontaktlog)")
    p.add_argument("partner", help="partner id or exact name")
    p.add_argument("--channel", required=True, help="meeting, phone, email, presentation, material")
    p.add_argument("--date", type=parse_date, dest="contact_date", help="date of the contact (default today)")
    p.add_argument("--next", type=parse_date, dest="next_contact", help="planned next contact")
    p.add_argument("--who", default="", help="who from the team (default the acting user)")
    p.add_argument("--summary", default="")
    p = nested("contacts", "the contact log")
    p.add_argument("partner", nargs="?", help="only this partner (id or exact name)")
    nested("overdue", "partners whose planned next contact is past")
    p = nested("yield", "reports per partner per month, before/after each contact")
    p.add_argument("--window", type=int, default=90, help="days before/after a contact (default 90)")
    p = nested("feedback", "feedback file for a partner (counts only, no personal details)")
    p.add_argument("partner", help="partner id or exact name")
    p.add_argument("--out", type=Path, required=True, help="PDF (.pdf) or CSV file to write")
    p.add_argument("--quarters", type=int, default=4)


def _resolve(repo, ref: str, as_of) -> str:  # noqa: ANN001

    df = repo.partners_list(as_of=as_of)
    if ref in set(df["partner_id"]):
        return ref
    hit = df[df["name"].str.casefold() == ref.strip().casefold()]
    if len(hit) == 1:
        return str(hit["partner_id"].iloc[0])
    raise InputError(f"partner {ref!r} is not known (give its id or exact name; see `opspor partners list`)")


def cmd_partners(args) -> dict:
    repo = open_repo(args)
    as_of = args.as_of or clock.today()
    lang = getattr(args, "lang", None) or "da"
    c = args.partners_command
    if c == "import":
        log.info("importing partners from %s …", args.file)
        return repo.import_partners(args.file, allow_in_demo=args.allow_in_demo)
    if c == "list":
        df = repo.partners_list(as_of=as_of)
        cols = ["partner_id", "name", "kind", "status", "active", "contact_name", "contact_phone",
                "contact_email", "last_contact", "next_contact", "n_polygon", "n_entrances", "n_radius"]
        return {"as_of": str(as_of), "partners": df[cols].astype(object).where(df[cols].notna(), None)
                .to_dict("records")}
    if c == "add":
        pid = repo.add_partner(args.name, args.kind, contact_name=args.contact_name,
                               contact_phone=args.contact_phone, contact_email=args.contact_email,
                               notes=args.notes)
        return {"partner_id": pid, "name": args.name}
    if c == "coverage":
        return repo.coverage(args.areas, as_of=as_of, months=args.months)
    if c == "gaps":
        out = repo.coverage_gaps(args.areas, as_of=as_of, top=args.top, months=args.months,
                                 max_active_share=args.max_active_share)
        if args.out:
            from detection.partners.network import gaps_table
            from detection.tabular import write_csv

            write_csv(gaps_table(out["gaps"], lang=lang), args.out)
            out["file"] = str(args.out)
        return out
    if c == "contact":
        pid = _resolve(repo, args.partner, as_of)
        cid = repo.log_contact(pid, contact_date=args.contact_date or as_of, channel=args.channel,
                               who=args.who, summary=args.summary, next_contact=args.next_contact)
        return {"contact_id": cid, "partner_id": pid, "contact_date": str(args.contact_date or as_of),
                "next_contact": str(args.next_contact) if args.next_contact else None}
    if c == "contacts":
        pid = _resolve(repo, args.partner, as_of) if args.partner else None
        df = repo.contact_log(pid)
        return {"contacts": len(df), "rows": df.astype(object).where(df.notna(), None).assign(
            contact_date=df["contact_date"].astype(str), created_at=df["created_at"].astype(str)).to_dict("records")}
    if c == "overdue":
        df = repo.overdue_partners(as_of=as_of)
        return {"as_of": str(as_of), "overdue": df.astype(object).where(df.notna(), None).to_dict("records")}
    if c == "yield":
        return repo.partner_yield(as_of=as_of, window_days=args.window)
    # feedback
    from detection.partners.feedback import write_feedback

    pid = _resolve(repo, args.partner, as_of)
    fb = repo.partner_feedback(pid, as_of=as_of, quarters=args.quarters)
    write_feedback(fb, args.out, lang=lang)
    return {**fb, "file": str(args.out)}


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {"partners": cmd_partners}
