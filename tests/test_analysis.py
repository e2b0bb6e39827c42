"""`cpsim analyze` on synthetic sweep folders whose answers are known.

Each test writes a sweep folder in the layout `abm.sweep.store` reads (sweep.json,
design.parquet, runs/p*-r*.parquet) with outcomes that are known functions of the design:
Sobol and Morris must recover the known ranking, PRIM must find a planted failure region,
an ensemble's national totals must equal the hand sum, every bad input must end with one
`error:` line, exit status 2 and nothing written, and a failed write must leave the
earlier analysis as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from typer.testing import CliRunner

from abm.analysis import analyze as analyse_in_process
from abm.analysis import plots, write_analysis
from abm.cli import app
from abm.sweep.store import SweepFolder, run_name

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}
HARM, REFERRALS = "children_harmed_per_year", "referrals_per_year"
WEEKS, YEARS = 52, 2


def write_sweep(folder: Path, kind: str, x: np.ndarray, harm, replicates: int = 1, salib=None,
                skip: frozenset = frozenset()) -> Path:
    """A sweep folder as abm.sweep.store lays it out: run (p, r) has weekly HARM = harm(x[p], r, week) and
    REFERRALS = 100 + p + r; the runs in `skip` are left unfinished."""
    names = PROBLEM["names"]
    design = pd.DataFrame(x, columns=names)
    design.insert(0, "point", np.arange(len(x), dtype=np.int64))
    manifest = {"sweep": {}, "base": {"years": YEARS}, "design": kind, "levers": [], "outcomes": [HARM, REFERRALS],
                "parameters": {n: {"low": lo, "high": hi} for n, (lo, hi) in zip(names, PROBLEM["bounds"])},
                "root_seed": 7, "replicates": replicates, "points": len(x), "runs": len(x) * replicates,
                "salib": salib}
    SweepFolder.open(folder, manifest, design, resume=False).close()
    week = np.arange(YEARS * WEEKS)
    for p, row in enumerate(x):
        for r in range(replicates):
            if (p, r) not in skip:  # as SweepFolder.write_run writes a run, without its fsync
                pd.DataFrame({
                    "point": p, "replicate": r, "seed": np.uint64(1000 * p + r), "week": week,
                    "year": week // WEEKS + 1, "year_label": [f"year {y}" for y in week // WEEKS + 1],
                    HARM: np.broadcast_to(harm(row, r, week), week.shape).astype(float),
                    REFERRALS: 100.0 + p + r,
                }).to_parquet(folder / "runs" / f"{run_name(p, r)}.parquet", index=False)
    return folder


def linear(row, replicate, week):
    return 5 * row[0] + 2 * row[1] + 0.1 * row[2]


def cpsim_analyze(*args):
    return CliRunner().invoke(app, ["analyze", *map(str, args)])


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    x = sobol_sample.sample(PROBLEM, 64, calc_second_order=True, seed=1)
    return write_sweep(tmp_path_factory.mktemp("s") / "sobol", "sobol", x, linear,
                       salib={"problem": PROBLEM, "calc_second_order": True})


@pytest.fixture(scope="module")
def latin_sweep(tmp_path_factory):
    x = latin.sample(PROBLEM, 400, seed=5)

    def planted(row, replicate, week):  # 400 harmed a year where x1 > 0.7 and x2 < 0.3, else 200, +-50 by replicate
        return (400.0 if row[0] > 0.7 and row[1] < 0.3 else 200.0) + (50 if replicate else -50)

    return write_sweep(tmp_path_factory.mktemp("l") / "latin", "latin", x, planted, replicates=2)


def test_sobol_indices_recover_the_known_ranking(sobol_sweep, tmp_path):
    result = cpsim_analyze(sobol_sweep, "--outcomes", HARM, "--json", "--out", tmp_path / "a")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["method"] == "sobol" and found["points"] == 64 * 8
    rows = {row["parameter"]: row for row in found["indices"]}
    assert rows["x1"]["ST"] > rows["x2"]["ST"] > rows["x3"]["ST"]
    # For an additive linear function S1 = ST = a_i^2 Var(x_i) / Var(y) = a_i^2 / 29.01.
    for name, a in zip(PROBLEM["names"], (5, 2, 0.1)):
        truth = a * a / 29.01
        assert rows[name]["ST"] == pytest.approx(truth, abs=0.03)
        assert abs(rows[name]["S1"] - truth) <= rows[name]["S1_conf"]
    assert len(found["second_order"]) == 3
    written = tmp_path / "a"
    assert (written / "plots" / f"sobol_{HARM}.png").stat().st_size > 0
    table = pd.read_parquet(written / "sobol_indices.parquet")
    pd.testing.assert_frame_equal(table, pd.read_csv(written / "sobol_indices.csv"))
    assert "ranked by ST: `x1`" in (written / "report.md").read_text()
    assert json.loads((written / "summary.json").read_text()) == found


def test_morris_recovers_the_known_ranking(tmp_path):
    x = morris_sample.sample(PROBLEM, 20, num_levels=4, seed=3)
    sweep = write_sweep(tmp_path / "morris", "morris", x, linear, salib={"problem": PROBLEM, "num_levels": 4})
    result = cpsim_analyze(sweep, "--outcomes", HARM, "--json")
    assert result.exit_code == 0, result.output
    mu_star = {row["parameter"]: row["mu_star"] for row in json.loads(result.stdout)["indices"]}
    assert mu_star == pytest.approx({"x1": 5.0, "x2": 2.0, "x3": 0.1})
    assert (sweep / "analysis" / "plots" / f"morris_{HARM}.png").is_file()


def test_prim_finds_the_planted_failure_region(latin_sweep, tmp_path):
    result = cpsim_analyze(latin_sweep, "--criterion", f"{HARM}>300", "--json", "--out", tmp_path / "a")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    x = pd.read_parquet(latin_sweep / "design.parquet")
    assert found["method"] is None
    assert found["failing_points"] == int(((x["x1"] > 0.7) & (x["x2"] < 0.3)).sum())
    box = found["boxes"][0]
    assert box["coverage"] > 0.9 and box["density"] > 0.9
    limits = box["limits"]
    assert limits["x1"]["low"] == pytest.approx(0.7, abs=0.03) and limits["x1"]["high"] == 1.0
    assert limits["x2"]["high"] == pytest.approx(0.3, abs=0.03) and limits["x2"]["low"] == 0.0
    assert not limits["x3"]["restricted"]
    written = tmp_path / "a"
    assert (written / "plots" / "prim_box1.png").is_file()
    assert set(pd.read_parquet(written / "prim_limits.parquet")["parameter"]) == {"x1", "x2", "x3"}
    means = pd.read_parquet(written / "point_means.parquet")  # replicates +-50 average out
    assert set(means[HARM]) == {200.0, 400.0}
    assert "x1 >= 0.7" in (written / "report.md").read_text()


def test_ensemble_national_totals_are_the_hand_sums(tmp_path):
    x = np.array([[0.1, 0.0, 0.0], [0.4, 0.0, 0.0], [0.7, 0.0, 0.0]])

    def harm(row, replicate, week):  # a year's mean: 10 * x1 + replicate, plus 5 in year 2
        return 10 * row[0] + replicate + 5.0 * (week >= WEEKS)

    sweep = write_sweep(tmp_path / "ensemble", "ensemble", x, harm, replicates=3)
    result = cpsim_analyze(sweep, "--json")
    assert result.exit_code == 0, result.output
    national = pd.DataFrame(json.loads(result.stdout)["national"]).set_index(["outcome", "year"])
    for year in (1, 2):
        by_replicate = [sum(10 * x1 + r + 5.0 * (year == 2) for x1 in x[:, 0]) for r in range(3)]
        row = national.loc[(HARM, year)]
        assert row["median"] == pytest.approx(np.median(by_replicate))
        assert row["p05"] == pytest.approx(np.quantile(by_replicate, 0.05))
        assert row["p95"] == pytest.approx(np.quantile(by_replicate, 0.95))
        assert national.loc[(REFERRALS, year), "median"] == pytest.approx(sum(100 + p + 1 for p in range(3)))
    assert (sweep / "analysis" / "plots" / f"national_{HARM}.png").is_file()
    assert "National totals" in (sweep / "analysis" / "report.md").read_text()


@pytest.mark.parametrize("args, message", [
    (["missing"], "no such sweep folder"),
    (["corrupt"], "sweep.json: unreadable or corrupt manifest"),
    (["SOBOL", "--outcomes", "children_harmd_per_year"], "unknown outcome 'children_harmd_per_year'; did you mean"),
    (["SOBOL", "--outcomes", "cost_per_year"], "was not kept by this sweep"),
    (["SOBOL", "--criterion", "children_harmed_per_year=>300"], "expected OUTCOME>VALUE"),
    (["SOBOL", "--criterion", "harm>300"], "--criterion harm > 300: unknown outcome 'harm'"),
    (["SOBOL", "--method", "fast"], "--method 'fast': allowed auto, sobol, morris"),
    (["LATIN", "--method", "sobol"], "Sobol indices need a sobol design"),
    (["SOBOL", "--out", "SOBOL"], "sobol holds the input"),
])
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(sobol_sweep, latin_sweep, tmp_path, args, message):
    (tmp_path / "corrupt").mkdir()
    (tmp_path / "corrupt" / "sweep.json").write_text("{not json")
    folders = {"missing": tmp_path / "missing", "corrupt": tmp_path / "corrupt", "SOBOL": sobol_sweep,
               "LATIN": latin_sweep}
    places = (tmp_path, tmp_path / "corrupt", sobol_sweep, sobol_sweep.parent, latin_sweep, latin_sweep.parent)
    before = {place: sorted(place.iterdir()) for place in places}
    result = cpsim_analyze(*(folders.get(a, a) for a in args))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert {place: sorted(place.iterdir()) for place in places} == before


def test_sobol_on_an_unfinished_sweep_is_refused_when_asked_and_noted_otherwise(tmp_path):
    x = sobol_sample.sample(PROBLEM, 8, calc_second_order=False, seed=2)
    sweep = write_sweep(tmp_path / "sobol", "sobol", x, linear, skip=frozenset({(3, 0)}),
                        salib={"problem": PROBLEM, "calc_second_order": False})
    asked = cpsim_analyze(sweep, "--method", "sobol")
    assert asked.exit_code == 2 and "need a finished run at every design point" in asked.stderr
    auto = cpsim_analyze(sweep, "--json")
    assert auto.exit_code == 0, auto.output
    assert json.loads(auto.stdout)["indices"] == []
    assert "note: 1 of 40 design points have no finished run" in auto.stderr


def test_morris_on_broken_trajectories_is_refused_when_asked_and_noted_otherwise(tmp_path):
    x = morris_sample.sample(PROBLEM, 6, num_levels=4, seed=3)
    x[:, 2] = 0.5  # as if x3's levels had all rounded to one value: its steps move nothing
    sweep = write_sweep(tmp_path / "morris", "morris", x, linear, salib={"problem": PROBLEM, "num_levels": 4})
    asked = cpsim_analyze(sweep, "--method", "morris")
    assert asked.exit_code == 2 and "do not move exactly one parameter" in asked.stderr
    auto = cpsim_analyze(sweep, "--json")
    assert auto.exit_code == 0 and json.loads(auto.stdout)["indices"] == []
    assert "note: no Morris indices" in auto.stderr


def test_a_failed_write_leaves_the_earlier_analysis_whole(latin_sweep, tmp_path, monkeypatch):
    out = tmp_path / "a"
    found = analyse_in_process(latin_sweep, [HARM], "auto", [f"{HARM}>300"])
    write_analysis(found, out)
    earlier = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(plots, "box_figure", broken)
    with pytest.raises(OSError, match="disk full"):
        write_analysis(analyse_in_process(latin_sweep, [REFERRALS, HARM], "auto", [f"{HARM}>250"]), out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]
