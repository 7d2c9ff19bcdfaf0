"""How a run is carried out (the solver's log, LP files written) travels as RunSettings, never module state:
two runs with different settings in one process, at the same time, each get only their own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from gigawatt import api
from gigawatt.core.spec import RunSettings
from gigawatt.power import solve

from conftest import EXAMPLES

QUICK = ["site.screening_segments=24"]  # a plan on 24 time segments: an LP solved in well under a second


def test_two_runs_at_once_write_only_their_own_lp_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    def plan(save_lp):
        return api.run("plan", EXAMPLES / "west-texas-grid-gas.yaml", set=QUICK, store=None, save_lp=save_lp)

    with ThreadPoolExecutor(max_workers=3) as pool:
        a, b, plain = pool.map(plan, [tmp_path / "a" / "site", tmp_path / "b" / "site", None])
    written_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    written_b = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert written_a == written_b == ["site.plan.lp"]  # each run its own plan LP, once, beside its own stem
    assert any(str(tmp_path / "a" / "site.plan.lp") in m for m in a.messages)
    assert not any(str(tmp_path / "a") in m for m in b.messages + plain.messages)
    assert not any("LP files as solved" in m for m in plain.messages)
    assert a.data["annual_cost_usd"] == b.data["annual_cost_usd"] == plain.data["annual_cost_usd"]  # settings change no figure


def test_solve_keeps_no_settings_of_its_own():
    """The module has no switch a run could leave set for the next (the globals it once had are gone)."""
    assert not {"show_solver_log", "save_lp_stem", "saved_lp_files"} & set(vars(solve))
    settings = RunSettings()
    assert settings.lp_files == [] and settings.lp_files is not RunSettings().lp_files
