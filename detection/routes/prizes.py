"""Which doors a route plan considers, and what each is worth: the prize of a door is its
entrance's score under the planner's saved model (:mod:`detection.priorities.scoring`), the
same arithmetic as the area ranking, so the team lead's routes follow the planner's
priorities. Change a kind's weight and both the ranking and the prizes move.

    prize(entrance) = PRIZE_REPORTED + score(entrance)   with reports (not assessed out, not future)
                    = PRIZE_OTHER                        without (visited before, or --doors all|social_housing)
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from detection.errors import InputError
from detection.priorities.scoring import ModelParams, entrance_scores
from detection.routes.revisits import Candidate
from detection.vocab import EXCLUDED_ASSESSMENTS

DOOR_CHOICES = ("reported", "all", "social_housing")
SOCIAL_SUPPORT = {"10", "20", "30", "40"}
"""BBR ``enh046`` (offentlig støtte) codes of social housing (almene boliger)."""
PRIZE_REPORTED = 1.0
"""Every door with a counting report is worth at least this (above any door without one)."""
PRIZE_OTHER = 0.5
"""The prize of a door the plan considers without a counting report."""


def door_candidates(entrances: pd.DataFrame, signals: pd.DataFrame, units: pd.DataFrame, *,
                    visited: set[str], social_housing: set[str], doors: str, params: ModelParams,
                    as_of: date) -> list[Candidate]:
    """The doors to consider, in ``entrances`` order, each with its units and prize.

    Parameters
    ----------
    entrances : DataFrame
        ``entrance_id, x, y`` of the entrances inside the planning area.
    signals : DataFrame
        The reports at those entrances: ``entrance_id, unit_id, kind, received,
        credibility, source, partner_id, assessment``.
    units : DataFrame
        ``unit_id, entrance_id`` of the units at those entrances.
    visited : set
        Entrances with an outcome already (they come back until done).
    social_housing : set
        Entrances with a social-housing unit (for ``doors="social_housing"``).
    doors : str
        ``reported`` (reported or visited doors), ``all``, or ``social_housing`` (reported,
        visited and social housing).
    """
    if doors not in DOOR_CHOICES:
        raise InputError(f"--doors {doors!r}: use one of {', '.join(DOOR_CHOICES)}")
    received = pd.to_datetime(signals["received"], errors="coerce").dt.date
    live = ~signals["assessment"].isin(EXCLUDED_ASSESSMENTS) & received.notna() & (received <= as_of)
    sig = signals[live.to_numpy()]
    scores = entrance_scores(sig, params, as_of=as_of)["score"] if len(sig) else pd.Series(dtype=float)
    counting = set(sig["entrance_id"])  # reported doors, even where the model weighs their kind 0
    ids = list(entrances["entrance_id"])
    if doors == "all":
        chosen = set(ids)
    else:
        chosen = counting | visited
        if doors == "social_housing":
            chosen |= social_housing
    newest = pd.to_datetime(sig["received"]).dt.date.groupby(sig["entrance_id"]).max().to_dict() if len(sig) else {}
    reported_units = {e: sorted({u for u in g if isinstance(u, str) and u})
                      for e, g in sig.groupby("entrance_id")["unit_id"]} if len(sig) else {}
    units_of = {e: list(g) for e, g in units.groupby("entrance_id")["unit_id"]}
    out = []
    for r in entrances[entrances["entrance_id"].isin(chosen)].itertuples(index=False):
        eid = r.entrance_id
        knock = reported_units.get(eid) or units_of.get(eid, [])
        prize = PRIZE_REPORTED + float(scores.get(eid, 0.0)) if eid in counting else PRIZE_OTHER
        out.append(Candidate(eid, float(r.x), float(r.y), tuple(knock), round(prize, 4), newest.get(eid)))
    return out
