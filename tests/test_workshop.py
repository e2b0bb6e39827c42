"""`cpsim workshop`: every subset of a package's reform families, factorial effects, findings.

Subset enumeration and the factorial effects are checked on synthetic outcomes with known
main and interaction effects (exact recovery without noise; the 90% intervals' coverage
with noise); the findings on synthetic runs whose answer is known, including a package
that does worse than no reform; and the whole workshop end to end on a small authority.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from abm.cli import app
from abm.outcomes import BY_NAME, NAMES
from abm.scenario import Lever, load_scenario
from abm.workshop import WorkshopError, assemble, plan, run_plan
from abm.workshop.analysis import CHECKED, analyse
from abm.workshop.effects import factorial_effects, terms
from abm.summary import _number
from abm.workshop.findings import detectable, findings
from abm.workshop.planning import enumerate_subsets, subset_name
from abm.workshop.report import write_report


@pytest.mark.parametrize("k", range(7))
def test_every_subset_once_smallest_first(k):
    families = [f"f{i}" for i in range(k)]
    subsets = enumerate_subsets(families)
    assert len(subsets) == 2 ** k == len(set(subsets))
    assert subsets[0] == () and subsets[-1] == tuple(families)
    assert [len(s) for s in subsets] == sorted(len(s) for s in subsets)
    assert all(list(s) == [f for f in families if f in s] for s in subsets)
    assert len({subset_name(s) for s in subsets}) == 2 ** k


def test_effects_recover_a_plus_minus_one_coded_model_exactly():
    families = ["a", "b", "c", "d"]
    subsets = enumerate_subsets(families)
    main = {"a": 3.0, "b": -1.5, "c": 0.0, "d": 7.0}
    pair = {("a", "b"): 2.0, ("a", "c"): -0.5, ("b", "d"): 4.0}
    triple = 5.0  # a three-way term must not leak into the main effects or the pairs

    def x(f, s):
        return 1.0 if f in s else -1.0

    y = np.array([[10 + seed + sum(b * x(f, s) for f, b in main.items())
                   + sum(b * x(f, s) * x(g, s) for (f, g), b in pair.items())
                   + triple * x("a", s) * x("b", s) * x("c", s) for s in subsets] for seed in range(3)])
    effects = {tuple(e["term"]): e for e in factorial_effects(y, subsets, families)}
    assert list(effects) == terms(families) and len(effects) == 4 + 6
    for term, e in effects.items():
        expected = 2 * (main[term[0]] if len(term) == 1 else pair.get(term, 0.0))
        assert e["estimate"] == pytest.approx(expected, abs=1e-12), term
        assert e["p05"] == pytest.approx(expected, abs=1e-12) and e["p95"] == pytest.approx(expected, abs=1e-12)
        assert e["n"] == 3


def test_main_effect_and_interaction_are_the_documented_contrasts():
    # y = 100 + 10 a - 5 b - 15 a b with a, b switched on (1) or off (0)
    subsets = enumerate_subsets(["a", "b"])
    table = {(): 100.0, ("a",): 110.0, ("b",): 95.0, ("a", "b"): 90.0}
    y = np.array([[table[s] for s in subsets]])
    effects = {tuple(e["term"]): e["estimate"] for e in factorial_effects(y, subsets, ["a", "b"])}
    assert effects[("a",)] == pytest.approx((110 + 90) / 2 - (100 + 95) / 2)
    assert effects[("b",)] == pytest.approx((95 + 90) / 2 - (100 + 110) / 2)
    # half the difference of a's effect with b (90 - 95) and without b (110 - 100)
    assert effects[("a", "b")] == pytest.approx(((90 - 95) - (110 - 100)) / 2)


def test_the_90_percent_intervals_cover_the_true_effects_about_90_percent_of_the_time():
    rng = np.random.default_rng(2011)
    families = ["a", "b", "c"]
    subsets = enumerate_subsets(families)
    x = np.array([[1.0 if f in s else -1.0 for f in families] for s in subsets])
    truth = {("a",): 1.0, ("b",): -0.4, ("c",): 0.0, ("a", "b"): 0.6, ("a", "c"): 0.0, ("b", "c"): -0.3}
    mean = 5 + sum(v / 2 * x[:, [families.index(f) for f in t]].prod(axis=1) for t, v in truth.items())
    experiments, covered = 600, {t: 0 for t in truth}
    for _ in range(experiments):
        seed_effect = rng.normal(0, 3, size=(5, 1))  # shared by every subset of a seed: cancels in the contrasts
        y = mean + seed_effect + rng.normal(0, 1, size=(5, len(subsets)))
        for e in factorial_effects(y, subsets, families):
            covered[tuple(e["term"])] += e["p05"] <= truth[tuple(e["term"])] <= e["p95"]
    for term, hits in covered.items():
        assert 0.86 <= hits / experiments <= 0.94, (term, hits / experiments)  # binomial sd 1.2%


def synthetic_workshop(value, families=("a", "b"), seeds=4, years=5):
    """A workshop of `families` whose runs are synthetic: every outcome's weekly value is
    value(outcome, subset families, seed, year), default 1.0."""
    ws = assemble("synthetic", {f: (f"R{i + 1}",) for i, f in enumerate(families)},
                  {f: f"family {f}" for f in families}, lambda combo: None)
    frames = []
    weeks = np.arange(years * 52)
    for s in ws.subsets:
        for seed in range(seeds):
            frame = {"scenario": subset_name(s.families), "seed": np.uint64(seed), "week": weeks,
                     "year": weeks // 52 + 1, "year_label": [f"year {w // 52 + 1}" for w in weeks]}
            for name in NAMES:
                frame[name] = np.array([value(name, s.families, seed, w // 52 + 1) for w in weeks], dtype=float)
            frames.append(pd.DataFrame(frame))
    weekly = pd.concat(frames, ignore_index=True)
    result = analyse(ws, weekly)
    result["findings"] = findings(result)
    return result


def column(outcome: str) -> str:
    """The weekly column that moves an outcome: its own, or a ratio's numerator."""
    o = BY_NAME[outcome]
    return o.numerator if o.aggregate == "ratio" else outcome


def texts(result) -> list[str]:
    return [f["text"] for f in result["findings"]]


def test_findings_name_a_family_that_does_harm_alone_while_the_package_helps():
    harm = {(): 100.0, ("a",): 110.0, ("b",): 95.0, ("a", "b"): 90.0}

    def value(name, families, seed, year):
        return harm[families] + 7 * seed if name == "children_harmed_per_year" else 1.0

    result = synthetic_workshop(value)
    found = texts(result)
    assert found[0] == ("Against no reform, the full package is better on 1 of the 7 outcomes checked (children "
                        "significantly harmed), worse on none and shows no clear difference on 6 (share of children "
                        "truly at risk who are turned away, share of intervention decisions on children not at risk, "
                        "weeks from first need to first help, permanent social workers leaving per permanent worker per year, "
                        "duration of concluded care proceedings (weeks) and cost of children's social care (GBP per "
                        "year)).")
    assert ("Cherry-picking backfires on children significantly harmed: the full package does better than no reform "
            "(-10), but 1 partial package of 2 does worse: a alone (+10). By chance alone, with no real difference, "
            "about 0.1 would.") in found
    # 2 partial packages x 7 outcomes, each 'worse' with chance 5% when nothing differs: 2 (1 - 0.95^7) = 0.6
    assert any(t.startswith("1 of the 2 partial packages do worse than no reform on at least one outcome checked "
                            "(a alone); by chance alone, with no real difference, about 1 would") for t in found)
    assert ("1 of the 7 two-way interactions (1 pair of families on 7 outcomes) are clear; by chance alone, with "
            "no real interaction, about 1 would be, so read single ones below with caution.") in found
    assert any(t.startswith("On children significantly harmed, families interact: a's effect is -15 with b than "
                            "without (interaction -7.5") and "together they do better" in t for t in found)
    effects = {(tuple(e["term"]), e["outcome"]): e for e in result["effects"]}
    assert effects[(("a",), "children_harmed_per_year")]["estimate"] == pytest.approx(2.5)
    assert effects[(("b",), "children_harmed_per_year")]["estimate"] == pytest.approx(-12.5)
    assert effects[(("a", "b"), "children_harmed_per_year")]["estimate"] == pytest.approx(-7.5)
    assert effects[(("a",), "referrals_per_year")]["estimate"] == 0
    charts = {f["chart"] for f in result["findings"]}
    assert {"full_package", "subsets", "subsets-children_harmed_per_year", "effects-children_harmed_per_year"} <= charts


def test_findings_say_plainly_when_the_full_package_is_worse():
    def value(name, families, seed, year):
        checked = name in {column(o) for o in CHECKED}
        factor = {("a", "b"): 1.1, ("a",): 0.9}.get(families, 1.0) if checked else 1.0
        return factor + 0.01 * seed

    found = texts(synthetic_workshop(value))
    assert found[0].startswith("The full package is NOT clearly better than no reform on any of the 7 outcomes "
                               "checked; it is worse on children significantly harmed, ")
    assert ("Cherry-picking does better on children significantly harmed: the full package does worse than no "
            "reform (+0.1), but 1 partial package of 2 does better: a alone (-0.1). By chance alone, with no real "
            "difference, about 0.1 would.") in found


def _jitter(families, seed) -> float:
    """A fixed, sign-changing run-to-run difference (no hashing, so the same in every process)."""
    return (len(families) * 3 + seed * 5) % 7


def test_no_reversal_is_never_claimed_when_the_full_package_has_no_clear_effect():
    def value(name, families, seed, year):
        return 1.0 + 0.01 * _jitter(families, seed) if name in {column(o) for o in CHECKED} else 1.0

    result = synthetic_workshop(value)
    assert all(result["subsets"][-1]["difference"][o]["verdict"] not in ("better", "worse") for o in CHECKED)
    found = texts(result)
    assert not any("no reversal" in t for t in found)
    assert any(t.startswith("The full package is not clearly better or worse than no reform on any outcome checked "
                            "at 4 seeds x 5 years, so these runs cannot show whether cherry-picking reverses its "
                            "effects") for t in found)


def test_no_reversal_names_the_smallest_reversal_these_seeds_could_show():
    harm = {(): 100.0, ("a",): 95.0, ("b",): 96.0, ("a", "b"): 90.0}

    def value(name, families, seed, year):
        return harm[families] + 0.5 * _jitter(families, seed) if name == "children_harmed_per_year" else 1.0

    result = synthetic_workshop(value)
    partial = result["subsets"][1:-1]
    assert result["subsets"][-1]["difference"]["children_harmed_per_year"]["verdict"] == "better"
    assert all(s["difference"]["children_harmed_per_year"]["verdict"] == "better" for s in partial)
    # half-widths of the partial packages' 90% intervals, t(0.95, 3) = 2.353, t(0.80, 3) = 0.978
    halves = sorted((s["difference"]["children_harmed_per_year"]["p95"]
                     - s["difference"]["children_harmed_per_year"]["p05"]) / 2 for s in partial)
    size = (halves[0] + halves[1]) / 2 * (2.3534 + 0.9785) / 2.3534
    assert detectable(partial, "children_harmed_per_year", 4) == pytest.approx(size, rel=1e-3)
    [finding] = [t for t in texts(result) if t.startswith("No single family or partial package")]
    assert finding == ("No single family or partial package goes clearly the other way from the full package on "
                       "children significantly harmed. At 4 seeds a partial package's difference is likely to show as "
                       f"clear (80% of the time) only from about children significantly harmed {_number(size)}, so a "
                       "smaller reversal could go unseen.")


def test_with_one_seed_nothing_is_called_better_or_worse():
    def value(name, families, seed, year):
        return 2.0 if families == ("a", "b") else 1.0

    result = synthetic_workshop(value, seeds=1)
    assert texts(result)[0] == ("With 1 seed there are no intervals, so nothing below can be called better or "
                                "worse: run more seeds.")
    assert all(s["difference"][o]["verdict"] == "no interval" for s in result["subsets"][1:] for o in CHECKED)


def test_the_time_profile_shows_a_short_term_cost_for_a_long_term_gain():
    def value(name, families, seed, year):
        if name != "turnover_rate" and name != column("turnover_rate"):
            return 1.0
        step = (0.02 if year <= 2 else -0.05) if families == ("a", "b") else 0.0
        return 0.15 + step + 0.001 * seed

    result = synthetic_workshop(value)
    profile = result["time_profile"]
    assert profile["early_years"] == ["year 1", "year 2"] and profile["late_years"] == ["year 3", "year 4", "year 5"]
    assert not profile["overlap"]
    full = profile["subsets"][-1]["outcomes"]["turnover_rate"]
    assert full["early"]["mean"] == pytest.approx(0.02) and full["early"]["verdict"] == "worse"
    assert full["late"]["mean"] == pytest.approx(-0.05) and full["late"]["verdict"] == "better"
    [finding] = [f for f in result["findings"] if f["chart"] == "time-turnover_rate"]
    assert finding["text"].endswith("The full package: a short-term cost for a long-term gain.")


SMALL_PACKAGE = """
[scenario]
name = "small_package"
start_date = 2011-04-01
years = 5
warmup_years = 1
seeds = 2
root_seed = 5
parameters = "{calibrated}"

[constants]
children_0_19 = 12000

[[levers]]
reform = "R1"
strength = 0.0

[[levers]]
reform = "R10"
"""


def test_a_workshop_runs_end_to_end_on_a_small_authority(tmp_path):
    from abm.results import PROJECT_ROOT

    path = tmp_path / "small_package.toml"
    path.write_text(SMALL_PACKAGE.format(calibrated=PROJECT_ROOT / "scenarios" / "calibrated.toml"))
    ws = plan(load_scenario(path))
    assert ws.families == {"guidance": ("R1",), "early_help": ("R10",)}
    assert [s.scenario.name for s in ws.subsets] == ["no_reform", "guidance", "early_help", "guidance-early_help"]
    assert [[lever.reform for lever in s.scenario.levers] for s in ws.subsets] == [[], ["R1"], ["R10"], ["R1", "R10"]]
    done = []
    result = run_plan(ws, 2, workers=1, progress=lambda d, n: done.append((d, n)))
    assert done[-1] == (8, 8) and len(done) == 8
    json.loads(json.dumps(result))
    assert set(result) >= {"families", "subsets", "effects", "findings", "time_profile"}
    assert result["families"]["early_help"]["reforms"] == ["R10"]
    assert [s["reforms"] for s in result["subsets"]] == [[], ["R1"], ["R10"], ["R1", "R10"]]
    for s in result["subsets"]:
        assert set(s["outcomes"]) == set(NAMES)
        assert all(set(b) == {"median", "p05", "p95"} for b in s["outcomes"].values())
    assert len(result["effects"]) == 3 * len(NAMES)
    assert set(result["effects"][0]) >= {"term", "outcome", "estimate", "p05", "p95"}
    # R1 at strength 0 changes nothing, and common random numbers make that exact: no effect, no interaction.
    for e in result["effects"]:
        if "guidance" in e["term"] and e["estimate"] is not None:
            assert e["estimate"] == 0 and e["p05"] == 0 and e["p95"] == 0, e
    assert result["subsets"][1]["outcomes"] == result["subsets"][0]["outcomes"]
    page = write_report(tmp_path / "report", result)
    html = page.read_text()
    assert html.index("<h2>Findings</h2>") < html.index("<h2>How to read this</h2>")
    for chart in {f["chart"] for f in result["findings"]}:
        assert (tmp_path / "report" / f"{chart}.png").stat().st_size > 0 and f'src="{chart}.png"' in html


@pytest.mark.parametrize("case, message", [
    ("no_levers", "the package switches no reform on"),
    ("seeds", "--seeds: 0 is out of range: allowed 1 to 10,000"),
    ("bad_file", "scenario.years"),
])
def test_cli_refuses_bad_input_with_one_message(tmp_path, case, message):
    path = tmp_path / "package.toml"
    text = SMALL_PACKAGE.format(calibrated="nowhere.toml").replace('parameters = "nowhere.toml"\n', "")
    args = []
    if case == "no_levers":
        text = text.split("[[levers]]")[0]
    elif case == "seeds":
        args = ["--seeds", "0"]
    else:
        text = text.replace("years = 5", "years = 0")
    path.write_text(text)
    result = CliRunner().invoke(app, ["workshop", str(path), *args, "--report", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_a_package_of_more_than_six_families_is_refused():
    families = {f"f{i}": (f"R{i}",) for i in range(7)}
    with pytest.raises(WorkshopError, match="7 families; a workshop takes at most 6"):
        assemble("big", families, {f: f for f in families}, lambda combo: None)


def test_plan_keeps_each_reforms_arguments(tmp_path):
    from abm.results import PROJECT_ROOT

    path = tmp_path / "small_package.toml"
    path.write_text(SMALL_PACKAGE.format(calibrated=PROJECT_ROOT / "scenarios" / "calibrated.toml"))
    package = load_scenario(path)
    full = plan(package).subsets[-1].scenario
    assert full.levers == package.levers and isinstance(full.levers[0], Lever)
    assert full.levers[0].arguments == {"strength": 0.0}
    assert list(itertools.chain(*plan(package).families.values())) == ["R1", "R10"]
