"""Plans a team lead can read (issue 17): short routes merged or explained, and what a plan
did not need said in words (pure: no database, no UI).

A 71-door plan for 2 pairs × 2 days once gave pair 2 a 16-minute route with 5 doors on day 1
and pair 1 nothing on day 2, and nothing said why. After the solve:

1. :func:`merge_short_routes` moves every door of a route shorter than the setting
   ``min_route_minutes`` into the other routes, when they all fit (cheapest feasible
   insertion, the shift and each door's time windows kept; the same day first, and with
   turfs only into the same pair's other days). A route whose doors do not all fit stays,
   and is explained.
2. :func:`plan_notes` says in words what the plan did not need (days, pairs), which short
   routes were merged or why they stay, and when doors did not fit in the time given.

Notes are small dicts (``code`` plus figures) so the CLI's JSON, the page (in Danish or
English) and a test read the same thing; :func:`note_text` words them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from detection.routes.planner import (
    DAY_S,
    Door,
    Plan,
    PlanSettings,
    Route,
    Walking,
    _schedule,
    _times,
    _windows,
    turf_overlap,
)

#: Extra cost (walk-equivalent metres) of moving a door to another day than its route's, so
#: a door stays on its day when a route of that day has room.
OTHER_DAY_M = 5_000.0


def _window_dict(doors: Sequence[Door], s: PlanSettings) -> dict[int, list[tuple[int, int, int]]]:
    out = {}
    for i, door in enumerate(doors):
        w = _windows(door, s)
        if w is not None:
            out[i] = w
    return out


def _added_m(seq: list[int], pos: int, i: int, walking: Walking) -> float:
    a = 0 if pos == 0 else seq[pos - 1] + 1
    b = 0 if pos == len(seq) else seq[pos] + 1
    d = walking.dist_m
    return float(d[a, i + 1] + d[i + 1, b] - d[a, b])


def _duration_s(seq: list[int], d: int, walking: Walking, doors: list[Door], windows: dict,
                s: PlanSettings) -> float:
    """Seconds from the shift's start back to the start point of the route ``seq`` on day ``d``."""
    times = _times(seq, d, walking, doors, windows, s) if seq else None
    if not times:
        return 0.0
    return times[-1][1] + walking.dist_m[seq[-1] + 1, 0] / s.speed_mps - (d * DAY_S + s.shift[0])


def merge_short_routes(plan: Plan, doors: Sequence[Door], s: PlanSettings, min_route_s: int, *,
                       keep_turfs: bool = False) -> list[dict]:
    """Merge each route shorter than ``min_route_s`` (with stops) into the plan's other
    routes when all its doors fit there; shortest first. Changes ``plan.routes`` in place
    (a merged route is left empty, with its pair and day) and returns one note per short
    route: ``merged`` (with the routes it went into) or ``short_route`` (why it stays).

    ``keep_turfs``: doors move only to the same pair's routes on other days (its turf).
    """
    walking = plan.walking
    if walking is None or min_route_s <= 0:
        return []
    doors = list(doors)
    windows = _window_dict(doors, s)
    day_index = {day: d for d, day in enumerate(s.days)}
    seqs = {id(r): [st.index for st in r.stops] for r in plan.routes}
    notes: list[dict] = []
    short = sorted((r for r in plan.routes if r.stops and r.duration_s < min_route_s), key=lambda r: r.duration_s)
    changed: set[int] = set()
    for r in short:
        if _duration_s(seqs[id(r)], day_index[r.day], walking, doors, windows, s) >= min_route_s:
            continue  # grew by an earlier merge
        targets = [x for x in plan.routes if x is not r and seqs[id(x)]
                   and (not keep_turfs or x.team == r.team)]
        if not targets:  # the only route (of the pair): there are no more doors to give it
            notes.append({"code": "short_route", "team": r.team, "day": r.day.isoformat(),
                          "minutes": round(r.duration_s / 60), "stops": len(r.stops), "why": "few_doors"})
            continue
        trial = {id(x): list(seqs[id(x)]) for x in targets}
        into: set[int] = set()
        ok = bool(targets)
        for i in seqs[id(r)]:
            best = None
            for x in targets:
                d = day_index[x.day]
                if i in windows and not any(w[0] == d for w in windows[i]):
                    continue
                seq = trial[id(x)]
                extra = 0.0 if x.day == r.day else OTHER_DAY_M
                for pos in range(len(seq) + 1):
                    cost = _added_m(seq, pos, i, walking) + extra
                    if best is not None and cost >= best[0]:
                        continue
                    cand = seq[:pos] + [i] + seq[pos:]
                    if _times(cand, d, walking, doors, windows, s) is not None:
                        best = (cost, x, cand)
            if best is None:
                ok = False
                break
            trial[id(best[1])] = best[2]
            into.add(id(best[1]))
        minutes = round(r.duration_s / 60)
        if not ok:
            notes.append({"code": "short_route", "team": r.team, "day": r.day.isoformat(), "minutes": minutes,
                          "stops": len(r.stops), "why": "turf" if keep_turfs else "no_room"})
            continue
        for x in targets:
            if id(x) in into:
                seqs[id(x)] = trial[id(x)]
                changed.add(id(x))
        seqs[id(r)] = []
        changed.add(id(r))
        notes.append({"code": "merged", "team": r.team, "day": r.day.isoformat(), "minutes": minutes,
                      "stops": len(r.stops),
                      "into": [{"team": x.team, "day": x.day.isoformat()} for x in targets if id(x) in into]})
    if not changed:
        return notes
    routes = []
    for r in plan.routes:
        if id(r) not in changed:
            routes.append(r)
            continue
        d = day_index[r.day]
        new = _schedule(seqs[id(r)], d, r.day, walking, doors, windows, s) if seqs[id(r)] else \
            Route(team=r.team, day=r.day, start=r.start, end=r.start)
        new.team = r.team
        routes.append(new)
    plan.routes = routes
    ratio = plan.balance_ratio()
    plan.stats["balance_ratio"] = round(ratio, 3) if ratio == ratio and ratio != float("inf") else None
    plan.stats["turf_overlap"] = round(turf_overlap(plan.routes, doors), 3)
    return notes


def plan_notes(plan: Plan, s: PlanSettings, unplanned: Sequence[tuple[str, str]], min_route_s: int,
               merge_notes: Sequence[dict] = ()) -> list[dict]:
    """What the plan did not need, or could not do, as notes (see :func:`note_text`).

    - ``days_not_needed``: every door that could be planned was, and some days have no
      route at all (``pairs_used`` pairs on ``days_used`` carry all ``doors``);
    - ``pairs_not_needed``: the same, and on a day in use some pairs have no route;
    - ``not_enough_time``: ``doors`` doors did not fit in the pairs' shifts;
    - the merge notes (``merged`` / ``short_route``), and ``short_route`` (``why``
      ``no_room``) for any other route still shorter than ``min_route_s``.
    """
    notes: list[dict] = []
    used = [r for r in plan.routes if r.stops]
    no_time = sum(1 for _, why in unplanned if why == "no_time")
    visited = sum(len(r.stops) for r in used)
    by_day: dict[date, list[Route]] = {}
    for r in plan.routes:
        by_day.setdefault(r.day, []).append(r)
    if no_time:
        notes.append({"code": "not_enough_time", "doors": no_time, "pairs": s.teams, "days": len(s.days)})
    elif used:
        days_used = [d for d in s.days if any(r.stops for r in by_day.get(d, []))]
        days_unused = [d for d in s.days if d not in days_used]
        pairs_used = max(sum(1 for r in by_day.get(d, []) if r.stops) for d in days_used)
        if days_unused:
            notes.append({"code": "days_not_needed", "pairs_used": pairs_used, "doors": visited,
                          "days_used": [d.isoformat() for d in days_used],
                          "days_unused": [d.isoformat() for d in days_unused]})
        merged_away = {(n["team"], n["day"]) for n in merge_notes if n["code"] == "merged"}
        for d in days_used:  # a pair whose short route was merged is said by its merge note
            idle = sorted(r.team for r in by_day.get(d, []) if not r.stops
                          and (r.team, d.isoformat()) not in merged_away)
            if idle:
                notes.append({"code": "pairs_not_needed", "day": d.isoformat(), "teams": idle,
                              "pairs_used": sum(1 for r in by_day.get(d, []) if r.stops)})
    notes.extend(merge_notes)
    noted = {(n["team"], n["day"]) for n in merge_notes}
    for r in used:
        if r.duration_s < min_route_s and (r.team, r.day.isoformat()) not in noted:
            notes.append({"code": "short_route", "team": r.team, "day": r.day.isoformat(),
                          "minutes": round(r.duration_s / 60), "stops": len(r.stops), "why": "no_room"})
    return notes


# --------------------------------------------------------------------------- words

_TEXTS = {
    "days_not_needed": {
        "da": "{pairs} klarer alle {doors} opgange på {days_used}; {days_unused} er ikke {needed}.",
        "en": "{pairs} manage all {doors} doors on {days_used}; {days_unused} {needed}."},
    "pairs_not_needed": {
        "da": "{day}: {teams} har ingen rute – {pairs_used} klarer dagens opgange.",
        "en": "{day}: {teams} has no route – {pairs_used} manage the day's doors."},
    "not_enough_time": {
        "da": "{doors} opgange var der ikke tid til i vagterne. Tilføj et par eller en dag, eller forlæng vagten.",
        "en": "{doors} doors did not fit in the shifts. Add a pair or a day, or lengthen the shift."},
    "merged": {
        "da": "En rute på {minutes} min. ({stops} opgange) for par {team} på {day} var kortere end "
              "{min_minutes} min. og er lagt sammen med {into}.",
        "en": "A {minutes}-minute route ({stops} doors) for pair {team} on {day} was shorter than "
              "{min_minutes} min. and was merged into {into}."},
    "short_route_no_room": {
        "da": "Par {team} har kun en rute på {minutes} min. ({stops} opgange) på {day}: de andre ruter har "
              "ikke tid til dens opgange.",
        "en": "Pair {team} has only a {minutes}-minute route ({stops} doors) on {day}: the other routes "
              "have no time for its doors."},
    "short_route_few_doors": {
        "da": "Par {team} har kun en rute på {minutes} min. ({stops} opgange) på {day}: der er ikke flere "
              "opgange at gå til.",
        "en": "Pair {team} has only a {minutes}-minute route ({stops} doors) on {day}: there are no more "
              "doors to visit."},
    "short_route_turf": {
        "da": "Par {team} har kun en rute på {minutes} min. ({stops} opgange) på {day}: dens opgange ligger i "
              "parrets eget område, og parrets andre dage har ikke tid til dem.",
        "en": "Pair {team} has only a {minutes}-minute route ({stops} doors) on {day}: its doors lie in the "
              "pair's own turf, and the pair's other days have no time for them."},
}


def _day(iso: str, lang: str, days: Sequence[str] = ()) -> str:
    """``dag 2 (03.12.2026)`` when the plan's days are known, else the date."""
    d = date.fromisoformat(iso)
    text = f"{d.day:02d}.{d.month:02d}.{d.year}" if lang == "da" else d.isoformat()
    if iso in days:
        return f"{'dag' if lang == 'da' else 'day'} {list(days).index(iso) + 1} ({text})"
    return text


def _n(value: int, lang: str) -> str:
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "da" else text


def _list(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" og " if lang == "da" else " and ") + items[-1]


def _pairs(n: int, lang: str) -> str:
    if lang == "da":
        return f"{_n(n, lang)} par"
    return f"{_n(n, lang)} pair" + ("s" if n != 1 else "")


def note_text(note: dict, lang: str = "da", *, min_minutes: int = 60, days: Sequence[str] = ()) -> str:
    """One note in words, in Danish (``da``) or English (``en``); ``days`` are the plan's days
    (ISO dates), so a day reads "dag 2 (03.12.2026)"."""
    code = note["code"]
    key = f"short_route_{note.get('why', 'no_room')}" if code == "short_route" else code
    tpl = _TEXTS[key][lang]
    return _capital(_words(note, lang, tpl, min_minutes, days))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(note: dict, lang: str, tpl: str, min_minutes: int, days: Sequence[str]) -> str:
    code = note["code"]
    if code == "days_not_needed":
        many = len(note["days_unused"]) > 1
        needed = ("nødvendige" if many else "nødvendig") if lang == "da" else \
            ("are not needed" if many else "is not needed")
        return tpl.format(pairs=_pairs(note["pairs_used"], lang), doors=_n(note["doors"], lang),
                          days_used=_list([_day(d, lang, days) for d in note["days_used"]], lang),
                          days_unused=_list([_day(d, lang, days) for d in note["days_unused"]], lang),
                          needed=needed)
    if code == "pairs_not_needed":
        pair_word = "par" if lang == "da" else ("pair" if len(note["teams"]) == 1 else "pairs")
        return tpl.format(day=_day(note["day"], lang, days),
                          teams=f"{pair_word} {_list([str(k) for k in note['teams']], lang)}",
                          pairs_used=_pairs(note["pairs_used"], lang))
    if code == "not_enough_time":
        return tpl.format(doors=_n(note["doors"], lang))
    into = _list([(f"ruten for par {x['team']} på {_day(x['day'], lang, days)}" if lang == "da"
                   else f"pair {x['team']}'s route on {_day(x['day'], lang, days)}") for x in note.get("into", [])], lang)
    return tpl.format(team=note["team"], day=_day(note["day"], lang, days), minutes=_n(note["minutes"], lang),
                      stops=_n(note["stops"], lang), into=into, min_minutes=_n(min_minutes, lang))


__all__ = ["OTHER_DAY_M", "merge_short_routes", "note_text", "plan_notes"]
