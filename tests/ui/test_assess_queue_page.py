"""The page *Vurdering* on a queue past 5,000 reports (issue 18): the count is the whole
filtered list, the table and the chooser list its first rows, and the bulk assessment
covers the whole list as it is when the button is pressed and says how many that was.
The queue is the one of :mod:`tests.detection.test_assess_queue`."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.detection.test_assess_queue import DEFAULT_LIMIT, old_way, own_planner, queue_db  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


def _page(db: Path, monkeypatch) -> AppTest:
    """The page *Vurdering* of the demo's planner on ``db``."""
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.selectbox(key="demo_user").set_value("planner").run()
    at.switch_page("ui/pages/assess.py").run()
    assert not at.exception, at.exception
    return at


def test_page__count_and_bulk_cover_the_whole_list_past_5000(own_planner, monkeypatch):  # noqa: F811
    """Before issue 18's fix the page counted and bulk-assessed the repository's first 5,000
    reports only and called them the whole list."""
    repo = own_planner
    total = len(old_way(repo, limit=None))
    assert total > DEFAULT_LIMIT
    at = _page(Path(repo.engine.url.database), monkeypatch)
    n = f"{total:,}".replace(",", ".")
    assert any(m.value == f"{n} henvendelser" for m in at.markdown)
    assert len(at.dataframe[0].value) == 500 and len(at.selectbox(key="as_pick").options) == 500
    assert any(c.value.startswith(f"Listen viser de første 500 af {n}.") for c in at.caption)
    # someone else assesses three of the list before the button is pressed
    repo.as_user("planner").assess_signals(list(repo.signals_to_assess(limit=3)["signal_id"]), "unclear")
    at.radio(key="as_bulk_value").set_value("not_in_target_group")
    at.checkbox(key="as_bulk_confirm").check()
    at.button(key="as_bulk_save").click().run()
    assert not at.exception, at.exception
    done = f"{total - 3:,}".replace(",", ".")
    assert any(s.value == f"{done} henvendelser er vurderet." for s in at.success)
    assert repo.signals_to_assess().attrs["total"] == 0
    assert f"{done} henvendelse(r)" in " ".join(c.value for c in at.caption)  # the undo covers them
