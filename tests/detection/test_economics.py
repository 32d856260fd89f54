"""The evaluation's economics (detection.method.economics): the sums by hand, validation,
the JSON round trip, and the worked example in docs/evaluation.md."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from detection.errors import InputError
from detection.method.economics import (
    EXAMPLE,
    SCENARIO_IDS,
    Inputs,
    Item,
    Scenario,
    empty_scenarios,
    evaluate,
    inputs_from_dict,
    inputs_to_dict,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "evaluation.md"


def tiny_dict(**top: Any) -> dict[str, Any]:
    """10 citizens, 100 h × 500 kr; in ``lav`` one added item 0.5 × 1,000 × 2 and one
    prevented item 0.1 × 20,000 (× 1); ``mellem`` and ``hoej`` without items."""
    d: dict[str, Any] = {
        "team_hours": 100,
        "hourly_cost_dkk": 500,
        "citizens_reached": 10,
        "scenarios": [
            {
                "id": "lav",
                "items": [
                    {
                        "id": "hjem85",
                        "name": "Hjemmevejledning (§ 85)",
                        "kind": "added",
                        "probability": 0.5,
                        "unit_cost_dkk": 1000,
                        "quantity": 2,
                    },
                    {
                        "id": "udsaettelse",
                        "name": "Udsættelse",
                        "kind": "prevented",
                        "probability": 0.1,
                        "unit_cost_dkk": 20000,
                    },
                ],
            },
            {"id": "mellem", "items": []},
            {"id": "hoej", "items": []},
        ],
    }
    d.update(top)
    return d


def lav_item(d: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return d["scenarios"][0]["items"][n]


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in result["scenarios"]}


# --------------------------------------------------------------------------- the sums


def test_evaluate__tiny_numbers_by_hand() -> None:
    result = evaluate(inputs_from_dict(tiny_dict()))
    # cost of the effort: 100 h × 500 kr = 50,000; per citizen 50,000 / 10 = 5,000
    assert result["cost_total"] == 50_000
    assert result["cost_per_citizen"] == 5_000
    lav = by_id(result)["lav"]
    # added: 0.5 × 1,000 × 2 = 1,000 per citizen; × 10 citizens = 10,000
    assert lav["added_dkk"] == 10_000
    # prevented: 0.1 × 20,000 × 1 = 2,000 per citizen; × 10 citizens = 20,000
    assert lav["prevented_dkk"] == 20_000
    # net cost: 50,000 + 10,000 − 20,000 = 40,000; per citizen 4,000
    assert lav["net_cost"] == 40_000
    assert lav["net_cost_per_citizen"] == 4_000
    assert [i["value_dkk"] for i in lav["items"]] == [1_000, 2_000]
    # no items: the net cost is the cost of the effort
    assert by_id(result)["mellem"]["net_cost"] == 50_000
    assert by_id(result)["hoej"]["added_dkk"] == by_id(result)["hoej"]["prevented_dkk"] == 0


def test_evaluate__other_costs_are_part_of_the_cost() -> None:
    result = evaluate(inputs_from_dict(tiny_dict(other_costs_dkk=5_000)))
    # 100 × 500 + 5,000 = 55,000; lav: 55,000 + 10,000 − 20,000 = 45,000
    assert result["cost_total"] == 55_000
    assert by_id(result)["lav"]["net_cost"] == 45_000


def test_evaluate__net_gain_is_negative() -> None:
    d = tiny_dict(team_hours=10)
    # cost 10 × 500 = 5,000; lav: 5,000 + 10,000 − 20,000 = −5,000 (a net gain), −500 each
    lav = by_id(evaluate(inputs_from_dict(d)))["lav"]
    assert lav["net_cost"] == -5_000
    assert lav["net_cost_per_citizen"] == -500


def test_evaluate__zero_citizens_gives_none_per_citizen() -> None:
    result = evaluate(inputs_from_dict(tiny_dict(citizens_reached=0)))
    assert result["cost_per_citizen"] is None
    assert all(s["net_cost_per_citizen"] is None for s in result["scenarios"])
    # no citizens: nothing added or prevented, the net cost is the cost of the effort
    assert by_id(result)["lav"]["added_dkk"] == 0
    assert by_id(result)["lav"]["net_cost"] == 50_000


def test_evaluate__rounds_the_output_not_the_sums() -> None:
    item = {"name": "x", "kind": "added", "probability": 0.3, "unit_cost_dkk": 1}
    d = tiny_dict(team_hours=0, citizens_reached=1)
    d["scenarios"][0]["items"] = [{"id": "a", **item}, {"id": "b", **item}]
    lav = by_id(evaluate(inputs_from_dict(d)))["lav"]
    # each item is 0.3 kr (shown as 0); together 0.6 kr, shown as 1
    assert [i["value_dkk"] for i in lav["items"]] == [0, 0]
    assert lav["added_dkk"] == 1


def test_evaluate__half_kroner_round_away_from_zero() -> None:
    d = tiny_dict(team_hours=1, hourly_cost_dkk=2.5, citizens_reached=1)
    d["scenarios"][0]["items"] = []
    d["scenarios"][1]["items"] = [
        {"id": "a", "name": "x", "kind": "prevented", "probability": 1, "unit_cost_dkk": 5}
    ]
    result = evaluate(inputs_from_dict(d))
    assert result["cost_total"] == 3  # 2.5 → 3
    assert by_id(result)["mellem"]["net_cost"] == -3  # 2.5 − 5 = −2.5 → −3


def test_evaluate__exact_json_shape() -> None:
    result = evaluate(inputs_from_dict(tiny_dict()))
    assert set(result) == {
        "cost_total",
        "citizens_reached",
        "cost_per_citizen",
        "scenarios",
        "welfare_gains_counted",
    }
    assert result["welfare_gains_counted"] is False
    assert result["citizens_reached"] == 10
    for s in result["scenarios"]:
        assert set(s) == {
            "id",
            "name",
            "added_dkk",
            "prevented_dkk",
            "net_cost",
            "net_cost_per_citizen",
            "items",
        }
    assert set(by_id(result)["lav"]["items"][0]) == {
        "id",
        "name",
        "kind",
        "probability",
        "unit_cost_dkk",
        "quantity",
        "value_dkk",
    }
    assert json.loads(json.dumps(result)) == result


def test_evaluate__scenarios_in_any_order_come_out_lav_mellem_hoej() -> None:
    d = tiny_dict()
    d["scenarios"] = d["scenarios"][::-1]
    result = evaluate(inputs_from_dict(d))
    assert [s["id"] for s in result["scenarios"]] == ["lav", "mellem", "hoej"]
    assert [s["name"] for s in result["scenarios"]] == ["lav", "mellem", "høj"]
    assert result == evaluate(inputs_from_dict(tiny_dict()))


def test_dataclasses__built_directly_match_the_dict() -> None:
    inputs = Inputs(
        team_hours=100,
        hourly_cost_dkk=500,
        citizens_reached=10,
        scenarios=(
            Scenario(id="hoej"),
            Scenario(id="mellem"),
            Scenario(
                id="lav",
                items=(
                    Item(
                        id="hjem85",
                        name="Hjemmevejledning (§ 85)",
                        kind="added",
                        probability=0.5,
                        unit_cost_dkk=1000,
                        quantity=2,
                    ),
                    Item(
                        id="udsaettelse",
                        name="Udsættelse",
                        kind="prevented",
                        probability=0.1,
                        unit_cost_dkk=20000,
                    ),
                ),
            ),
        ),
    )
    assert inputs == inputs_from_dict(tiny_dict())
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.team_hours = 1  # type: ignore[misc]


# --------------------------------------------------------------------------- validation


def test_validation__probability_above_one() -> None:
    d = tiny_dict()
    lav_item(d)["id"] = "bolig107"
    lav_item(d)["probability"] = 1.4
    with pytest.raises(
        InputError,
        match=re.escape(
            "scenario 'lav', item 'bolig107' field 'probability' = 1.4 must be between 0 and 1 "
            "(a share of the citizens: 0.1 is one in ten)"
        ),
    ) as err:
        inputs_from_dict(d)
    assert err.value.code == "economics_input"
    assert isinstance(err.value, ValueError)


def test_validation__negative_unit_cost() -> None:
    d = tiny_dict()
    lav_item(d, 1)["unit_cost_dkk"] = -20000
    with pytest.raises(
        InputError,
        match=r"item 'udsaettelse' field 'unit_cost_dkk' = -20000 "
        r"must be 0 or more \(the price of one occurrence",
    ):
        inputs_from_dict(d)


def test_validation__negative_hourly_cost() -> None:
    with pytest.raises(InputError, match=r"field 'hourly_cost_dkk' = -500 must be 0 or more"):
        inputs_from_dict(tiny_dict(hourly_cost_dkk=-500))


def test_validation__missing_scenario() -> None:
    d = tiny_dict()
    del d["scenarios"][1]
    with pytest.raises(InputError, match=r"scenario 'mellem' is missing: give all three"):
        inputs_from_dict(d)


def test_validation__missing_scenario_in_the_dataclass() -> None:
    with pytest.raises(InputError, match=r"scenarios 'mellem', 'hoej' are missing"):
        Inputs(team_hours=1, hourly_cost_dkk=1, citizens_reached=1, scenarios=(Scenario(id="lav"),))


def test_validation__scenario_given_twice() -> None:
    d = tiny_dict()
    d["scenarios"].append({"id": "lav", "items": []})
    with pytest.raises(InputError, match=r"scenario 'lav' is given 2 times"):
        inputs_from_dict(d)


def test_validation__unknown_scenario_id() -> None:
    d = tiny_dict()
    d["scenarios"][2]["id"] = "høj"
    with pytest.raises(
        InputError,
        match=r"field 'id' = 'høj' must be one of 'lav', 'mellem', "
        r"'hoej' \(høj is written 'hoej'\)",
    ):
        inputs_from_dict(d)


def test_validation__duplicate_item_id() -> None:
    d = tiny_dict()
    lav_item(d, 1)["id"] = "hjem85"
    with pytest.raises(InputError, match=r"scenario 'lav': item id 'hjem85' is used 2 times"):
        inputs_from_dict(d)


def test_validation__duplicate_item_id_in_the_dataclass() -> None:
    item = Item(id="a", name="x", kind="added", probability=0.1, unit_cost_dkk=1)
    with pytest.raises(InputError, match=r"scenario 'lav': item id 'a' is used 2 times"):
        Scenario(id="lav", items=(item, item))


def test_validation__unknown_kind() -> None:
    d = tiny_dict()
    lav_item(d)["kind"] = "saved"
    with pytest.raises(
        InputError,
        match=r"field 'kind' = 'saved' must be 'added' .* or "
        r"'prevented'",
    ):
        inputs_from_dict(d)


def test_validation__item_dataclass_checks_itself() -> None:
    with pytest.raises(
        InputError,
        match=r"item 'bolig107' field 'probability' = 1.4 must be "
        r"between 0 and 1",
    ):
        Item(id="bolig107", name="Botilbud", kind="added", probability=1.4, unit_cost_dkk=1)


def test_validation__id_must_be_a_short_code() -> None:
    d = tiny_dict()
    lav_item(d)["id"] = "Bolig 107"
    with pytest.raises(
        InputError,
        match=r"field 'id' = 'Bolig 107' must be a short code of "
        r"a-z, 0-9 and _",
    ):
        inputs_from_dict(d)


@pytest.mark.parametrize("value", ["0.5", True, None, float("nan"), float("inf")])
def test_validation__probability_not_a_finite_number(value: object) -> None:
    d = tiny_dict()
    lav_item(d)["probability"] = value
    with pytest.raises(
        InputError,
        match=r"field 'probability' = .* (is not a number|must be a "
        r"finite number)",
    ):
        inputs_from_dict(d)


@pytest.mark.parametrize("value", [-1, 2.5, "10"])
def test_validation__citizens_must_be_a_whole_number(value: object) -> None:
    with pytest.raises(InputError, match=r"field 'citizens_reached' = .* must be a whole number"):
        inputs_from_dict(tiny_dict(citizens_reached=value))


def test_validation__misspelt_and_missing_keys() -> None:
    d = tiny_dict()
    lav_item(d)["unit_cost"] = lav_item(d).pop("unit_cost_dkk")
    with pytest.raises(InputError) as err:
        inputs_from_dict(d)
    assert "item 'hjem85': field 'unit_cost_dkk' is missing" in str(err.value)
    assert "item 'hjem85': unknown field 'unit_cost'" in str(err.value)


def test_validation__all_problems_raised_once() -> None:
    d = tiny_dict(team_hours=-1)
    lav_item(d)["probability"] = 1.4
    lav_item(d, 1)["kind"] = "saved"
    del d["scenarios"][2]
    with pytest.raises(InputError, match=r"^4 problems in the economics inputs:") as err:
        inputs_from_dict(d)
    message = str(err.value)
    for part in (
        "'team_hours' = -1",
        "'probability' = 1.4",
        "'kind' = 'saved'",
        "scenario 'hoej' is missing",
    ):
        assert part in message


def test_validation__not_an_object() -> None:
    with pytest.raises(InputError, match=r"must be a JSON object"):
        inputs_from_dict([1, 2])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- JSON


def test_round_trip__through_json() -> None:
    inputs = inputs_from_dict(tiny_dict(other_costs_dkk=1234.5))
    again = inputs_from_dict(json.loads(json.dumps(inputs_to_dict(inputs))))
    assert again == inputs
    assert inputs_to_dict(again) == inputs_to_dict(inputs)


def test_round_trip__example_and_scenario_order() -> None:
    d = copy.deepcopy(dict(EXAMPLE))
    d["scenarios"] = d["scenarios"][::-1]
    out = inputs_to_dict(inputs_from_dict(d))
    assert [s["id"] for s in out["scenarios"]] == list(SCENARIO_IDS)
    assert inputs_from_dict(out) == inputs_from_dict(EXAMPLE)


def test_inputs_from_dict__does_not_change_its_input() -> None:
    d = tiny_dict()
    before = copy.deepcopy(d)
    inputs_from_dict(d)
    assert d == before


# --------------------------------------------------------------------------- no prices


def test_no_default_prices__empty_scenarios_have_no_items() -> None:
    scenarios = empty_scenarios()
    assert [s.id for s in scenarios] == ["lav", "mellem", "hoej"]
    assert all(s.items == () for s in scenarios)
    defaults = {f.name: f.default for f in dataclasses.fields(Item)}
    assert defaults["unit_cost_dkk"] is dataclasses.MISSING
    assert defaults["probability"] is dataclasses.MISSING


# --------------------------------------------------------------------------- the example


def test_example__reproduces_the_2016_shape() -> None:
    result = evaluate(inputs_from_dict(EXAMPLE))
    scenarios = by_id(result)
    assert result["citizens_reached"] == 42
    assert abs(scenarios["lav"]["net_cost"] - 950_000) <= 25_000  # a net cost of about 950,000
    assert 20_000 <= scenarios["lav"]["net_cost_per_citizen"] <= 23_000  # 2016: about 21,000
    assert abs(scenarios["mellem"]["net_cost"]) <= 100_000  # close to zero
    assert scenarios["hoej"]["net_cost"] < 0  # a net gain


def _doc_rows(text: str, first_cells: list[str]) -> dict[str, list[str]]:
    """The cells of each markdown table row whose first cell is one of ``first_cells``
    (written in backticks)."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].strip("`") in first_cells and cells[0][0] == "`":
            key = cells[0].strip("`")
            assert key not in rows, f"docs/evaluation.md has two rows for {key!r}"
            rows[key] = cells[1:]
    assert set(rows) == set(first_cells), f"docs/evaluation.md misses rows for {first_cells}"
    return rows


def _num(cell: str) -> float:
    return float(cell.replace(",", "").replace("−", "-"))


def test_doc__results_table_equals_evaluate() -> None:
    text = DOC.read_text(encoding="utf-8")
    result = evaluate(inputs_from_dict(EXAMPLE))
    rows = _doc_rows(text, list(SCENARIO_IDS))
    for s in result["scenarios"]:
        expected = [
            result["cost_total"],
            s["added_dkk"],
            s["prevented_dkk"],
            s["net_cost"],
            s["net_cost_per_citizen"],
        ]
        assert [_num(c) for c in rows[s["id"]]] == expected, s["id"]
    assert f"= {result['cost_total']:,} DKK, {result['cost_per_citizen']:,} DKK per" in text


def test_doc__input_tables_equal_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    top = ["team_hours", "hourly_cost_dkk", "other_costs_dkk", "citizens_reached"]
    rows = _doc_rows(text, top)
    assert {k: _num(rows[k][0]) for k in top} == {k: EXAMPLE[k] for k in top}
    scenarios = {s["id"]: s["items"] for s in EXAMPLE["scenarios"]}
    item_ids = [i["id"] for i in scenarios["lav"]]
    rows = _doc_rows(text, item_ids)
    for sid in SCENARIO_IDS:
        assert [i["id"] for i in scenarios[sid]] == item_ids
    for n, iid in enumerate(item_ids):
        name, kind, unit_cost, _per, quantity, *probabilities = rows[iid]
        item = scenarios["lav"][n]
        assert (name, kind, _num(unit_cost), _num(quantity)) == (
            item["name"],
            item["kind"],
            item["unit_cost_dkk"],
            item["quantity"],
        )
        assert [_num(p) for p in probabilities] == [
            scenarios[sid][n]["probability"] for sid in SCENARIO_IDS
        ]
        for sid in SCENARIO_IDS:  # only the probability differs between scenarios
            other = scenarios[sid][n]
            assert {**other, "probability": 0} == {**item, "probability": 0}
