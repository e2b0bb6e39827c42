"""Why the results on show no longer match the setup that Run would run: `changes(ran, now)` lists, in
plain words, every difference between the setup a comparison was run with and the setup now, the
parameters the runs use included (none: the results are up to date)."""

from __future__ import annotations

from app.state import CompareSetup, ScenarioDraft


PARAMETERS = {False: "the calibration posterior", True: "the single calibrated fit"}


def changes(ran: CompareSetup, now: CompareSetup, point_ran: bool = False, point_now: bool = False) -> list[str]:
    """What differs between the setup that was run (`ran`, on the single fit if `point_ran`) and the setup now (on
    the single fit if `point_now`), one phrase each."""
    found = []
    if ran.base != now.base:
        found.append(f"the baseline scenario is now {now.base.name} (was {ran.base.name})")
    for label, before, after in (("start year", ran.start_year, now.start_year), ("years", ran.years, now.years),
                                 ("seeds", ran.seeds, now.seeds)):
        if before != after:
            found.append(f"{label} {after} (was {before})")
    found += _scenario_changes(ran.drafts, now.drafts)
    if point_ran != point_now:
        found.append(f"parameters: {PARAMETERS[point_now]} (was {PARAMETERS[point_ran]})")
    return found


def _scenario_changes(ran: tuple[ScenarioDraft, ...], now: tuple[ScenarioDraft, ...]) -> list[str]:
    found = []
    for index in range(max(len(ran), len(now))):
        before = ran[index] if index < len(ran) else None
        after = now[index] if index < len(now) else None
        if after is None:
            found.append(f"scenario {before.name} removed")
        elif before is None:
            found.append(f"scenario {after.name} added")
        else:
            if before.name != after.name:
                found.append(f"{before.name} renamed {after.name}")
            on = [r for r in after.reforms if r not in before.reforms]
            off = [r for r in before.reforms if r not in after.reforms]
            if on:
                found.append(f"{', '.join(on)} ticked in {after.name}")
            if off:
                found.append(f"{', '.join(off)} unticked in {after.name}")
    return found
