"""What makes every view usable with a keyboard and a screen reader: the page's language, a visible
focus outline, labels that screen readers read but the eye does not need (the reform table's
checkboxes), sliders labelled above their track, and chart images that fit their column (Compare's
fill it).

`PageLanguage` sets `lang="en"` on the page once it is mounted (Solara's page template has no
`lang`); `ACCESSIBILITY_CSS` is the page-wide style. Solara's "runs on Solara" banner is
switched off by the server (`SOLARA_THEME_SHOW_BANNER=false`, app/server.py).
"""

from __future__ import annotations

import solara

ACCESSIBILITY_CSS = """
.cpsim-root a:focus-visible, .cpsim-root button:focus-visible, .cpsim-root [role=slider]:focus,
.cpsim-root [role=tab]:focus-visible, .cpsim-root input:focus-visible,
.cpsim-root .v-input--selection-controls__input:focus-within {
    outline: 3px solid #1d70b8 !important; outline-offset: 2px;
}
.cpsim-root .cpsim-toggle .v-label {
    position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}
.cpsim-root .v-input__slider .v-input__slot { flex-direction: column; align-items: stretch; }
.cpsim-root .v-input__slider .v-label { margin: 0 0 6px 0 !important; white-space: normal; }
.cpsim-root .v-input__slider { margin-top: 14px; }
.cpsim-chart { max-width: 100%; height: auto; }
.cpsim-compare-charts .cpsim-chart { width: 100%; }
.cpsim-root h1 { font-size: 1.9rem; font-weight: 500; line-height: 1.25; margin: 4px 0 12px 0; }
"""


@solara.component_vue("page_language.vue")
def PageLanguage(lang: str = "en"):
    pass
