// The comparison page (compare.html). The page's own inline script has already ticked the countries and
// rows the address chooses and hidden the others (window.kbCompareApply); this keeps the address up to
// date as the reader ticks, offers the figures shown as a CSV file, and shows when more columns are to
// the right of the table's scroll box. On any other page it does nothing.
(function () {
  const table = document.querySelector(".kb-cmp");
  const controls = document.querySelector(".kb-cmp-controls");
  if (!table || !controls || !window.kbCompareApply) return;
  const scroller = table.closest(".kb-cmp-scroll");
  const frame = scroller.parentElement;
  const more = frame.querySelector(".kb-cmp-more");
  const boxes = (name) => Array.from(controls.querySelectorAll(`input[name="${name}"]`));
  const chosen = (name) => boxes(name).filter((box) => box.checked).map((box) => box.value);

  // The address: ?countries=a,b&rows=x,y (rows left out when every row is shown).
  function remember() {
    const query = new URLSearchParams(location.search);
    query.set("countries", chosen("country").join(","));
    const rows = chosen("row");
    if (rows.length === boxes("row").length) query.delete("rows");
    else query.set("rows", rows.join(","));
    history.replaceState(history.state, "", location.pathname + "?" + query.toString().replace(/%2C/g, ",") + location.hash);
  }

  function countRows() {
    const shown = chosen("row").length, all = boxes("row").length;
    controls.querySelector(".kb-cmp-rows-count").textContent = shown === all ? "all shown" : `${shown} of ${all} shown`;
  }

  // The cue: a shadow on the edge that hides columns, and a button while more are to the right.
  function cue() {
    const left = scroller.scrollLeft > 1;
    const right = scroller.scrollLeft + scroller.clientWidth < scroller.scrollWidth - 1;
    frame.classList.toggle("kb-cmp-more-left", left);
    frame.classList.toggle("kb-cmp-more-right", right);
    more.hidden = !right;
  }

  // One line per figure shown: the countries ticked, the rows ticked.
  function csv() {
    const countries = new Set(chosen("country")), rows = new Set(chosen("row"));
    const names = {};
    for (const th of table.querySelectorAll("thead th[data-country]")) names[th.dataset.country] = th.textContent.trim();
    const lines = [["country", "country_name", "row", "figure", "value", "value_max", "unit", "counts", "area", "as_of",
                    "footnotes", "other_citations", "figure_id"]];
    for (const tr of table.tBodies[0].rows) {
      if (!rows.has(tr.dataset.row)) continue;
      for (const td of tr.querySelectorAll("td[data-country]")) {
        if (!countries.has(td.dataset.country)) continue;
        for (const figure of td.querySelectorAll(".kb-cmp-figure")) {
          const d = figure.dataset;
          lines.push([td.dataset.country, names[td.dataset.country], tr.dataset.label,
                      figure.querySelector(".kb-cmp-value").textContent, d.value, d.valueMax, d.unit,
                      figure.querySelector(".kb-cmp-counts").textContent, d.area,
                      d.asOf, d.footnotes, d.otherCitations, d.figure]);
        }
      }
    }
    const cell = (value) => '"' + String(value ?? "").replace(/"/g, '""') + '"';
    return "\ufeff" + lines.map((line) => line.map(cell).join(",")).join("\r\n") + "\r\n";
  }

  document.querySelector(".kb-cmp-csv").addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([csv()], { type: "text/csv;charset=utf-8" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: "comparison.csv" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  controls.addEventListener("change", (event) => {
    if (!event.target.matches('input[type="checkbox"]')) return;
    window.kbCompareApply();
    remember();
    countRows();
    cue();
  });
  more.addEventListener("click", () => scroller.scrollBy({ left: scroller.clientWidth * 0.7, behavior: "smooth" }));
  scroller.addEventListener("scroll", cue, { passive: true });
  new ResizeObserver(cue).observe(table);
  countRows();
  cue();
})();
