// What a screen reader and a keyboard need, checked over the page as it is now (tests/app/conftest.py):
// the page's language, its h1s, the controls without an accessible name (aria-label, aria-labelledby,
// a <label>, or a title), the images without alt text, and whether the page is wider than the window.
() => {
  const name = (el) => {
    const own = (el.getAttribute("aria-label") || "").trim();
    if (own) return own;
    const by = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
    if (by) return by;
    const labels = [...(el.labels || [])].map((label) => label.textContent).join(" ").trim();
    return labels || (el.getAttribute("title") || "").trim();
  };
  const controls = [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, [role=slider], [role=checkbox], [role=switch]")];
  return {
    lang: document.documentElement.lang,
    h1: [...document.querySelectorAll("h1")].map((h) => h.textContent.trim()),
    controls: controls.length,
    unlabelled: controls.filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 160)),
    images: document.querySelectorAll("img").length,
    images_without_alt: [...document.querySelectorAll("img")]
      .filter((img) => !(img.getAttribute("alt") || "").trim()).map((img) => img.outerHTML.slice(0, 80)),
    overflow: document.documentElement.scrollWidth > window.innerWidth,
  };
}
