"""The evaluation's economics (issue 16): what the effort costs, what it adds, what it prevents.

The 2016 evaluation of *Isolerede sindslidende i egen bolig* (42 citizens through the whole
effort) counted three kinds of figures: the cost of running the effort; the cost of new
services granted after the social effort (support under §85/§104, housing offers under
§107/§108, health services); and the potential gains from what the effort may prevent (acute
psychiatric and emergency contacts, evictions, homelessness). Each service and gain has a
probability per scenario: ``lav``, ``mellem`` and ``hoej``. Welfare gains (well-being) are
not counted.

The structure follows the National Board of Social Services' *Socialøkonomisk
investeringsmodel* (SØM): an intervention cost, and per item (*konsekvens*) a probability
(the share of the citizens it happens to), a unit price per occurrence and a quantity
(occurrences per citizen it happens to, over the period compared). The municipality enters
the unit prices, e.g. from SØM's knowledge database; this module ships no prices.
:func:`empty_scenarios` gives the three scenarios with no items; :data:`EXAMPLE` is a worked
example for the docs and tests, never a default.

Pure rules: stdlib and :mod:`detection.errors` only. See ``docs/evaluation.md``.

Examples
--------
>>> inputs = Inputs(team_hours=100, hourly_cost_dkk=500, citizens_reached=10,
...                 scenarios=empty_scenarios())
>>> result = evaluate(inputs)
>>> result["cost_total"], result["cost_per_citizen"]
(50000, 5000)
>>> [(s["id"], s["net_cost"]) for s in result["scenarios"]]
[('lav', 50000), ('mellem', 50000), ('hoej', 50000)]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, TypedDict, get_args

from detection.errors import InputError

__all__ = [
    "ERROR_CODE",
    "EXAMPLE",
    "SCENARIO_IDS",
    "SCENARIO_NAMES",
    "Evaluation",
    "Inputs",
    "Item",
    "ItemKind",
    "ItemResult",
    "Scenario",
    "ScenarioId",
    "ScenarioResult",
    "empty_scenarios",
    "evaluate",
    "inputs_from_dict",
    "inputs_to_dict",
]

ItemKind = Literal["added", "prevented"]
"""``added``: a service the effort leads to (a cost, e.g. home support granted after
handover); ``prevented``: an event the effort may prevent (a gain, e.g. an eviction)."""

ScenarioId = Literal["lav", "mellem", "hoej"]

SCENARIO_IDS: Final[tuple[ScenarioId, ...]] = get_args(ScenarioId)
"""The three calculation scenarios, most conservative first (the order of every output)."""

SCENARIO_NAMES: Final[Mapping[str, str]] = {"lav": "lav", "mellem": "mellem", "hoej": "høj"}
"""The Danish name of each scenario id."""

ERROR_CODE: Final = "economics_input"
"""The :class:`~detection.errors.InputError` code of every error raised here."""

_ITEM_KINDS: Final[tuple[str, ...]] = get_args(ItemKind)
_ITEM_ID = re.compile(r"[a-z0-9_]+")
_MAX_PROBLEMS: Final = 20
_PROBABILITY_FIX: Final = "a share of the citizens: 0.1 is one in ten"


# ---------------------------------------------------------------------------- the inputs


@dataclass(frozen=True, kw_only=True)
class Item:
    """One service the effort adds or one event it may prevent, as SØM counts it.

    Parameters
    ----------
    id : str
        A short code of ``a-z``, ``0-9`` and ``_`` (e.g. ``"bolig107"``), unique within a
        scenario.
    name : str
        The Danish words the municipality typed (e.g. ``"Botilbud (§ 107/108)"``).
    kind : {"added", "prevented"}
        ``added``: a service the effort leads to (a cost); ``prevented``: an event it may
        prevent (a gain).
    probability : float
        The share of the citizens reached it happens to, 0 to 1 (0.1 is one in ten).
    unit_cost_dkk : float
        The price of one occurrence in DKK, ≥ 0 (a SØM unit price the municipality enters).
    quantity : float, default 1.0
        Occurrences per citizen it happens to, ≥ 0 (e.g. 12 months of §85 support).

    Raises
    ------
    InputError
        Naming every field that is wrong, its value and the fix.

    Examples
    --------
    >>> item = Item(id="hjem85", name="Hjemmevejledning (§ 85)", kind="added",
    ...             probability=0.5, unit_cost_dkk=4000, quantity=6)
    >>> item.value_per_citizen_dkk
    12000.0
    """

    id: str
    name: str
    kind: ItemKind
    probability: float
    unit_cost_dkk: float
    quantity: float = 1.0

    def __post_init__(self) -> None:
        problems = _item_problems(
            where=f"item {self.id!r}",
            id=self.id,
            name=self.name,
            kind=self.kind,
            probability=self.probability,
            unit_cost_dkk=self.unit_cost_dkk,
            quantity=self.quantity,
        )
        _raise_if(problems)
        for name in ("probability", "unit_cost_dkk", "quantity"):
            object.__setattr__(self, name, float(getattr(self, name)))

    @property
    def value_per_citizen_dkk(self) -> float:
        """probability × unit_cost_dkk × quantity: the expected DKK per citizen reached."""
        return self.probability * self.unit_cost_dkk * self.quantity


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """One calculation scenario: its id and the items counted in it (all fields keyword-only).

    Parameters
    ----------
    id : {"lav", "mellem", "hoej"}
        The scenario (Danish names "lav", "mellem", "høj").
    items : tuple of Item
        The items, each id once (a list is accepted and stored as a tuple).

    Raises
    ------
    InputError
        An unknown scenario id, an entry that is not an :class:`Item`, or an item id used
        twice.
    """

    id: ScenarioId
    items: tuple[Item, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.items, list):
            object.__setattr__(self, "items", tuple(self.items))
        where = f"scenario {self.id!r}"
        problems = _scenario_id_problems(self.id, where=where)
        if not isinstance(self.items, tuple):
            problems.append(f"{where}: field 'items' = {self.items!r} must be a tuple of Item")
        else:
            ids: list[str] = []
            for n, item in enumerate(self.items):
                if isinstance(item, Item):
                    ids.append(item.id)
                else:
                    problems.append(f"{where}: items[{n}] = {item!r} must be an Item")
            problems += _duplicate_item_problems(ids, where=where)
        _raise_if(problems)

    @property
    def name(self) -> str:
        """The Danish name ("lav", "mellem", "høj")."""
        return SCENARIO_NAMES[self.id]


@dataclass(frozen=True, kw_only=True)
class Inputs:
    """What the municipality enters: the effort's cost, the citizens reached, the scenarios.

    Parameters
    ----------
    team_hours : float
        Staff hours spent on the effort in the period, ≥ 0.
    hourly_cost_dkk : float
        The cost of one staff hour in DKK (salary with overhead), ≥ 0.
    other_costs_dkk : float, default 0
        Other running costs of the effort in DKK (transport, phones, letters), ≥ 0.
    citizens_reached : int
        Citizens who got the whole effort, ≥ 0.
    scenarios : tuple of Scenario
        ``lav``, ``mellem`` and ``hoej``, each once, in any order (a list is accepted);
        stored as a tuple in that order.

    Raises
    ------
    InputError
        Naming every field that is wrong, its value and the fix.
    """

    team_hours: float
    hourly_cost_dkk: float
    other_costs_dkk: float = 0.0
    citizens_reached: int
    scenarios: tuple[Scenario, ...]

    def __post_init__(self) -> None:
        problems = _cost_problems(
            team_hours=self.team_hours,
            hourly_cost_dkk=self.hourly_cost_dkk,
            other_costs_dkk=self.other_costs_dkk,
            citizens_reached=self.citizens_reached,
        )
        scenarios = self.scenarios
        if isinstance(scenarios, list):
            scenarios = tuple(scenarios)
        if not isinstance(scenarios, tuple):
            problems.append(
                f"field 'scenarios' = {scenarios!r} must be a tuple of Scenario "
                "(use empty_scenarios() for three without items)"
            )
        else:
            ids: list[str] = []
            for n, scenario in enumerate(scenarios):
                if isinstance(scenario, Scenario):
                    ids.append(scenario.id)
                else:
                    problems.append(f"scenarios[{n}] = {scenario!r} must be a Scenario")
            if len(ids) == len(scenarios):
                problems += _scenario_set_problems(ids)
        _raise_if(problems)
        order = {sid: n for n, sid in enumerate(SCENARIO_IDS)}
        object.__setattr__(self, "scenarios", tuple(sorted(scenarios, key=lambda s: order[s.id])))
        for name in ("team_hours", "hourly_cost_dkk", "other_costs_dkk"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "citizens_reached", int(self.citizens_reached))

    @property
    def cost_total_dkk(self) -> float:
        """team_hours × hourly_cost_dkk + other_costs_dkk (unrounded)."""
        return self.team_hours * self.hourly_cost_dkk + self.other_costs_dkk


def empty_scenarios() -> tuple[Scenario, Scenario, Scenario]:
    """The three scenarios with no items: the only default this module gives.

    No prices are shipped; the municipality enters its own items and SØM unit prices.

    >>> [(s.id, s.items) for s in empty_scenarios()]
    [('lav', ()), ('mellem', ()), ('hoej', ())]
    """
    return (Scenario(id="lav"), Scenario(id="mellem"), Scenario(id="hoej"))


# ---------------------------------------------------------------------------- the result


class ItemResult(TypedDict):
    """One item in a scenario's result; ``value_dkk`` is per citizen reached."""

    id: str
    name: str
    kind: ItemKind
    probability: float
    unit_cost_dkk: int
    quantity: float
    value_dkk: int


class ScenarioResult(TypedDict):
    """One scenario's result; ``net_cost`` > 0 is a net cost, < 0 a net gain (DKK)."""

    id: ScenarioId
    name: str
    added_dkk: int
    prevented_dkk: int
    net_cost: int
    net_cost_per_citizen: int | None
    items: list[ItemResult]


class Evaluation(TypedDict):
    """What :func:`evaluate` returns (JSON-able; money in whole DKK)."""

    cost_total: int
    citizens_reached: int
    cost_per_citizen: int | None
    scenarios: list[ScenarioResult]
    welfare_gains_counted: bool


def evaluate(inputs: Inputs) -> Evaluation:
    """The effort's cost and each scenario's net cost, in whole DKK.

    ``cost_total`` = team_hours × hourly_cost_dkk + other_costs_dkk. Per scenario:
    ``added_dkk`` = citizens × Σ value of the ``added`` items, ``prevented_dkk`` = citizens ×
    Σ value of the ``prevented`` items, where an item's value per citizen is probability ×
    unit_cost_dkk × quantity; ``net_cost`` = cost_total + added_dkk − prevented_dkk
    (positive: a net cost; negative: a net gain). Welfare gains are not counted.

    Parameters
    ----------
    inputs : Inputs
        The validated inputs.

    Returns
    -------
    Evaluation
        A JSON-able dict: ``cost_total``, ``citizens_reached``, ``cost_per_citizen``,
        ``scenarios`` (in the order lav, mellem, hoej; each with ``id``, ``name``,
        ``added_dkk``, ``prevented_dkk``, ``net_cost``, ``net_cost_per_citizen`` and
        ``items``) and ``welfare_gains_counted`` (always ``False``). Money is rounded to
        whole kroner (half away from zero) only here; the sums use the unrounded values.
        Per-citizen figures are ``None`` when no citizen was reached.

    Examples
    --------
    >>> result = evaluate(inputs_from_dict(EXAMPLE))
    >>> [(s["id"], s["net_cost"], s["net_cost_per_citizen"]) for s in result["scenarios"]]
    [('lav', 951800, 22662), ('mellem', 44600, 1062), ('hoej', -593800, -14138)]
    """
    citizens = inputs.citizens_reached
    cost_total = inputs.cost_total_dkk
    scenarios: list[ScenarioResult] = []
    for scenario in inputs.scenarios:
        added = citizens * math.fsum(
            i.value_per_citizen_dkk for i in scenario.items if i.kind == "added"
        )
        prevented = citizens * math.fsum(
            i.value_per_citizen_dkk for i in scenario.items if i.kind == "prevented"
        )
        net_cost = cost_total + added - prevented
        scenarios.append(
            {
                "id": scenario.id,
                "name": scenario.name,
                "added_dkk": _kroner(added),
                "prevented_dkk": _kroner(prevented),
                "net_cost": _kroner(net_cost),
                "net_cost_per_citizen": _per_citizen(net_cost, citizens),
                "items": [
                    {
                        "id": i.id,
                        "name": i.name,
                        "kind": i.kind,
                        "probability": i.probability,
                        "unit_cost_dkk": _kroner(i.unit_cost_dkk),
                        "quantity": i.quantity,
                        "value_dkk": _kroner(i.value_per_citizen_dkk),
                    }
                    for i in scenario.items
                ],
            }
        )
    return {
        "cost_total": _kroner(cost_total),
        "citizens_reached": citizens,
        "cost_per_citizen": _per_citizen(cost_total, citizens),
        "scenarios": scenarios,
        "welfare_gains_counted": False,
    }


# ---------------------------------------------------------------------------- JSON


_TOP_KEYS: Final = (
    "team_hours",
    "hourly_cost_dkk",
    "other_costs_dkk",
    "citizens_reached",
    "scenarios",
)
_TOP_OPTIONAL: Final = ("other_costs_dkk",)
_SCENARIO_KEYS: Final = ("id", "items")
_ITEM_KEYS: Final = ("id", "name", "kind", "probability", "unit_cost_dkk", "quantity")
_ITEM_OPTIONAL: Final = ("quantity",)


def inputs_to_dict(inputs: Inputs) -> dict[str, Any]:
    """The inputs as a JSON-able dict (the format :func:`inputs_from_dict` reads).

    Numbers keep their full precision; scenarios come in the order lav, mellem, hoej.

    >>> inputs_from_dict(inputs_to_dict(inputs_from_dict(EXAMPLE))) == inputs_from_dict(EXAMPLE)
    True
    """
    return {
        "team_hours": inputs.team_hours,
        "hourly_cost_dkk": inputs.hourly_cost_dkk,
        "other_costs_dkk": inputs.other_costs_dkk,
        "citizens_reached": inputs.citizens_reached,
        "scenarios": [
            {
                "id": s.id,
                "items": [
                    {
                        "id": i.id,
                        "name": i.name,
                        "kind": i.kind,
                        "probability": i.probability,
                        "unit_cost_dkk": i.unit_cost_dkk,
                        "quantity": i.quantity,
                    }
                    for i in s.items
                ],
            }
            for s in inputs.scenarios
        ],
    }


def inputs_from_dict(d: Mapping[str, Any]) -> Inputs:
    """Read the inputs from a dict (e.g. the municipality's stored JSON).

    The format is the one :func:`inputs_to_dict` writes (see :data:`EXAMPLE`): the keys
    ``team_hours``, ``hourly_cost_dkk``, ``citizens_reached``, ``scenarios`` and optionally
    ``other_costs_dkk``; each scenario ``{"id", "items"}``; each item ``{"id", "name",
    "kind", "probability", "unit_cost_dkk"}`` and optionally ``quantity``. Unknown keys are
    refused (a misspelt key must not fall back to a default).

    Parameters
    ----------
    d : Mapping
        The parsed JSON.

    Returns
    -------
    Inputs

    Raises
    ------
    InputError
        Listing every problem found (up to 20), each naming the scenario, the item, the
        field, the value and the fix.
    """
    if not isinstance(d, Mapping):
        raise InputError(
            f"the economics inputs = {d!r} must be a JSON object with the keys "
            f"{', '.join(_TOP_KEYS)}",
            code=ERROR_CODE,
        )
    problems = _key_problems(d, keys=_TOP_KEYS, optional=_TOP_OPTIONAL, where="")
    problems += _cost_problems(
        team_hours=d.get("team_hours", 0.0),
        hourly_cost_dkk=d.get("hourly_cost_dkk", 0.0),
        other_costs_dkk=d.get("other_costs_dkk", 0.0),
        citizens_reached=d.get("citizens_reached", 0),
    )
    raw_scenarios = d.get("scenarios", [])
    if not isinstance(raw_scenarios, list | tuple):
        problems.append(
            f"field 'scenarios' = {raw_scenarios!r} must be a list of the three "
            f"scenarios {', '.join(map(repr, SCENARIO_IDS))}"
        )
        raw_scenarios = []
    scenario_ids: list[str] = []
    all_ok = True
    for n, raw in enumerate(raw_scenarios):
        if not isinstance(raw, Mapping):
            problems.append(
                f'scenarios[{n}] = {raw!r} must be an object {{"id": ..., "items": [...]}}'
            )
            all_ok = False
            continue
        sid = raw.get("id")
        where = f"scenario {sid!r}" if sid is not None else f"scenarios[{n}]"
        problems += _key_problems(raw, keys=_SCENARIO_KEYS, optional=(), where=where)
        if isinstance(sid, str):
            scenario_ids.append(sid)
        else:
            all_ok = False  # reported as missing or a wrong id; don't also call it missing
        raw_items = raw.get("items", [])
        if not isinstance(raw_items, list | tuple):
            problems.append(
                f"{where}: field 'items' = {raw_items!r} must be a list of items "
                "(an empty list for none)"
            )
            continue
        item_ids: list[str] = []
        for m, item in enumerate(raw_items):
            if not isinstance(item, Mapping):
                problems.append(
                    f"{where}, items[{m}] = {item!r} must be an object with the "
                    f"keys {', '.join(_ITEM_KEYS)}"
                )
                continue
            iid = item.get("id")
            item_where = f"{where}, item {iid!r}" if iid is not None else f"{where}, items[{m}]"
            problems += _key_problems(
                item, keys=_ITEM_KEYS, optional=_ITEM_OPTIONAL, where=item_where
            )
            problems += _item_problems(
                where=item_where,
                id=item.get("id", "x"),
                name=item.get("name", "x"),
                kind=item.get("kind", "added"),
                probability=item.get("probability", 0.0),
                unit_cost_dkk=item.get("unit_cost_dkk", 0.0),
                quantity=item.get("quantity", 1.0),
            )
            if isinstance(iid, str):
                item_ids.append(iid)
        problems += _duplicate_item_problems(item_ids, where=where)
        problems += _scenario_id_problems(sid, where=where) if "id" in raw else []
    if all_ok and isinstance(d.get("scenarios"), list | tuple):
        problems += _scenario_set_problems(scenario_ids)
    _raise_if(problems)
    return Inputs(
        team_hours=d["team_hours"],
        hourly_cost_dkk=d["hourly_cost_dkk"],
        other_costs_dkk=d.get("other_costs_dkk", 0.0),
        citizens_reached=d["citizens_reached"],
        scenarios=tuple(
            Scenario(
                id=s["id"],
                items=tuple(
                    Item(
                        id=i["id"],
                        name=i["name"],
                        kind=i["kind"],
                        probability=i["probability"],
                        unit_cost_dkk=i["unit_cost_dkk"],
                        quantity=i.get("quantity", 1.0),
                    )
                    for i in s["items"]
                ),
            )
            for s in d["scenarios"]
        ),
    )


# ---------------------------------------------------------------------------- the example


_EXAMPLE_ITEMS: Final = (
    # id, name, kind, unit price in DKK (per the unit in the comment), quantity of that unit
    # per citizen it happens to, probability in lav / mellem / hoej
    ("hjem85", "Hjemmevejledning (§ 85)", "added", 4000, 6, (0.5, 0.5, 0.5)),  # per month
    ("bolig107", "Botilbud (§ 107/108)", "added", 1500, 60, (0.1, 0.1, 0.1)),  # per day
    ("sundhed", "Sundhedsydelser", "added", 1500, 4, (0.3, 0.3, 0.3)),  # per contact
    (
        "akut_psyk",
        "Akutte psykiatriske kontakter",
        "prevented",
        4000,  # per contact
        3,
        (0.2, 0.5, 0.6),
    ),
    (
        "udsaettelse",
        "Udsættelse (foged, advokat, tabt husleje, istandsættelse)",
        "prevented",
        80000,  # per eviction
        1,
        (0.1, 0.25, 0.35),
    ),
    (
        "herberg110",
        "Herbergsophold (§ 110)",
        "prevented",
        1200,  # per night
        100,
        (0.05, 0.1, 0.15),
    ),
)

EXAMPLE: Final[Mapping[str, Any]] = {
    "team_hours": 1440,
    "hourly_cost_dkk": 450,
    "other_costs_dkk": 35000,
    "citizens_reached": 42,
    "scenarios": [
        {
            "id": sid,
            "items": [
                {
                    "id": iid,
                    "name": name,
                    "kind": kind,
                    "probability": probabilities[n],
                    "unit_cost_dkk": unit_cost,
                    "quantity": quantity,
                }
                for iid, name, kind, unit_cost, quantity, probabilities in _EXAMPLE_ITEMS
            ],
        }
        for n, sid in enumerate(SCENARIO_IDS)
    ],
}
"""EKSEMPEL — a worked example in the :func:`inputs_from_dict` format, for the docs and the
tests only: example inputs, not prices, and never a default.

42 citizens (as in the 2016 evaluation); inputs made up to be plausible and to reproduce
the evaluation's shape: ``lav`` a net cost of about 950,000 DKK, ``mellem`` close to zero,
``hoej`` a net gain. A municipality enters its own hours, costs and SØM unit prices.
Treat it as read-only (copy it before changing it)."""


# ---------------------------------------------------------------------------- checks


def _kroner(value: float) -> int:
    """Round DKK to whole kroner, half away from zero (2.5 → 3, −2.5 → −3)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _per_citizen(value: float, citizens: int) -> int | None:
    """``value / citizens`` in whole kroner, ``None`` when no citizen was reached."""
    return _kroner(value / citizens) if citizens > 0 else None


def _raise_if(problems: list[str]) -> None:
    """Raise one :class:`InputError` listing the problems (capped), if there are any."""
    if not problems:
        return
    if len(problems) == 1:
        raise InputError(problems[0], code=ERROR_CODE)
    shown = problems[:_MAX_PROBLEMS]
    more = len(problems) - len(shown)
    lines = "\n".join(f"- {p}" for p in shown)
    tail = f"\n- … and {more} more" if more else ""
    raise InputError(
        f"{len(problems)} problems in the economics inputs:\n{lines}{tail}", code=ERROR_CODE
    )


def _prefix(where: str) -> str:
    return f"{where} field" if where else "field"


def _number_problem(
    value: object, *, where: str, field: str, high: float | None = None, fix: str
) -> str | None:
    """A problem text when ``value`` is not a finite number in [0, high]; else ``None``."""
    head = f"{_prefix(where)} {field!r} = {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{head} is not a number ({fix})"
    if not math.isfinite(value):
        return f"{head} must be a finite number ({fix})"
    if high is not None and not 0 <= value <= high:
        return f"{head} must be between 0 and {high:g} ({fix})"
    if value < 0:
        return f"{head} must be 0 or more ({fix})"
    return None


def _item_problems(
    *,
    where: str,
    id: object,
    name: object,
    kind: object,
    probability: object,
    unit_cost_dkk: object,
    quantity: object,
) -> list[str]:
    """Every problem with one item's fields."""
    problems = []
    if not isinstance(id, str) or not _ITEM_ID.fullmatch(id):
        problems.append(
            f"{_prefix(where)} 'id' = {id!r} must be a short code of a-z, 0-9 "
            "and _ (e.g. 'bolig107')"
        )
    if not isinstance(name, str) or not name.strip():
        problems.append(
            f"{_prefix(where)} 'name' = {name!r} must be the item's name in words "
            "(e.g. 'Botilbud (§ 107/108)')"
        )
    if kind not in _ITEM_KINDS:
        problems.append(
            f"{_prefix(where)} 'kind' = {kind!r} must be 'added' (a service the "
            "effort leads to, a cost) or 'prevented' (an event it may prevent, "
            "a gain)"
        )
    for field, value, high, fix in (
        ("probability", probability, 1.0, _PROBABILITY_FIX),
        (
            "unit_cost_dkk",
            unit_cost_dkk,
            None,
            "the price of one occurrence in DKK, e.g. a SØM unit price",
        ),
        (
            "quantity",
            quantity,
            None,
            "occurrences per citizen it happens to, e.g. 12 months of support",
        ),
    ):
        problem = _number_problem(value, where=where, field=field, high=high, fix=fix)
        if problem:
            problems.append(problem)
    return problems


def _cost_problems(
    *,
    team_hours: object,
    hourly_cost_dkk: object,
    other_costs_dkk: object,
    citizens_reached: object,
) -> list[str]:
    """Every problem with the effort's cost fields and the citizens reached."""
    problems = [
        p
        for p in (
            _number_problem(
                team_hours,
                where="",
                field="team_hours",
                fix="staff hours spent on the effort in the period",
            ),
            _number_problem(
                hourly_cost_dkk,
                where="",
                field="hourly_cost_dkk",
                fix="the cost of one staff hour in DKK, salary with overhead",
            ),
            _number_problem(
                other_costs_dkk,
                where="",
                field="other_costs_dkk",
                fix="other running costs in DKK, 0 if none",
            ),
        )
        if p
    ]
    if (
        isinstance(citizens_reached, bool)
        or not isinstance(citizens_reached, int)
        or citizens_reached < 0
    ):
        problems.append(
            f"field 'citizens_reached' = {citizens_reached!r} must be a whole "
            "number, 0 or more (the citizens who got the whole effort)"
        )
    return problems


def _scenario_id_problems(sid: object, *, where: str) -> list[str]:
    if sid in SCENARIO_IDS:
        return []
    return [
        f"{where}: field 'id' = {sid!r} must be one of "
        f"{', '.join(map(repr, SCENARIO_IDS))} (høj is written 'hoej')"
    ]


def _duplicate_item_problems(ids: list[str], *, where: str) -> list[str]:
    return [
        f"{where}: item id {i!r} is used {n} times; give each item its own id"
        for i, n in Counter(ids).items()
        if n > 1
    ]


def _scenario_set_problems(ids: list[str]) -> list[str]:
    """Problems unless ``ids`` holds lav, mellem and hoej exactly once each."""
    problems = []
    missing = [s for s in SCENARIO_IDS if s not in ids]
    if missing:
        what = (
            f"scenario {missing[0]!r} is"
            if len(missing) == 1
            else f"scenarios {', '.join(map(repr, missing))} are"
        )
        problems.append(
            f"{what} missing: give all three scenarios "
            f"{', '.join(map(repr, SCENARIO_IDS))} (an empty item list is allowed)"
        )
    problems += [
        f"scenario {sid!r} is given {n} times: give each scenario once"
        for sid, n in Counter(ids).items()
        if n > 1
    ]
    return problems


def _key_problems(
    d: Mapping[str, Any], *, keys: tuple[str, ...], optional: tuple[str, ...], where: str
) -> list[str]:
    """Problems for missing required keys and unknown keys of one JSON object."""
    head = f"{where}: " if where else ""
    problems = [f"{head}field {k!r} is missing" for k in keys if k not in optional and k not in d]
    unknown = [k for k in d if k not in keys]
    if unknown:
        problems.append(
            f"{head}unknown field {', '.join(map(repr, unknown))}: the fields are {', '.join(keys)}"
        )
    return problems
