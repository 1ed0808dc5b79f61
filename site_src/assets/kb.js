// The header's search box leads to the search page (search.html?q=…), where Pagefind answers.
function kbHeaderSearch() {
  const header = document.querySelector(".md-header__inner");
  if (!header || header.querySelector(".kb-header-search")) return;
  const config = JSON.parse(document.getElementById("__config").textContent);
  const form = document.createElement("form");
  form.className = "kb-header-search";
  form.setAttribute("role", "search");
  form.action = new URL("search.html", new URL(config.base + "/", location.href)).href;
  const input = document.createElement("input");
  Object.assign(input, { type: "search", name: "q", placeholder: "Search" });
  input.setAttribute("aria-label", "Search the knowledge base");
  form.append(input);
  header.append(form);
}
if (typeof document$ !== "undefined") document$.subscribe(kbHeaderSearch);
else document.addEventListener("DOMContentLoaded", kbHeaderSearch);

// Citation markers: hovering or focusing one shows its citation text; the link itself leads to the
// list of sources at the foot of the page. A touch screen has no hover: the first tap on a marker
// shows its citation in place, a second tap on the same marker follows the link.
function kbCitationTips() {
  if (document.getElementById("kb-tip")) return;
  const tip = document.createElement("div");
  tip.id = "kb-tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  let shown = null;  // the marker whose citation the tip shows
  function show(event) {
    const link = event.target.closest(".kb-cite a[data-tip]");
    if (!link) return;
    tip.textContent = link.dataset.tip;
    tip.hidden = false;
    shown = link;
    link.setAttribute("aria-describedby", "kb-tip");
    const box = link.getBoundingClientRect();
    const width = Math.min(360, document.documentElement.clientWidth - 16);
    tip.style.width = width + "px";
    tip.style.left = Math.max(8, Math.min(box.left + window.scrollX - width / 2, window.scrollX + document.documentElement.clientWidth - width - 8)) + "px";
    tip.style.top = box.bottom + window.scrollY + 6 + "px";
  }
  function hide(event) {
    const link = event.target.closest && event.target.closest(".kb-cite a[data-tip]");
    if (link) link.removeAttribute("aria-describedby");
    tip.hidden = true;
  }
  // A tap on a marker whose citation is not yet shown shows it and stays on the spot; a tap on the
  // marker whose citation is shown follows the link. (What was shown is read as the finger comes down,
  // before the emulated mouseover shows it: iOS, seeing the tip appear, drops the first tap's click.)
  let touch = false, follow = false;
  document.addEventListener("pointerdown", (event) => {
    touch = event.pointerType === "touch";
    follow = touch && !tip.hidden && Boolean(event.target.closest) && shown === event.target.closest(".kb-cite a[data-tip]");
  });
  document.addEventListener("keydown", () => { touch = false; });
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".kb-cite a[data-tip]");
    if (!link || !touch || follow) return;
    event.preventDefault();
    show(event);
  });
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
  document.addEventListener("mouseout", hide);
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") tip.hidden = true; });
}
if (typeof document$ !== "undefined") document$.subscribe(kbCitationTips);
else document.addEventListener("DOMContentLoaded", kbCitationTips);

// "Cite this page / quote": the formats wait in an inert <template> (nothing to lay out at load);
// opening the block, or printing, puts them in. They carry the day of the build: put in the reader's.
function kbOpenCitation(block) {
  const formats = block.querySelector(":scope > template.kb-cite-formats");
  if (!formats) return;
  const content = formats.content.cloneNode(true);
  const today = new Date().toISOString().slice(0, 10);
  const built = (content.textContent.match(/accessed (\d{4}-\d{2}-\d{2})/) || [])[1];
  if (built && built !== today) {
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.nodeValue.includes(built)) node.nodeValue = node.nodeValue.split(built).join(today);
    }
  }
  formats.replaceWith(content);
}
document.addEventListener("toggle", (event) => {  // toggle does not bubble: listen while it is captured
  if (event.target.matches && event.target.matches("details.kb-cite") && event.target.open) kbOpenCitation(event.target);
}, true);
window.addEventListener("beforeprint", () => document.querySelectorAll("details.kb-cite").forEach(kbOpenCitation));
