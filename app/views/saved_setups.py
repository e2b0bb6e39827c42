"""Keep this setup: the link to it (app.views.address.ShareLink; it cannot carry an uploaded baseline, and
says so) and the setups saved under a name in the session (app.saved_setups), each loaded back onto Compare
with one button."""

from __future__ import annotations

import solara

from app.saved_setups import saved_with
from app.session import use_session
from app.setup_link import link_query
from app.state import SetupError, posterior_file
from app.views.address import ShareLink

LINK_LABEL = "Link to this setup (bookmark or send it; it opens this setup, not its results)"


@solara.component
def KeepSetup(files: dict, disabled: bool):
    session = use_session()
    name = solara.use_reactive("")
    chosen = solara.use_reactive(None)
    message = solara.use_reactive(None)
    saved = session.saved.value

    def save() -> None:
        try:
            session.saved.set(saved_with(saved, name.value, session.setup.value))
        except SetupError as e:
            message.set(str(e))
            return
        kept = " ".join(name.value.split())
        message.set(f"Saved as '{kept}' for this session.")
        chosen.set(kept)

    def load() -> None:
        if chosen.value in saved:
            session.setup.set(saved[chosen.value])
            message.set(f"Loaded '{chosen.value}'.")

    with solara.Card("Keep this setup", classes=["cpsim-keep-setup"]):
        point = session.point.value if posterior_file() is not None else None  # the parameters, when there is a choice
        ShareLink(query=link_query(session.setup.value, "compare", point=point), label=LINK_LABEL)
        if session.setup.value.base.name not in files:
            solara.Text("The baseline is an uploaded file: a link cannot carry it, so the link opens with the app's "
                        "default baseline instead (save the scenario file from Keep and share to send it).",
                        classes=["cpsim-link-upload"], style={"font-size": "0.85em"})
        with solara.Row(style={"align-items": "center"}, gap="6px"):
            solara.InputText("Name to save it under", value=name, continuous_update=True, classes=["cpsim-save-name"])
            solara.Button("Save", on_click=save, disabled=not name.value.strip(), classes=["cpsim-save-setup"])
        if saved:
            with solara.Row(style={"align-items": "center"}, gap="6px"):
                solara.Select("Saved setups", values=list(saved), value=chosen, classes=["cpsim-saved-setups"])
                solara.Button("Load", on_click=load, disabled=disabled or chosen.value not in saved,
                              classes=["cpsim-load-setup"])
        if message.value:
            solara.Text(message.value, classes=["cpsim-keep-message"], style={"font-size": "0.9em"})
