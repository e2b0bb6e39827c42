// What a screen reader and a keyboard need, checked over the page as it is now (tests/app/conftest.py):
// the page's language, its h1s, the controls without an accessible name (aria-label, aria-labelledby,
// a <label>, or a title), the images without alt text, whether the page is wider than the window, and
// pieces of visible text that overlap one another (each text's own boxes, from a Range over its text node,
// so a wide block does not count as text; boxes overlapping by more than 2 px both ways; a focused slider's
// value bubble and tooltips float over the page on purpose and are left out).
() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest(".v-slider__thumb-label, [role=tooltip]")) continue;
    const style = getComputedStyle(node.parentElement);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) boxes.push({node, r});
    }
  }
  const overlapping = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const across = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const down = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (across > 2 && down > 2) {
        overlapping.push(`"${a.node.textContent.trim().slice(0, 40)}" / "${b.node.textContent.trim().slice(0, 40)}"`);
      }
    }
  }
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
    overlapping: [...new Set(overlapping)].slice(0, 20),
  };
}
