"""Sweep files and designs: every sweep file loads, the loader reads what a file says, bad
files are refused by the real CLI with one line (exit 2, nothing written), and the designs
are what they claim (SALib's Sobol and Morris recover a known function's ranking).

Each file in tests/bad_sweeps/ holds one distinct mistake; its first line, `# expect: ...`,
is a fragment the error message must contain (it names the key).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from abm import scenario as scenario_module
from abm.cli import app
from abm.parameters import PARAMETERS
from abm.scenario import Lever
from abm.sweep.design import make_design, point_count
from abm.sweep.runner import point_scenario, run_seed
from abm.sweep.spec import MAX_POINTS, SweepError, load_sweep

ROOT = Path(__file__).resolve().parents[1]
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))
BAD = Path(__file__).parent / "bad_sweeps"
BAD_FILES = sorted(BAD.glob("*.toml"))
BASE = ROOT / "scenarios" / "fresh_2011.toml"  # sweeps vary the authority: an unbranched base
HEAD = f'[sweep]\nbase = "{BASE}"\nreplicates = 1\nroot_seed = 5\noutcomes = ["referrals_per_year"]\n'


def write(tmp_path: Path, text: str, name: str = "trial.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} does not start with '# expect: <message fragment>'"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", SWEEPS, ids=lambda p: p.stem)
def test_every_sweep_file_loads_and_makes_its_design(path):
    sweep = load_sweep(path)
    design = make_design(sweep)
    assert design.points == point_count(sweep) >= 1
    assert list(design.table.columns) == ["point", *sweep.parameters, *sweep.levers]
    for name in sweep.parameters:
        p = PARAMETERS[name]
        assert design.table[name].between(p.low, p.high).all()


def test_smoke_sweep_is_at_most_16_short_runs():
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / "smoke.toml")
    assert make_design(sweep).points * sweep.replicates <= 16
    assert (sweep.base.years, sweep.base.warmup_years) == (1, 1)
    assert sweep.base.constants["children_0_19"] <= 10_000


def test_england_is_152_authorities_adding_up_to_the_national_child_population():
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / "england.toml")
    design = make_design(sweep)
    sizes, deprivation = design.table["children_0_19"], design.table["deprivation_mean"]
    assert (design.points, sweep.replicates, sweep.base.years) == (152, 1, 10)
    assert sizes.dtype == np.int64 and abs(sizes.sum() - 12_300_000) < 152
    assert sizes.min() > 5_000 and sizes.median() == pytest.approx(62_000, rel=0.3)
    assert deprivation.mean() == pytest.approx(0.3, abs=0.05) and deprivation.std() > 0.05
    assert make_design(load_sweep(ROOT / "scenarios" / "sweeps" / "england.toml")).table.equals(design.table)


def test_a_sweep_file_is_read_as_written(tmp_path):
    path = write(tmp_path, HEAD.replace("replicates = 1", "replicates = 3") + """years = 2
warmup_years = 1
description = "all parts"

[design]
kind = "grid"

[constants]
children_0_19 = 6000

[parameters]
escalation_weeks = { low = 2, high = 6, levels = 3 }
deprivation_mean = { values = [0.2, 0.4] }
parallel_planning = { values = [true, false] }
""")
    sweep = load_sweep(path)
    assert (sweep.name, sweep.description, sweep.replicates, sweep.root_seed) == ("trial", "all parts", 3, 5)
    assert (sweep.base.years, sweep.base.warmup_years, sweep.base.constants["children_0_19"]) == (2, 1, 6000)
    assert sweep.outcomes == ("referrals_per_year",) and sweep.notes == ()
    table = make_design(sweep).table
    assert table["point"].tolist() == list(range(12))
    assert table["escalation_weeks"].tolist() == [2] * 4 + [4] * 4 + [6] * 4  # the first parameter slowest
    assert table["deprivation_mean"].tolist() == [0.2, 0.2, 0.4, 0.4] * 3
    assert table["parallel_planning"].tolist() == [True, False] * 6
    assert [str(t) for t in table.dtypes] == ["int64", "int64", "float64", "bool"]


def test_all_outcomes_and_the_base_seeds_are_the_sweeps_own(tmp_path):
    sweep = load_sweep(write(tmp_path, HEAD.replace('["referrals_per_year"]', '"all"')
                             + '[design]\nkind = "latin"\nsamples = 3\n[parameters]\n'
                               "deprivation_mean = { low = 0.2, high = 0.4 }\n"))
    assert len(sweep.outcomes) > 50 and "cost_per_year" in sweep.outcomes
    assert make_design(sweep).points == 3


def test_clamp_moves_bounds_and_values_into_range_and_says_so(tmp_path):
    sweep = load_sweep(write(tmp_path, HEAD + 'out_of_range = "clamp"\n[design]\nkind = "latin"\nsamples = 8\n'
                                              "[parameters]\ndeprivation_mean = { low = 0.0, high = 0.4 }\n"))
    assert sweep.parameters["deprivation_mean"].low == 0.05
    assert sweep.notes == ("parameters.deprivation_mean.low = 0.0 clamped to 0.05 (allowed 0.05 to 0.95)",)
    design = make_design(sweep)
    assert design.salib["problem"]["bounds"] == [[0.05, 0.4]]
    assert design.table["deprivation_mean"].between(0.05, 0.4).all()


def test_clamp_moves_ensemble_draws_into_range(tmp_path):
    text = HEAD + ('out_of_range = "clamp"\n[design]\nkind = "ensemble"\nsamples = 50\n[parameters]\n'
                   'deprivation_mean = { distribution = "beta", mean = 0.1, concentration = 10 }\n')
    design = make_design(load_sweep(write(tmp_path, text)))
    values = design.table["deprivation_mean"]
    clamped = (values == 0.05).sum()
    assert values.min() == 0.05 and clamped > 5
    assert design.notes == (f"parameters.deprivation_mean: {clamped} of the 50 values drawn clamped to 0.05 to 0.95",)
    refused = write(tmp_path, text.replace('out_of_range = "clamp"\n', ""), "refused.toml")
    with pytest.raises(SweepError, match=rf"deprivation_mean: {clamped} of the 50 values drawn lie outside"):
        make_design(load_sweep(refused))


def test_levers_are_crossed_with_the_grid_when_the_reform_is_registered(tmp_path, monkeypatch):
    monkeypatch.setattr(scenario_module, "registered_reforms", lambda: {"R1": object})
    sweep = load_sweep(write(tmp_path, HEAD + '[design]\nkind = "grid"\n[parameters]\n'
                                              "deprivation_mean = { values = [0.2, 0.4] }\n"
                                              "[levers]\nR1 = { values = [false, true] }\n"))
    design = make_design(sweep)
    assert design.table["R1"].tolist() == [False, True, False, True]
    on = point_scenario(sweep.base, design.values(1))
    assert on.levers == (Lever(reform="R1"),) and on.constants["deprivation_mean"] == 0.2
    assert point_scenario(sweep.base, design.values(2)).levers == ()


def test_the_designs_are_the_same_for_the_same_root_seed_and_differ_for_another(tmp_path):
    text = HEAD + '[design]\nkind = "{kind}"\nsamples = {n}\n[parameters]\n' \
                  "deprivation_mean = { low = 0.2, high = 0.4 }\nescalation_weeks = { low = 2, high = 6 }\n"
    for kind, n in (("latin", 10), ("sobol", 8), ("morris", 4)):
        path = write(tmp_path, text.replace("{kind}", kind).replace("{n}", str(n)))
        first, again = make_design(load_sweep(path)), make_design(load_sweep(path))
        assert first.table.equals(again.table) and first.points == point_count(load_sweep(path))
        other = make_design(load_sweep(write(tmp_path, path.read_text().replace("root_seed = 5", "root_seed = 6"))))
        assert not other.table.equals(first.table)
        assert first.table["escalation_weeks"].dtype == np.int64
        assert first.table["escalation_weeks"].between(2, 6).all()


def test_point_limit_is_checked_before_any_point_is_made(tmp_path):
    text = HEAD + '[design]\nkind = "grid"\n[parameters]\n' + "".join(
        f"{name} = {{ low = 0.1, high = 0.5, levels = 101 }}\n"
        for name in ("deprivation_mean", "serious_harm_share", "engagement_base_probability"))
    with pytest.raises(SweepError, match=f"parameters: the grid design would have 1,030,301 points; at most "
                                         f"{MAX_POINTS:,}"):
        make_design(load_sweep(write(tmp_path, text)))


def _synthetic_sweep(tmp_path: Path, kind: str, samples: int, extra: str = ""):
    # Three real parameters with [0, 1] ranges stand for x1, x2, x3.
    text = HEAD + f'[design]\nkind = "{kind}"\nsamples = {samples}\n{extra}[parameters]\n' \
                  "serious_harm_share = { low = 0.0, high = 1.0 }\n" \
                  "engagement_base_probability = { low = 0.0, high = 1.0 }\n" \
                  "death_share_of_serious_harm = { low = 0.0, high = 1.0 }\n"
    design = make_design(load_sweep(write(tmp_path, text)))
    x = design.table[["serious_harm_share", "engagement_base_probability", "death_share_of_serious_harm"]].to_numpy()
    return design, x, 5 * x[:, 0] + 2 * x[:, 1] + 0.1 * x[:, 2]


def test_sobol_indices_recover_a_known_functions_ranking(tmp_path):
    from SALib.analyze import sobol

    design, _, y = _synthetic_sweep(tmp_path, "sobol", 1024, "calc_second_order = false\n")
    assert design.salib["calc_second_order"] is False and design.points == 1024 * 5
    indices = sobol.analyze(design.salib["problem"], y, calc_second_order=False, seed=1)
    assert indices["S1"][0] > indices["S1"][1] > indices["S1"][2]
    assert indices["ST"][0] > indices["ST"][1] > indices["ST"][2]
    # y is additive: first-order indices are 25/29.01, 4/29.01 and 0.01/29.01 of the variance.
    assert indices["S1"] == pytest.approx([25 / 29.01, 4 / 29.01, 0.01 / 29.01], abs=0.05)


def test_morris_effects_recover_a_known_functions_ranking(tmp_path):
    from SALib.analyze import morris

    design, x, y = _synthetic_sweep(tmp_path, "morris", 20)
    assert design.salib["num_levels"] == 4 and design.points == 20 * 4
    effects = morris.analyze(design.salib["problem"], x, y, num_levels=4, seed=1)
    assert list(effects["mu_star"]) == pytest.approx([5, 2, 0.1])


def test_a_runs_seed_comes_from_the_root_seed_and_its_key_alone():
    expected = int(np.random.SeedSequence([7, 3, 2]).generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert run_seed(7, 3, 2) == expected < 2**63
    seeds = {run_seed(7, p, r) for p in range(30) for r in range(5)}
    assert len(seeds) == 150 and run_seed(8, 3, 2) != expected


def test_the_bad_sweeps_are_many_and_distinct():
    expected = [expectation(p) for p in BAD_FILES]
    assert len(BAD_FILES) >= 10
    assert len(set(expected)) == len(expected)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_sweep_is_refused_with_one_line_naming_file_and_key(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith(f"error: {path}: ") and "\n" not in message, message
    assert expectation(path) in message
    assert list(tmp_path.iterdir()) == [], "something was written"


def test_the_real_command_refuses_a_bad_sweep(cpsim, tmp_path):
    done = cpsim("sweep", BAD / "not_toml.toml", "--out", tmp_path / "out")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"error: {BAD / 'not_toml.toml'}: not valid TOML")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flags, fragment", [
    (["--engine", "spark"], "--engine: unknown engine 'spark' (allowed: local, dask, ray)"),
    (["--workers", "0"], "--workers: 0 is out of range: allowed 1 or more"),
    (["--address", "127.0.0.1:8786"], "--address: the local engine runs on this machine"),
    (["--engine", "dask", "--address", "127.0.0.1:8786", "--workers", "2"], "--workers: a cluster at --address"),
    (["--engine", "ray", "--dashboard"], "--dashboard: only a local Dask cluster"),
], ids=["engine", "workers", "address-local", "address-workers", "dashboard-ray"])
def test_bad_engine_options_are_refused_before_anything_is_written(flags, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", str(ROOT / "scenarios" / "sweeps" / "smoke.toml"), *flags])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith(f"error: {fragment}") and "\n" not in message, message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("engine, module", [("dask", "distributed"), ("ray", "ray")])
def test_a_missing_extra_is_one_line_saying_how_to_install_it(engine, module, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", str(ROOT / "scenarios" / "sweeps" / "smoke.toml"), "--engine", engine])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().endswith(f"install with pip install .[{engine}]")
    assert list(tmp_path.iterdir()) == []
