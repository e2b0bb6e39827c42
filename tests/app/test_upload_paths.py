"""The app's upload opens no file of the server on a scenario's say-so, and tells nothing about other files.

An uploaded scenario may name in `[scenario] parameters` only a parameter file that ships with
cpsim, by its bare name (`app.state.SHIPPED_PARAMETER_FILES`); anything else (an absolute path,
a path out of the folder, a name not on the list, not text) is refused with the same message,
which echoes neither the value nor anything of a file it names, and is the same whether or not
such a file exists.
"""

from __future__ import annotations

import pytest

from abm.scenario import ScenarioError
from app.state import SHIPPED_PARAMETER_FILES, load_upload

HEADER = b'[scenario]\nyears = 1\nwarmup_years = 1\nseeds = 1\nroot_seed = 1\nparameters = %s\n'
REFUSAL = ("mine.toml: scenario.parameters: an uploaded scenario may name only a parameter file that ships "
           "with cpsim, by its bare name: calibrated.toml")


@pytest.fixture
def secret(tmp_path):
    """A file of the server, as TOML whose section names, keys and values must never be shown."""
    path = tmp_path / "secret.toml"
    path.write_text('[constants]\nsecret_section_key = "secret value 4711"\n')
    return path


@pytest.mark.parametrize("named", ["/etc/shadow", "../../x", "../../../../etc/passwd", "SECRET", "SECRET_RELATIVE",
                                   "no_such_file.toml", "./calibrated.toml", "../calibrated.toml", "calibrated.toml/.",
                                   "", 3, ["calibrated.toml"]],
                         ids=["etc-shadow", "dotdot", "deep-dotdot", "absolute-secret", "relative-secret", "not-listed",
                              "dot-slash", "parent", "trailing-dot", "empty", "number", "list"])
def test_a_parameter_file_outside_the_shipped_list_is_refused_without_echo(scenario_folder, secret, named):
    value = {"SECRET": str(secret), "SECRET_RELATIVE": f"../{secret.parent.name}/{secret.name}"}.get(str(named), named)
    shown = repr(value).replace("'", '"').encode()
    with pytest.raises(ScenarioError) as refused:
        load_upload(HEADER % shown, "mine.toml", scenario_folder)
    message = str(refused.value)
    assert message == REFUSAL
    assert "secret" not in message.lower() and "4711" not in message


def test_the_shipped_parameter_file_is_used(scenario_folder):
    assert SHIPPED_PARAMETER_FILES == ("calibrated.toml",)
    uploaded = load_upload(HEADER % b'"calibrated.toml"', "mine.toml", scenario_folder)
    assert uploaded.parameters == "calibrated.toml" and uploaded.constants


def test_a_shipped_name_missing_from_the_folder_is_refused_without_a_path(tmp_path):
    with pytest.raises(ScenarioError) as refused:
        load_upload(HEADER % b'"calibrated.toml"', "mine.toml", tmp_path)
    assert str(refused.value) == "mine.toml: scenario.parameters: calibrated.toml is not installed with this app"
