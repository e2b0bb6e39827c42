"""The causal links of MODEL.md section 4 (Munro 2010, Appendix 2), one test each.

Each test moves the cause between two settings (a parameter that drives it, or its state
set on a built model), with the same seeds and everything else fixed, and measures the
effect in the running model. `assert_moves` then asks that the effect moves the stated
way beyond chance: over `SEEDS` paired runs, the mean of the paired differences must lie
more than 2 standard errors from zero in the stated direction (a one-sided paired t-type
check). Links with two effects get one test per effect.

To stay fast, runs are of a smaller authority (`SMALL`: 20,000 children; posts scale with
the population by themselves, and the court's, front door's and early help's absolute
capacities are scaled here by the same factor), with 2 warm-up years and 2 years
measured. Effects are means over the measured weeks (ratios as ratios of sums, through
abm.outcomes.yearly). Runs are cached, so tests sharing a setting share its runs.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from abm.model import ChildProtectionModel
from abm.outcomes import yearly
from abm.parameters import PARAMETERS
from abm.parameters.referrers import KINDS
from abm.run import run, scenario_params
from abm.scenario import Event, load_scenario
from abm.seeds import replicate_seeds

BASELINE = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml")
SEEDS = replicate_seeds(BASELINE.root_seed, 6)
WARMUP_YEARS, YEARS = 2, 2

SMALL = {"children_0_19": 20000}  # capacities are per 10,000 children, so they scale with it


def assert_moves(low_values, high_values, direction: str, label: str = "effect") -> float:
    """Assert that the effect moves `direction` ("up" or "down") from the low to the high setting of the cause.

    `low_values[i]` and `high_values[i]` come from the same seed. The paired differences'
    mean must exceed 2 standard errors in the stated direction; a difference with no spread
    at all (a deterministic effect) passes if it has the stated sign. Returns mean/SE.
    """
    low, high = np.asarray(low_values, dtype=float), np.asarray(high_values, dtype=float)
    assert low.shape == high.shape and low.ndim == 1 and len(low) >= 2, "need paired values from 2+ seeds"
    assert np.isfinite(low).all() and np.isfinite(high).all(), f"{label}: not finite: low {low}, high {high}"
    sign = {"up": 1.0, "down": -1.0}[direction]
    diff = high - low
    mean, se = diff.mean(), diff.std(ddof=1) / np.sqrt(len(diff))
    se = 0.0 if se <= 1e-12 * abs(mean) else se  # rounding noise on a deterministic difference
    ratio = mean / se if se > 0 else (np.inf * np.sign(mean) if mean else 0.0)
    message = (f"{label}: expected {direction}; mean at low cause {low.mean():.4g}, at high cause {high.mean():.4g}; "
               f"paired difference {mean:.4g} +- {se:.3g} (SE), mean/SE = {ratio:.2f}, "
               f"needs {'>' if sign > 0 else '<'} {2 * sign:+.0f}; differences {np.round(diff, 4).tolist()}")
    print(message)
    assert sign * ratio > 2, message
    return ratio


def _key(overrides: dict) -> tuple:
    return tuple(sorted(overrides.items()))


@functools.lru_cache(maxsize=None)
def _outcomes(key: tuple, seed: int, years: int, small: bool, events: tuple):
    constants = {**(SMALL if small else {}), **dict(key)}
    scenario = BASELINE.model_copy(update={"constants": constants, "warmup_years": WARMUP_YEARS,
                                           "years": years, "events": events})
    return yearly(run(scenario, seed), ["seed"]).iloc[0]


def measure(overrides: dict, outcome: str, *, years: int = YEARS, small: bool = True, events: tuple = ()):
    """The outcome over the measured weeks, one value per seed, for the baseline with `overrides`."""
    return np.array([_outcomes(_key(overrides), seed, years, small, events)[outcome] for seed in SEEDS])


def moves(low: dict, high: dict, outcome: str, direction: str, *, events_high: tuple = (), **kwargs) -> float:
    """Assert that `outcome` moves `direction` from the `low` to the `high` setting (plus any `events_high`)."""
    label = f"{outcome} ({low} -> {high}{' with events' if events_high else ''})"
    high_values = measure(high, outcome, events=events_high, **kwargs)
    return assert_moves(measure(low, outcome, **kwargs), high_values, direction, label)


def built(overrides: dict, seed: int, weeks: int) -> ChildProtectionModel:
    """A model of the small authority with `overrides`, stepped `weeks` weeks."""
    scenario = BASELINE.model_copy(update={"constants": {**SMALL, **overrides}})
    model = ChildProtectionModel(scenario_params(scenario, seed), seed)
    for _ in range(weeks):
        model.step()
    return model


# Scope for judgment moved with enforcement fixed: how much judgment full enforcement takes away.
WIDE_SCOPE = {"judgment_enforcement_weight": 0.2, "learning_culture": 0.2}
NARROW_SCOPE = {"judgment_enforcement_weight": 0.9, "learning_culture": 0.2}


def test_link_perceived_effectiveness_to_target_prescription():
    """perceived effectiveness of prescriptive approach -> target level of procedural prescription (S)"""
    low, high = {"perceived_effectiveness_initial": 0.3}, {"perceived_effectiveness_initial": 0.95}
    moves(low, high, "perceived_effectiveness_of_prescription", "up")
    moves(low, high, "prescription_level", "up")


def test_link_target_prescription_to_compliance_enforcement():
    """target level of prescription -> compliance enforcement (S)"""
    low = {"prescription_initial": 0.3, "perceived_effectiveness_initial": 0.3}
    high = {"prescription_initial": 0.9, "perceived_effectiveness_initial": 0.9}
    moves(low, high, "prescription_level", "up")
    moves(low, high, "compliance_enforcement", "up")


def test_link_compliance_enforcement_to_scope_for_judgment():
    """compliance enforcement -> scope for judgment (O)"""
    low, high = {"enforcement_inspection_weight": 0.0}, {"enforcement_inspection_weight": 0.6}
    moves(low, high, "compliance_enforcement", "up")
    moves(low, high, "scope_for_judgment", "down")


def test_link_scope_for_judgment_to_compliance_with_prescriptions():
    """scope for judgment -> compliance with prescriptions (O)

    Compliance as the authority's state and as workers' behaviour: fewer assessments closed
    at their due date, so fewer are completed in timescale.
    """
    moves(NARROW_SCOPE, WIDE_SCOPE, "scope_for_judgment", "up")
    moves(NARROW_SCOPE, WIDE_SCOPE, "compliance_with_prescriptions", "down")
    moves(NARROW_SCOPE, WIDE_SCOPE, "assessment_in_timescale_rate", "down")


def test_link_scope_for_judgment_to_quality_of_help():
    """scope for judgment -> quality of help (given variety of circumstances) (S)

    And "given variety": the gain in quality from wider scope is larger when more children's
    circumstances depart from the standard menu than when none do.
    """
    moves(NARROW_SCOPE, WIDE_SCOPE, "help_quality_mean", "up")
    standard = {"nonstandard_need_share": 0.0}
    varied = {"nonstandard_need_share": 0.8}
    gain_standard = (measure({**WIDE_SCOPE, **standard}, "help_quality_mean")
                     - measure({**NARROW_SCOPE, **standard}, "help_quality_mean"))
    gain_varied = (measure({**WIDE_SCOPE, **varied}, "help_quality_mean")
                   - measure({**NARROW_SCOPE, **varied}, "help_quality_mean"))
    assert_moves(gain_standard, gain_varied, "up", "gain in help_quality_mean from scope, no variety -> variety 0.8")


def test_link_variety_of_circumstances_to_quality_of_help():
    """variety of circumstances -> quality of help (O)"""
    moves({"nonstandard_need_share": 0.1}, {"nonstandard_need_share": 0.8}, "help_quality_mean", "down")


def test_link_scope_for_judgment_to_satisfaction_from_work():
    """scope for judgment -> satisfaction from work (S)"""
    moves(NARROW_SCOPE, WIDE_SCOPE, "satisfaction_mean", "up")


def test_link_satisfaction_to_staff_turnover():
    """satisfaction -> staff turnover (O)"""
    low, high = {"satisfaction_intercept": -2.5}, {"satisfaction_intercept": 0.5}
    moves(low, high, "satisfaction_mean", "up")
    moves(low, high, "turnover_rate", "down")


def test_link_staff_turnover_to_average_experience():
    """staff turnover -> average experience (O)"""
    low, high = {"turnover_base_rate_per_year": 0.05}, {"turnover_base_rate_per_year": 0.25}
    moves(low, high, "turnover_rate", "up", years=3)
    moves(low, high, "experience_years_mean", "down", years=3)


def test_link_average_experience_to_public_status_of_profession():
    """average experience -> public status of profession (S)"""
    low, high = {"experience_years_mean_initial": 3.0}, {"experience_years_mean_initial": 10.0}
    moves(low, high, "experience_years_mean", "up")
    moves(low, high, "profession_status", "up")


# Quality of help moved by the worker's side of it. Harm to known children is rare, so this link
# is measured in an authority of the default size over 4 years.
POOR_HELP = {"help_quality_unskilled": 0.1, "evidence_based_method_effect": 0.0}
GOOD_HELP = {"help_quality_unskilled": 0.9, "evidence_based_method_effect": 0.5}


def test_link_quality_of_help_to_errors_harm():
    """quality of help -> errors (harm, missed cases) (O): harm to children known to children's social care"""
    moves(POOR_HELP, GOOD_HELP, "help_quality_mean", "up", years=4, small=False)
    moves(POOR_HELP, GOOD_HELP, "children_harmed_known_per_year", "down", years=4, small=False)


NO_NATIONAL_LEARNING = {"national_learning": 0.0}


def test_link_errors_to_reflection_with_learning_culture():
    """errors -> reflection on success of prescription (only with a learning culture) (S): learning culture"""
    low = {**NO_NATIONAL_LEARNING, "learning_culture": 1.0, "serious_harm_share": 0.01}
    high = {**NO_NATIONAL_LEARNING, "learning_culture": 1.0, "serious_harm_share": 0.3}
    moves(low, high, "serious_incidents_per_year", "up")
    moves(low, high, "reflection", "up")


def test_link_errors_to_reflection_not_in_blame_culture():
    """errors -> reflection on success of prescription (only with a learning culture) (S): blame culture"""
    low = {**NO_NATIONAL_LEARNING, "learning_culture": 0.0, "serious_harm_share": 0.01}
    high = {**NO_NATIONAL_LEARNING, "learning_culture": 0.0, "serious_harm_share": 0.3}
    moves(low, high, "serious_incidents_per_year", "up")
    assert (measure(low, "reflection") == 0).all() and (measure(high, "reflection") == 0).all()


def test_link_reflection_to_perceived_effectiveness():
    """reflection -> perceived effectiveness of prescription (O)"""
    common = {**NO_NATIONAL_LEARNING, "learning_culture": 1.0, "serious_harm_share": 0.1}
    low, high = {**common, "reflection_per_review": 0.0}, {**common, "reflection_per_review": 2.0}
    moves(low, high, "reflection", "up")
    moves(low, high, "perceived_effectiveness_of_prescription", "down")


def test_link_compliance_to_ability_to_acknowledge_errors():
    """compliance with prescriptions -> ability to acknowledge errors (blame defence) (O)"""
    moves(WIDE_SCOPE, NARROW_SCOPE, "compliance_with_prescriptions", "up")
    moves(WIDE_SCOPE, NARROW_SCOPE, "ability_to_acknowledge_errors", "down")


CALM = {"anxiety_initial": 0.0, "anxiety_half_life_weeks": 520.0}
ANXIOUS = {"anxiety_initial": 1.5, "anxiety_half_life_weeks": 520.0}
# Each effect of anxiety measured in the running model with the other one switched off.
ONLY_REFERRERS = {"intervention_anxiety_sensitivity": 0.0}
ONLY_AUTHORITY = {"referrer_anxiety_sensitivity": 0.0}


def _effective_referrer_threshold(model) -> float:
    """The referrers' mean threshold for a contact (log-hazard) after their anxiety, as Referrers.step uses it."""
    p = model.p
    return float(np.mean([r.threshold - p.referrer_anxiety_sensitivity * r.anxiety for r in model.referrers.agencies]))


def test_link_public_anxiety_to_referrer_thresholds():
    """public anxiety -> referrer thresholds, intervention thresholds (O): referrer thresholds

    The referrers' effective thresholds read from built models after half a year, and the
    flood of contacts and referrals they make in the running model (with the authority's
    thresholds held still).
    """
    calm = [_effective_referrer_threshold(built(CALM, seed, 26)) for seed in SEEDS]
    anxious = [_effective_referrer_threshold(built(ANXIOUS, seed, 26)) for seed in SEEDS]
    assert_moves(calm, anxious, "down", "referrers' effective threshold (log-hazard)")
    low, high = {**CALM, **ONLY_REFERRERS}, {**ANXIOUS, **ONLY_REFERRERS}
    moves(low, high, "public_anxiety", "up")
    moves(low, high, "contacts_per_year", "up")
    moves(low, high, "referrals_per_year", "up")


PUBLICITY = (Event(kind="national_publicity", week=0, anxiety_jump=1.5),)


def test_link_public_anxiety_to_referrer_thresholds_after_publicity_event():
    """public anxiety -> referrer thresholds, intervention thresholds (O): the referral flood after an [[events]] jump"""
    moves({}, {}, "public_anxiety", "up", events_high=PUBLICITY)
    moves({}, {}, "contacts_per_year", "up", events_high=PUBLICITY)
    moves({}, {}, "referrals_per_year", "up", events_high=PUBLICITY)


def test_link_public_anxiety_to_intervention_thresholds():
    """public anxiety -> referrer thresholds, intervention thresholds (O): intervention thresholds

    The authority's child-in-need threshold less Assessment.shift(), read from built models,
    and in the running model (with the referrers' thresholds held still) the Taylor-Russell
    trade-off lower thresholds make: more contacts become referrals, fewer children truly at
    risk are turned away, and more of the interventions are on children not at risk.
    """
    thresholds = {}
    for name, setting in (("calm", CALM), ("anxious", ANXIOUS)):
        models = [built(setting, seed, 26) for seed in SEEDS]
        thresholds[name] = [m.assessment.cin_threshold - m.assessment.shift() for m in models]
    assert_moves(thresholds["calm"], thresholds["anxious"], "down", "child-in-need plan threshold less shift (log-hazard)")
    low, high = {**CALM, **ONLY_AUTHORITY}, {**ANXIOUS, **ONLY_AUTHORITY}
    moves(low, high, "public_anxiety", "up")
    moves(low, high, "contact_to_referral_rate", "up")
    moves(low, high, "false_negative_rate", "down")
    moves(low, high, "false_positive_rate", "up")


def test_link_public_anxiety_to_closing_and_court_going():
    """public anxiety -> intervention thresholds (O): the threshold to close a plan and the readiness to go to court

    Under the same anxiety, a stronger response of the close threshold keeps more children in
    need open, and a stronger response of the decision to apply makes more care applications.
    """
    anxious = {**ANXIOUS, **ONLY_AUTHORITY}
    moves({**anxious, "closure_anxiety_sensitivity": 0.0}, {**anxious, "closure_anxiety_sensitivity": 2.0},
          "children_in_need_stock", "up")
    moves({**anxious, "care_application_anxiety_sensitivity": 0.0},
          {**anxious, "care_application_anxiety_sensitivity": 2.0}, "care_applications_per_year", "up")


def test_link_referrals_to_caseload():
    """referrals -> caseload (S)"""
    low = {f"{kind}_threshold_annual_risk": 0.08 for kind in KINDS}
    high = {f"{kind}_threshold_annual_risk": 0.03 for kind in KINDS}
    moves(low, high, "referrals_per_year", "up")
    moves(low, high, "caseload_mean", "up")


FUNDED = {"social_worker_posts_per_10k_children": 21.0}
UNDERFUNDED = {"social_worker_posts_per_10k_children": 8.0}


def test_link_caseload_to_direct_time_per_child():
    """caseload -> direct time per child, satisfaction (O): direct time per child"""
    moves(FUNDED, UNDERFUNDED, "caseload_mean", "up")
    moves(FUNDED, UNDERFUNDED, "direct_hours_per_case_week", "down")


def test_link_caseload_to_satisfaction():
    """caseload -> direct time per child, satisfaction (O): satisfaction"""
    moves(FUNDED, UNDERFUNDED, "caseload_mean", "up")
    moves(FUNDED, UNDERFUNDED, "satisfaction_mean", "down")


FEW_APPLICATIONS, MANY_APPLICATIONS = {"care_application_share": 0.2}, {"care_application_share": 0.5}


def test_link_care_applications_to_court_backlog():
    """care applications -> court backlog, proceedings duration (S): court backlog"""
    moves(FEW_APPLICATIONS, MANY_APPLICATIONS, "care_applications_per_year", "up")
    moves(FEW_APPLICATIONS, MANY_APPLICATIONS, "court_backlog_cases", "up")


def test_link_care_applications_to_proceedings_duration():
    """care applications -> court backlog, proceedings duration (S): proceedings duration"""
    moves(FEW_APPLICATIONS, MANY_APPLICATIONS, "care_applications_per_year", "up")
    moves(FEW_APPLICATIONS, MANY_APPLICATIONS, "court_duration_weeks_mean", "up")
