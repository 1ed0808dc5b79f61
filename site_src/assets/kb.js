// Accessibility: Material's search dialog has no accessible name.
function kbNameSearchDialog() {
  const dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search the knowledge base");
}
if (typeof document$ !== "undefined") document$.subscribe(kbNameSearchDialog);
else document.addEventListener("DOMContentLoaded", kbNameSearchDialog);

// Filters on the Quotes page: country, key practice and speaker, without leaving the page.
// Material loads pages instantly (no full reload), so listen on its document$ observable.
function kbSetupQuoteFilters() {
  const country = document.getElementById("kb-filter-country");
  if (!country) return;
  const practice = document.getElementById("kb-filter-practice");
  const speaker = document.getElementById("kb-filter-speaker");
  const count = document.getElementById("kb-filter-count");
  const cards = Array.from(document.querySelectorAll(".kb-quote-card"));
  function apply() {
    let shown = 0;
    for (const card of cards) {
      const ok =
        (!country.value || card.dataset.country === country.value) &&
        (!practice.value || card.dataset.practices.split(" ").includes(practice.value)) &&
        (!speaker.value || card.dataset.speaker === speaker.value);
      card.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = shown + " of " + cards.length + " quotes";
  }
  for (const select of [country, practice, speaker]) select.addEventListener("change", apply);
  apply();
}
if (typeof document$ !== "undefined") document$.subscribe(kbSetupQuoteFilters);
else document.addEventListener("DOMContentLoaded", kbSetupQuoteFilters);

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
