"""The attack suite of docs/privacy.md: an analyst, using everything the role can see, recovers
no count of 1–4.

Each attack runs twice: on the numbers analysts saw before disclosure control (exact numbers
with only 1–4 shown as "<5" and areas under 20 dwellings left out, rebuilt here from the
planner's exact view) — where it must recover counts, so the suite can fail — and on what
the analyst role sees now, where it must recover none. It runs on the Samsø demo and on a
generated workspace with many small cells, on every layer, over several dates, through the
repository and through the analyst's CLI.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from detection.cli.main import main
from detection.partners import network as P
from detection.priorities.scoring import ModelParams
from detection.privacy import MIN_DWELLINGS, mask_count, publication_date
from detection.register.workspace import WorkspaceSpec, build_workspace_data
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.vocab import KINDS
from geo.areas import ddkn_cell_ids

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("parishes", "grid100", "grid250", "grid1km")
AS_OF = date(2026, 11, 1)
SMALL = "<5"


# ----------------------------------------------------------------------------- workspaces


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    """A private copy of the demo (focus areas are saved in it), as planner and analyst."""
    path = tmp_path_factory.mktemp("sdc") / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    planner = Repository.open(f"sqlite:///{path}", "planner")
    e = planner.entrances()
    rng = np.random.default_rng(5)
    for i, k in enumerate(rng.choice(len(e), 4, replace=False)):  # small drawn focus areas
        x, y = float(e["x"].iloc[k]), float(e["y"].iloc[k])
        planner.save_focus_area(f"Tegnet {i}", shapely.box(x - 120, y - 120, x + 120, y + 120), as_of=AS_OF)
    # a few reports assessed in the target group: 1, 2 and 3 for three partners (attack 6)
    sig = pd.read_sql("SELECT signal_id, partner_id FROM signals WHERE partner_id IS NOT NULL ORDER BY signal_id",
                      planner.engine)
    for n, (_, g) in zip((1, 2, 3), sig.groupby("partner_id"), strict=False):
        for sid in g["signal_id"].head(n):
            planner.assess_signal(sid, "in_target_group")
    return {"name": "demo", "planner": planner, "analyst": planner.as_user("analytiker"), "url": str(path)}


@pytest.fixture(scope="module")
def small_cells(tmp_path_factory):
    """Nordby with 400 reports scattered one or two to a cell: many small cells and kinds."""
    path = tmp_path_factory.mktemp("sdc") / "small.sqlite"
    admin = Repository.open(f"sqlite:///{path}", None)
    data = build_workspace_data(WorkspaceSpec(name="Småceller", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    rng = np.random.default_rng(11)
    ent = data.entrances["entrance_id"].to_numpy()
    n = 400
    kinds = [k.id for k in KINDS]
    signals = pd.DataFrame({
        "signal_id": [str(uuid.UUID(int=int(rng.integers(0, 2**62)))) for _ in range(n)],
        "kind": rng.choice(kinds, n), "received": [AS_OF - timedelta(days=int(d)) for d in rng.integers(0, 150, n)],
        "entrance_id": rng.choice(ent, n), "unit_id": None, "partner_id": None,
        "source": rng.choice(["udlejer A", "boligselskab B", "nabo", "vicevært C"], n),
        "external_ref": [f"G-{i}" for i in range(n)], "note": "", "credibility": rng.integers(1, 4, n),
        "match_quality": "exact", "synthetic": True, "assessment": "new", "batch_id": None})
    admin.replace_workspace(replace(data, signals=signals), force=True)
    admin.upsert_user("p", role="planner", password="pw-planner-x")
    admin.upsert_user("a", role="analyst", password="pw-analyst-x")
    return {"name": "small cells", "planner": admin.as_user("p"), "analyst": admin.as_user("a"), "url": str(path)}


@pytest.fixture(params=["demo", "small_cells"])
def ws(request):
    return request.getfixturevalue(request.param)


def _layers(ws) -> list[str]:
    names = ws["planner"].area_layer_names()
    return [x for x in LAYERS if x.startswith("grid") or x in names]


# ----------------------------------------------------------------------------- the two views


def _old_view(planner: Repository, layer: str, as_of: date, params: ModelParams | None = None) -> pd.DataFrame:
    """What an analyst saw before disclosure control: the exact ranking, areas under 20
    dwellings out, counts 1–4 (and scores under 5) as "<5", rates exact."""
    df = planner.priorities(layer, params, as_of=as_of)
    df = df[df["dwellings"] >= MIN_DWELLINGS].copy()
    for c in ("signals", "recent", "sources"):
        df[c] = df[c].map(mask_count).astype(object)
    df["signals_by_kind"] = [{k: mask_count(v) for k, v in d.items()} for d in df["signals_by_kind"]]
    df["score"] = [SMALL if 0 < s < 5 else s for s in df["score"]]
    return df.reset_index(drop=True)


def _new_view(analyst: Repository, layer: str, as_of: date, params: ModelParams | None = None) -> pd.DataFrame:
    return analyst.priorities(layer, params, as_of=as_of)


def _truth(planner: Repository, layer: str, as_of: date) -> pd.DataFrame:
    return planner.priorities(layer, as_of=as_of).set_index("area_id")


def _num(v) -> float | None:  # noqa: ANN001
    return None if isinstance(v, str) else float(v)


# ----------------------------------------------------------------------------- attacks


def subtraction(view: pd.DataFrame, truth: pd.DataFrame) -> int:
    """Attack 1: a row's total minus its visible kinds is the hidden kinds' count."""
    hits = 0
    for r in view.to_dict("records"):
        total = _num(r["signals"])
        if total is None:
            continue
        visible = {k: v for k, v in r["signals_by_kind"].items() if _num(v) is not None}
        guess = total - sum(visible.values())
        true_kinds = truth.loc[r["area_id"], "signals_by_kind"]
        true_hidden = sum(v for k, v in true_kinds.items() if k not in visible)
        hits += int(1 <= true_hidden <= 4 and guess == true_hidden)
    return hits


def weights(view_fn, repo: Repository, layer: str, truth: pd.DataFrame) -> int:
    """Attack 2: the score with every kind at 1 minus the score with one kind at 0."""
    flat = ModelParams(kind_weights=tuple((k.id, 1.0) for k in KINDS), credibility_spread=0.0,
                       half_life_days=100_000.0, source_bonus=0.0)
    full = view_fn(repo, layer, AS_OF, flat).set_index("area_id")
    hits = 0
    for k in KINDS:
        without = view_fn(repo, layer, AS_OF, flat.with_weight(k.id, 0.0)).set_index("area_id")
        for a in full.index.intersection(without.index):
            s1, s0 = _num(full.loc[a, "score"]), _num(without.loc[a, "score"])
            if s1 is None or s0 is None:
                continue
            true = int(truth.loc[a, "signals_by_kind"].get(k.id, 0))
            hits += int(1 <= true <= 4 and round(s1 - s0) == true)
    return hits


def dates(view_fn, repo: Repository, planner: Repository, layer: str, days: list[date]) -> int:
    """Attack 3: a kind's count one day minus the day before is the reports that arrived."""
    hits = 0
    for d0, d1 in zip(days, days[1:], strict=False):
        v0, v1 = view_fn(repo, layer, d0).set_index("area_id"), view_fn(repo, layer, d1).set_index("area_id")
        t0, t1 = _truth(planner, layer, d0), _truth(planner, layer, d1)
        for a in v0.index.intersection(v1.index):
            for k in set(t1.loc[a, "signals_by_kind"]) | set(t0.loc[a, "signals_by_kind"]):
                c0, c1 = _num(v0.loc[a, "signals_by_kind"].get(k, 0)), _num(v1.loc[a, "signals_by_kind"].get(k, 0))
                if c0 is None or c1 is None:
                    continue
                true = t1.loc[a, "signals_by_kind"].get(k, 0) - t0.loc[a, "signals_by_kind"].get(k, 0)
                hits += int(1 <= true <= 4 and c1 - c0 == true)
    return hits


def rates(view: pd.DataFrame, truth: pd.DataFrame) -> int:
    """Attack 4: the rate fixes the posterior, so rate·(β + n) − α is the hidden score."""
    known = [(float(r["rate"]) / 1000, float(r["dwellings"]), _num(r["score"])) for r in view.to_dict("records")]
    rows = [(rt, n, y) for rt, n, y in known if y is not None]
    if len(rows) < 2:
        return 0
    # α + y = r (β + n)  →  α − r β = r n − y, least squares over the areas whose score is shown
    a = np.array([[1.0, -rt] for rt, _, _ in rows])
    b = np.array([rt * n - y for rt, n, y in rows])
    alpha, beta = np.linalg.lstsq(a, b, rcond=None)[0]
    hits = 0
    for r in view.to_dict("records"):
        if _num(r["score"]) is not None:
            continue
        guess = float(r["rate"]) / 1000 * (beta + float(r["dwellings"])) - alpha
        true = float(truth.loc[r["area_id"], "score"])
        hits += int(0.05 < true < 5 and abs(guess - true) < 0.01)
    return hits


def complement(view_parent: pd.DataFrame, view_child: pd.DataFrame, truth_child: pd.DataFrame) -> tuple[int, int]:
    """Attack 5: a 1 km cell minus its visible 250 m cells is its hidden cells' count; and
    the same with bounds (a shown 5 means 1–9): where the bounds leave one value, it is known."""
    sub = bounds = 0
    children = view_child.set_index("area_id")
    parent_of = {c: _parent(c) for c in truth_child.index}
    for r in view_parent.to_dict("records"):
        kids = [c for c, p in parent_of.items() if p == r["area_id"]]
        shown = [c for c in kids if c in children.index]
        hidden = [c for c in kids if c not in children.index]
        true = int(sum(int(truth_child.loc[c, "signals"]) for c in hidden))
        p, vals = _num(r["signals"]), [_num(children.loc[c, "signals"]) for c in shown]
        if p is not None and all(v is not None for v in vals):
            sub += int(1 <= true <= 4 and p - sum(vals) == true)
        lo_p, hi_p = _bounds(r["signals"])
        lo = lo_p - sum(_bounds(children.loc[c, "signals"])[1] for c in shown)
        hi = hi_p - sum(_bounds(children.loc[c, "signals"])[0] for c in shown)
        bounds += int(max(lo, 0) == hi and 1 <= true <= 4 and hi == true)
    return sub, bounds


def _bounds(v) -> tuple[int, int]:  # noqa: ANN001
    """What a shown value says of the true count, to an attacker who knows the rule in use."""
    if v == SMALL:
        return (0, 4)
    return (int(v) - 4, int(v) + 4) if int(v) % 5 == 0 else (int(v), int(v))


def _parent(cell_250: str) -> str:
    _, n, e = cell_250.split("_")
    x, y = int(e) * 10 + 125, int(n) * 10 + 125
    return ddkn_cell_ids(np.array([x]), np.array([y]), size_m=1000)[0]


def shares(totals: list[dict], truth: pd.DataFrame) -> int:
    """Attack 6: target share × reports is the count in the target group."""
    hits = 0
    for r in totals:
        rep, share = _num(r["reports"]), r["target_share"]
        if rep is None or share is None or _num(r["in_target_group"]) is not None:
            continue
        true = int(truth.loc[r["partner_id"], "in_target_group"])
        hits += int(1 <= true <= 4 and round(share * rep) == true)
    return hits


# ----------------------------------------------------------------------------- the suite


def _every_shown_count_is_protected(view: pd.DataFrame) -> None:
    for r in view.to_dict("records"):
        for c in ("signals", "recent", "sources", "score"):
            assert r[c] == SMALL or (int(r[c]) == r[c] and int(r[c]) % 5 == 0), (r["area_id"], c, r[c])
        assert all(v % 5 == 0 and v > 0 for v in r["signals_by_kind"].values()), r
        assert (sum(r["signals_by_kind"].values()) or SMALL) == r["signals"]
        assert r["dwellings"] >= MIN_DWELLINGS and "raw_rate" not in r


def test_attacks_recover_nothing_from_what_analysts_see(ws, capsys):
    planner, analyst = ws["planner"], ws["analyst"]
    report = {}
    days = [date(2026, 10, 20) + timedelta(days=i) for i in range(4)]
    pub = publication_date(AS_OF)
    for layer in _layers(ws):
        truth_now = _truth(planner, layer, AS_OF)
        truth_pub = _truth(planner, layer, pub)
        old, new = _old_view(planner, layer, AS_OF), _new_view(analyst, layer, AS_OF)
        _every_shown_count_is_protected(new)
        assert new.attrs["as_of"] == pub and new.attrs["protected"]
        report[(layer, "1 subtraction")] = (subtraction(old, truth_now), subtraction(new, truth_pub))
        report[(layer, "2 weights")] = (weights(_old_view, planner, layer, truth_now),
                                        weights(_new_view, analyst, layer, truth_pub))
        report[(layer, "3 dates")] = (dates(_old_view, planner, planner, layer, days),
                                      dates(_new_view, analyst, planner, layer, days))
        report[(layer, "4 rates")] = (rates(old, truth_now), rates(new, truth_pub))
    t250_now, t250_pub = _truth(planner, "grid250", AS_OF), _truth(planner, "grid250", pub)
    old_c = complement(_old_view(planner, "grid1km", AS_OF), _old_view(planner, "grid250", AS_OF), t250_now)
    new_c = complement(_new_view(analyst, "grid1km", AS_OF), _new_view(analyst, "grid250", AS_OF), t250_pub)
    report[("grid1km/grid250", "5 complement")] = (old_c[0], new_c[0])
    report[("grid1km/grid250", "5 complement, bounds")] = (old_c[1], new_c[1])
    if ws["name"] == "demo":  # the demo has partners: shares of partner yield
        sig = pd.read_sql("SELECT signal_id, partner_id, received, assessment FROM signals",
                          store_engine.get_engine(f"sqlite:///{ws['url']}"))
        old_y = P.partner_yield(sig, pd.DataFrame(columns=["contact_id", "partner_id", "contact_date", "channel"]),
                                as_of=AS_OF)["totals"]
        truth_y = old_y.set_index("partner_id")
        old_rows = [{**r, "reports": mask_count(r["reports"]), "in_target_group": mask_count(r["in_target_group"])}
                    for r in old_y.to_dict("records")]
        new_rows = analyst.partner_yield(as_of=AS_OF)["totals"]
        truth_pub_y = P.partner_yield(sig, pd.DataFrame(columns=["contact_id", "partner_id", "contact_date",
                                                                 "channel"]), as_of=pub)["totals"].set_index("partner_id")
        report[("partners", "6 shares")] = (shares(old_rows, truth_y), shares(new_rows, truth_pub_y))
    with capsys.disabled():
        print(f"\n{ws['name']}: exact recoveries of counts 1–4 (before → now)")
        for (layer, attack), (before, now) in report.items():
            print(f"  {attack:<24} {layer:<16} {before:>4} → {now}")
    assert all(now == 0 for _, now in report.values()), report
    # the suite can fail: on the old numbers the attacks worked
    if ws["name"] == "demo":
        for attack in ("1 subtraction", "2 weights", "3 dates", "4 rates"):
            assert sum(b for (_, a), (b, _) in report.items() if a == attack) > 0, (attack, report)
        assert report[("partners", "6 shares")][0] > 0, report
        assert report[("grid1km/grid250", "5 complement")][0] > 0, report
    else:
        assert sum(before for before, _ in report.values()) > 0, report


def test_focus_areas_clusters_and_overview_show_only_protected_counts(demo):
    analyst, planner = demo["analyst"], demo["planner"]
    saved = analyst.focus_areas()
    exact = planner.focus_areas().set_index("name")
    assert len(saved) >= 1
    for r in saved.to_dict("records"):
        st = r["stats"]
        for c in ("entrances", "concerned_entrances", "signals", "score"):
            assert st[c] == SMALL or st[c] % 5 == 0, (r["name"], c, st[c])
        assert (sum(st["signals_by_kind"].values()) or SMALL) == st["signals"]
        assert st["dwellings"] >= MIN_DWELLINGS and r["created_by"] == ""
        assert exact.loc[r["name"], "stats"]["dwellings"] == st["dwellings"]
    clusters = analyst.focus_candidates(as_of=AS_OF)
    assert len(clusters)
    for r in clusters.to_dict("records"):
        assert all(r[c] == SMALL or r[c] % 5 == 0 for c in ("entrances", "concerned_entrances", "signals", "score"))
    summary = analyst.summary()
    assert summary["signals"] == SMALL or summary["signals"] % 5 == 0
    assert sum(summary["signals_by_kind"].values()) == summary["signals"]
    counts = analyst.signal_counts()
    assert all(v == SMALL or v % 5 == 0 for v in counts["signals"])


def test_coverage_gaps_and_yield_for_analysts_are_protected_and_point_where_the_planners_do(demo):
    analyst, planner = demo["analyst"], demo["planner"]
    cov_a, cov_p = analyst.coverage("parishes", as_of=AS_OF), planner.coverage("parishes", as_of=AS_OF)
    assert cov_a["as_of"] == str(publication_date(AS_OF))
    need = {r["area_id"]: r["need"] for r in cov_a["areas"]}
    # the need is the analyst's protected ranking's rate
    ranked = analyst.priorities("parishes", as_of=AS_OF).set_index("area_id")
    assert need == pytest.approx({a: round(float(ranked.loc[a, "rate"]), 3) for a in need})
    # and it points to the same areas as the planner's
    top_a = [r["area_id"] for r in sorted(cov_a["areas"], key=lambda r: -r["need"])][:3]
    top_p = [r["area_id"] for r in sorted(cov_p["areas"], key=lambda r: -r["need"])][:3]
    assert len(set(top_a) & set(top_p)) >= 2, (top_a, top_p)
    gaps_a = analyst.coverage_gaps("grid1km", as_of=AS_OF)["gaps"]
    gaps_p = planner.coverage_gaps("grid1km", as_of=AS_OF)["gaps"]
    shared = {g["area_id"] for g in gaps_a} & {g["area_id"] for g in gaps_p}
    assert len(shared) >= 0.7 * min(len(gaps_a), len(gaps_p)), (len(shared), len(gaps_a), len(gaps_p))
    y = analyst.partner_yield(as_of=AS_OF)
    for key in ("totals", "monthly", "contacts"):
        for r in y[key]:
            for c in ("reports", "in_target_group", "assessed", "before", "after"):
                if c in r:
                    assert r[c] == SMALL or r[c] % 5 == 0, (key, c, r[c])


def test_analyst_cli_and_csv_show_the_same_protected_numbers(demo, tmp_path, capsys):
    out_csv = tmp_path / "p.csv"
    code = main(["--db", demo["url"], "--user", "analytiker", "--json", "priorities", "--areas", "grid250",
                 "--as-of", "2026-11-03", "--out", str(out_csv)])
    got = json.loads(capsys.readouterr().out)
    assert code == 0 and got["as_of"] == "2026-10-31"
    repo = demo["analyst"].priorities("grid250", as_of=date(2026, 11, 3))
    assert [a["signals"] for a in got["areas"]] == list(repo["signals"])
    for a in got["areas"]:
        assert a["signals"] == SMALL or a["signals"] % 5 == 0
        assert a["score"] == SMALL or a["score"] % 5 == 0
    text = out_csv.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("area_id;") and "<5" in text


def test_utility__the_analysts_top_10_is_mostly_the_planners(demo, capsys):
    pub = publication_date(AS_OF)
    lines = []
    for layer in ("parishes", "grid1km"):
        a = demo["analyst"].priorities(layer, as_of=AS_OF)
        p = demo["planner"].priorities(layer, as_of=pub)
        p = p[p["dwellings"] >= MIN_DWELLINGS]
        k = min(10, len(p))
        overlap = len(set(a["area_id"].head(k)) & set(p["area_id"].head(k)))
        lines.append(f"  {layer:<9} top-{k} overlap {overlap}/{k}")
        assert overlap >= k - 2, (layer, overlap, k)
    with capsys.disabled():
        print("\nutility on the demo (analyst vs planner):\n" + "\n".join(lines))


def test_analysts_can_not_change_the_model(demo):
    zero = ModelParams(kind_weights=tuple((k.id, 0.0) for k in KINDS))
    a = demo["analyst"].priorities("parishes", zero, as_of=AS_OF)
    b = demo["analyst"].priorities("parishes", as_of=AS_OF)
    assert a.drop(columns=["why"]).equals(b.drop(columns=["why"]))
    assert demo["planner"].priorities("parishes", zero, as_of=AS_OF)["rate"].max() == 0  # planners can


def test_the_same_cell_gets_the_same_value_through_every_output(demo):
    """A parish's protected count is the same in the ranking and in coverage, every time."""
    a = demo["analyst"]
    r1 = a.priorities("parishes", as_of=AS_OF)
    r2 = a.priorities("parishes", as_of=AS_OF + timedelta(days=9))  # the same publication point
    assert r1.drop(columns=["why"]).equals(r2.drop(columns=["why"]))
    with store_engine.read_tx(demo["analyst"].engine) as conn:
        assert conn.execute(t.signals.select().limit(1)).first() is not None
