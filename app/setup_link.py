"""A comparison's setup and the view on show as the query string of the page's address, and back.

`link_query(setup, view, workshop, step, point)` writes the baseline scenario, start year, years,
seeds, each scenario's name and its ticked reforms, and the view, e.g.
`view=compare&baseline=baseline&start=2015&years=1&seeds=2&name0=Baseline&name1=Reformed&reforms1=R1,R10`,
then, once the facilitator has set them, the Workshop's package, seeds and years
(`package=munro_full&wseeds=3&wyears=5`) and the step on show (`step=2`), and, when a calibration
posterior is offered, the parameters the runs use (`params=posterior` or `params=point`).
`read_link(query, files, fallback, views, packages, posterior)` reads such a string back into a
`LinkState`: what it gives, and one note for every value it could not use (the key, what was
given, what is allowed), each ignored; the rest of the setup is `fallback`'s or the baseline's own.
A link never runs anything (the reader presses Run), never names a file (the baseline is
one of `files` by scenario name) and is read through the same checks as the page's controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

from abm.posterior_draws import absence
from abm.reforms import REFORMS
from abm.scenario import Scenario, ScenarioError, load_scenario
from app.state import MAX_SCENARIOS, SEEDS, START_YEARS, YEARS, CompareSetup, ScenarioDraft, SetupError
from app.workshop_run import SEEDS as WORKSHOP_SEEDS
from app.workshop_run import WorkshopSetup

MAX_QUERY = 4000  # characters: a longer address is not one the app wrote
MAX_FIELDS = 40
SHOWN = 40  # characters of a given value echoed in a note
NUMBERS = {"start": START_YEARS, "years": YEARS, "seeds": SEEDS}
SETTING = {"start": "start_year", "years": "years", "seeds": "seeds"}
COMPARE_KEYS = ("baseline", *NUMBERS, *(f"name{i}" for i in range(MAX_SCENARIOS)),
                *(f"reforms{i}" for i in range(1, MAX_SCENARIOS)))
WORKSHOP_NUMBERS = {"wseeds": "seeds", "wyears": "years"}
MAX_STEP = 99
PARAMETERS = {"posterior": False, "point": True}  # the link's word -> Session.point
KEYS = ("view", *COMPARE_KEYS, "package", *WORKSHOP_NUMBERS, "step", "params")


@dataclass(frozen=True)
class LinkState:
    """What a link asks for: a Compare setup, a view, the Workshop's settings, the workshop step on show (counted
    from 1) and whether the runs use the single fit (`point`); None where the link gives none. Then the notes on
    the values it gave that were ignored."""

    setup: CompareSetup | None = None
    view: str | None = None
    notes: tuple[str, ...] = ()
    workshop: WorkshopSetup | None = None
    step: int | None = None
    point: bool | None = None


def link_query(setup: CompareSetup, view: str, workshop: WorkshopSetup | None = None, step: int | None = None,
               point: bool | None = None) -> str:
    """The query string (without '?') that reproduces `setup` on the view `view`, with the Workshop's settings
    `workshop` and its step `step` (from 1) if given, and the parameters (`point`: the single fit) if given."""
    fields = [("view", view), ("baseline", setup.base.name)]
    if setup.start_year is not None:
        fields.append(("start", setup.start_year))
    fields += [("years", setup.years), ("seeds", setup.seeds)]
    for index, draft in enumerate(setup.drafts):
        fields.append((f"name{index}", draft.name))
        if index:
            fields.append((f"reforms{index}", ",".join(draft.reforms)))
    if workshop is not None:
        fields += [("package", workshop.package), ("wseeds", workshop.seeds), ("wyears", workshop.years)]
    if step is not None:
        fields.append(("step", step))
    if point is not None:
        fields.append(("params", "point" if point else "posterior"))
    return urlencode(fields, quote_via=quote, safe=",")


def _shown(value: str) -> str:
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "...")


def read_link(query: str | None, files: dict[str, Path], fallback: CompareSetup, views: tuple[str, ...],
              packages: dict[str, Scenario] | None = None, posterior: bool = False) -> LinkState:
    """The setup and view (one of `views`), the Workshop's settings (a package of `packages`), its step and the
    parameters (the posterior only if there is one, `posterior`) `query` asks for; every value that cannot be used is
    ignored with a note."""
    query = (query or "").lstrip("?")
    if not query:
        return LinkState()
    if len(query) > MAX_QUERY:
        return LinkState(notes=(f"The link is {len(query):,} characters long; a link to a comparison is at most "
                                f"{MAX_QUERY:,}: it was ignored.",))
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return LinkState(notes=(f"The link has more than {MAX_FIELDS} values: it was ignored.",))
    given: dict[str, str] = {}
    notes: list[str] = []
    for key, value in pairs:
        if key not in KEYS:
            notes.append(f"{_shown(key)} is not a setting a link can give: it was ignored (settings: "
                         f"{', '.join(KEYS)}).")
        elif key in given:
            notes.append(f"{key}: given twice; the first, {_shown(given[key])}, was used.")
        else:
            given[key] = value
    view = given.get("view")
    if view is not None and view not in views:
        notes.append(f"view: {_shown(view)} is not a view: it was ignored (allowed: {', '.join(views)}).")
        view = None
    setup = _baseline(given, files, fallback, notes)
    setup = _numbers(given, setup, notes)
    setup = _scenarios(given, setup, notes)
    touched = any(key in COMPARE_KEYS for key in given)
    workshop = _workshop(given, packages or {}, notes)
    step, point = _step(given, notes), _point(given, posterior, notes)
    return LinkState(setup if touched else None, view, tuple(notes), workshop, step, point)


def _workshop(given: dict, packages: dict[str, Scenario], notes: list[str]) -> WorkshopSetup | None:
    """The link's Workshop settings: its package (else the first), seeds and years, each checked as the Workshop's
    sliders allow; None when it gives none."""
    if not packages or not any(key in given for key in ("package", *WORKSHOP_NUMBERS)):
        return None
    name = given.get("package")
    if name is not None and name not in packages:
        notes.append(f"package: {_shown(name)} is not a reform package offered here: it was ignored (allowed: "
                     f"{', '.join(packages)}).")
        name = None
    package = packages[name or next(iter(packages))]
    setup = WorkshopSetup.of(package)
    for key, field in WORKSHOP_NUMBERS.items():
        value = given.get(key)
        if value is None:
            continue
        low, high = WORKSHOP_SEEDS if field == "seeds" else (1, max(package.years, 1))
        if re.fullmatch(r"[0-9]{1,4}", value) and low <= int(value) <= high:
            setup = replace(setup, **{field: int(value)})
        else:
            notes.append(f"{key}: {_shown(value)} was ignored: allowed whole numbers {low} to {high} "
                         f"(the Workshop's {field} for {package.name}).")
    return setup


def _step(given: dict, notes: list[str]) -> int | None:
    value = given.get("step")
    if value is None:
        return None
    if re.fullmatch(r"[0-9]{1,2}", value) and 1 <= int(value) <= MAX_STEP:
        return int(value)
    notes.append(f"step: {_shown(value)} was ignored: allowed whole numbers 1 to {MAX_STEP}.")
    return None


def _point(given: dict, posterior: bool, notes: list[str]) -> bool | None:
    value = given.get("params")
    if value is None:
        return None
    if value not in PARAMETERS:
        notes.append(f"params: {_shown(value)} was ignored (allowed: {', '.join(PARAMETERS)}).")
        return None
    if not PARAMETERS[value] and not posterior:
        notes.append(f"params: 'posterior' was ignored: {absence()}, so the runs use the single calibrated fit.")
        return None
    return PARAMETERS[value]


def _baseline(given: dict, files: dict[str, Path], fallback: CompareSetup, notes: list[str]) -> CompareSetup:
    name = given.get("baseline")
    if name is None or name == fallback.base.name:
        return fallback
    if name in files:
        try:
            return CompareSetup.from_scenario(load_scenario(files[name]))
        except ScenarioError:
            pass
    notes.append(f"baseline: {_shown(name)} is not a scenario offered here: {fallback.base.name} was used "
                 f"(allowed: {', '.join(files)}).")
    return fallback


def _numbers(given: dict, setup: CompareSetup, notes: list[str]) -> CompareSetup:
    for key, (low, high) in NUMBERS.items():
        value = given.get(key)
        if value is None:
            continue
        if key == "start" and setup.start_year is None:
            why = (f"starts where its history leaves off, on {setup.base.start_date}" if setup.base.branch_from
                   else "has no start date")
            notes.append(f"start: {_shown(value)} was ignored: the baseline {setup.base.name} {why}.")
            continue
        try:
            if not re.fullmatch(r"[0-9]{1,4}", value):
                raise SetupError(value)
            setup = setup.with_settings(**{SETTING[key]: int(value)})
        except SetupError:
            notes.append(f"{key}: {_shown(value)} was ignored: allowed whole numbers {low} to {high}.")
    return setup


def _scenarios(given: dict, setup: CompareSetup, notes: list[str]) -> CompareSetup:
    """The link's scenarios: name0 renames the baseline; scenario i (1 to 3) is there when name{i} or reforms{i}
    is, in order, each renamed and with its reforms ticked as far as the page's own checks allow."""
    later = [i for i in range(1, MAX_SCENARIOS) if f"name{i}" in given or f"reforms{i}" in given]
    if later:
        setup = replace(setup, drafts=setup.drafts[:1])
    setup = _renamed(setup, 0, given.get("name0"), "name0", notes)
    for i in later:
        index = len(setup.drafts)
        setup = replace(setup, drafts=(*setup.drafts, ScenarioDraft(_free_name(setup, index))))
        setup = _renamed(setup, index, given.get(f"name{i}"), f"name{i}", notes)
        setup = _ticked(setup, index, given.get(f"reforms{i}", ""), f"reforms{i}", notes)
    return setup


def _free_name(setup: CompareSetup, index: int) -> str:
    taken = {d.name.lower() for d in setup.drafts}
    return next(name for n in range(index + 1, index + 2 + MAX_SCENARIOS)
                if (name := f"Scenario {n}").lower() not in taken)


def _renamed(setup: CompareSetup, index: int, name: str | None, key: str, notes: list[str]) -> CompareSetup:
    if name is None or name == setup.drafts[index].name:
        return setup
    try:
        return setup.renamed(index, name)
    except SetupError:
        notes.append(f"{key}: {_shown(name)} was ignored: a scenario name is 1-64 letters, digits, spaces, '.', '_' "
                     f"or '-', starting with a letter or digit, and not another scenario's name; "
                     f"'{setup.drafts[index].name}' was used.")
        return setup


def _ticked(setup: CompareSetup, index: int, reforms: str, key: str, notes: list[str]) -> CompareSetup:
    for reform in filter(None, reforms.split(",")):
        if reform in REFORMS:
            setup = setup.with_reform(index, reform, True)
        else:
            notes.append(f"{key}: {_shown(reform)} is not a reform: it was ignored (allowed: {', '.join(REFORMS)}).")
    return setup
