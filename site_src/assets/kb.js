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

// Comparison page: choose which countries' columns to show.
function kbSetupCompare() {
  const toggles = Array.from(document.querySelectorAll(".kb-compare-toggle"));
  if (!toggles.length) return;
  function apply() {
    for (const toggle of toggles) {
      for (const cell of document.querySelectorAll('.kb-compare [data-country="' + toggle.value + '"]')) {
        cell.hidden = !toggle.checked;
      }
    }
  }
  for (const toggle of toggles) toggle.addEventListener("change", apply);
  apply();
}
if (typeof document$ !== "undefined") document$.subscribe(kbSetupCompare);
else document.addEventListener("DOMContentLoaded", kbSetupCompare);
