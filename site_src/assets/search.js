// The search page (search.html) and the Quotes page: Pagefind's index of every practice, country,
// example, fact, quote, footnote, organization and lesson, with facets, "did you mean" and the
// whole state in the address (search.html?q=…&kind=quote&country=kosovo, each facet repeatable).
(function () {
  const FACETS = ["kind", "country", "practice", "speaker"];
  const FIELDS = { kind: "kind", country: "country", practice: "practice", speaker: "speaker", org: "org",
                   organization: "org", footnote: "footnote", countries: "country", practices: "practice" };
  const FEW = 3;
  const PAGE = 20;

  function normal(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // "speaker:soltonbekova kind:quote children" -> {fields: {speaker: ["soltonbekova"], kind: ["quote"]}, text: "children"}
  function parseQuery(query) {
    const fields = {};
    const text = query.replace(/(?<![\w"])([A-Za-z_]+):("[^"]*"|\S+)/g, (whole, name, value) => {
      const field = FIELDS[name.toLowerCase()];
      if (!field) return whole;
      (fields[field] = fields[field] || []).push(value.replace(/^"|"$/g, ""));
      return " ";
    });
    return { fields, text: text.replace(/\s+/g, " ").trim() };
  }

  // A field typed in the box picks the filter values it names: ids exactly, names by any of their words.
  function valuesFor(field, typed, allValues) {
    const wanted = normal(typed);
    const values = Object.keys(allValues[field] || {});
    const exact = values.filter((v) => normal(v) === wanted);
    if (exact.length) return exact;
    return values.filter((v) => normal(v).split(/[^a-z0-9]+/).includes(wanted) || normal(v).includes(wanted));
  }

  function editDistance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  // The nearest word of the knowledge base's own vocabulary (the list for the word's first letter),
  // for a word it does not have.
  async function nearest(word, base) {
    const letter = normal(word)[0];
    if (!letter || !/[a-z]/.test(letter)) return null;
    try {
      const response = await fetch(`${base}search/terms/${letter}.json`);
      if (!response.ok) return null;
      const words = await response.json();
      if (words.includes(word.toLowerCase())) return null;
      let best = null;
      for (const candidate of words) {
        if (Math.abs(candidate.length - word.length) > 2) continue;
        const distance = editDistance(word.toLowerCase(), candidate);
        if (distance <= 2 && (!best || distance < best.distance)) best = { word: candidate, distance };
      }
      return best && best.word;
    } catch (error) {
      return null;
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  async function setup() {
    const root = document.getElementById("kb-search");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    const base = root.dataset.base || "";
    const preset = root.dataset.presetKind || "";
    const form = root.querySelector("form");
    const input = root.querySelector("input[name=q]");
    const status = root.querySelector(".kb-search-status");
    const facetsBox = root.querySelector(".kb-search-facets");
    const list = root.querySelector(".kb-search-results");
    const more = root.querySelector(".kb-search-more");
    const suggestion = root.querySelector(".kb-search-suggestion");

    if (location.protocol === "file:") {
      root.querySelector(".kb-search-offline").hidden = false;
      form.hidden = true;
      return;
    }
    let pagefind, labels;
    try {
      pagefind = await import(`${new URL(base + "pagefind/pagefind.js", location.href)}`);
      await pagefind.options({ excerptLength: 30 });
      labels = await (await fetch(`${base}search/labels.json`)).json();
    } catch (error) {
      status.textContent = "The search index could not be loaded: build the site with `python build.py build`.";
      return;
    }
    const allValues = await pagefind.filters();
    const state = { q: "", filters: {} };
    let shown = [];

    function readAddress() {
      const params = new URLSearchParams(location.search);
      state.q = params.get("q") || "";
      state.filters = {};
      for (const facet of FACETS) {
        const values = params.getAll(facet);
        if (values.length) state.filters[facet] = values;
      }
      if (preset && !params.has("kind")) state.filters.kind = [preset];
      input.value = state.q;
    }

    function writeAddress(push) {
      const params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      for (const [facet, values] of Object.entries(state.filters)) {
        if (facet === "kind" && preset && values.length === 1 && values[0] === preset) continue;
        for (const value of values) params.append(facet, value);
      }
      const address = `${location.pathname}${params.toString() ? "?" + params : ""}`;
      (push ? history.pushState : history.replaceState).call(history, null, "", address);
    }

    function label(facet, value) {
      return (labels[facet] && labels[facet][value]) || value;
    }

    function renderFacets(counts) {
      facetsBox.replaceChildren();
      for (const facet of FACETS) {
        const values = Object.entries(counts[facet] || {}).filter(([v, n]) => n > 0 || (state.filters[facet] || []).includes(v));
        if (!values.length) continue;
        values.sort((a, b) => b[1] - a[1] || label(facet, a[0]).localeCompare(label(facet, b[0])));
        const group = el("fieldset", { class: "kb-facet" }, el("legend", { text: { kind: "Kind", country: "Country",
          practice: "Key practice", speaker: "Speaker" }[facet] }));
        for (const [value, count] of values) {
          const id = `kb-facet-${facet}-${value.replace(/[^A-Za-z0-9]+/g, "-")}`;
          const box = el("input", { type: "checkbox", id, value, "data-facet": facet });
          box.checked = (state.filters[facet] || []).includes(value);
          box.addEventListener("change", () => {
            const chosen = new Set(state.filters[facet] || []);
            box.checked ? chosen.add(value) : chosen.delete(value);
            if (chosen.size) state.filters[facet] = [...chosen];
            else delete state.filters[facet];
            writeAddress(true);
            run();
          });
          group.append(el("div", { class: "kb-facet-option" }, box,
            el("label", { for: id }, el("span", { text: label(facet, value) }), el("span", { class: "kb-count", text: ` ${count}` }))));
        }
        facetsBox.append(group);
      }
    }

    async function renderResults(results) {
      root.dataset.state = "busy";  // "done" once every result of this page is shown (tests wait for it)
      const next = results.slice(shown.length, shown.length + PAGE);
      shown = shown.concat(next);
      for (const result of next) {
        const data = await result.data();
        const item = el("li", { class: "kb-search-result", "data-id": data.meta.id, "data-kind": data.meta.kind });
        const link = el("a", { href: base + data.meta.url, text: data.meta.title });
        const excerpt = el("p", { class: "kb-search-excerpt" });
        excerpt.innerHTML = data.excerpt;  // Pagefind's excerpt: the record's text, escaped, with <mark>
        item.append(el("span", { class: "kb-search-kind", text: label("kind", data.meta.kind) }), " ", link, excerpt);
        list.append(item);
      }
      more.hidden = shown.length >= results.length;
      root.dataset.state = "done";
    }

    async function run() {
      root.dataset.state = "busy";
      const parsed = parseQuery(state.q);
      const filters = {};
      for (const [facet, values] of Object.entries(state.filters)) filters[facet] = { any: values };
      for (const [field, typed] of Object.entries(parsed.fields)) {
        const values = typed.flatMap((t) => valuesFor(field, t, allValues));
        filters[field] = { any: values.length ? values : ["\u0000none"] };
      }
      const term = parsed.text || null;
      suggestion.hidden = true;
      list.replaceChildren();
      shown = [];
      if (!term && !Object.keys(filters).length) {
        status.textContent = "Type words to search; choose a kind, a country, a key practice or a speaker to narrow.";
        renderFacets(allValues);
        more.hidden = true;
        root.dataset.state = "done";
        return;
      }
      const search = await pagefind.search(term, { filters });
      const results = search.results;
      status.textContent = `${results.length} result${results.length === 1 ? "" : "s"}` +
        (state.q ? ` for “${state.q}”` : "");
      renderFacets(search.filters);
      if (!results.length) list.append(el("li", { class: "kb-search-empty", text: "Nothing matches: remove a filter or try other words." }));
      more.onclick = () => renderResults(results);
      await renderResults(results);
      root.dataset.state = "busy";  // until "did you mean" has looked
      // A word the knowledge base does not have (Pagefind may still find near words), or too few results.
      if (parsed.text) {
        const words = parsed.text.replace(/"/g, "").split(/\s+/);
        const fixed = await Promise.all(words.map((w) => nearest(w, base, results.length < FEW)));
        if (fixed.some(Boolean)) {
          const better = words.map((w, i) => fixed[i] || w).join(" ");
          const rest = state.q.replace(parsed.text, "").trim();
          const query = (better + " " + rest).trim();
          suggestion.replaceChildren("Did you mean ", el("a", { href: "?" + new URLSearchParams({ q: query }), text: query }), "?");
          suggestion.querySelector("a").addEventListener("click", (event) => {
            event.preventDefault();
            state.q = query;
            input.value = query;
            writeAddress(true);
            run();
          });
          suggestion.hidden = false;
        }
      }
      root.dataset.state = "done";
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      state.q = input.value.trim();
      writeAddress(true);
      run();
    });
    window.addEventListener("popstate", () => { readAddress(); run(); });
    readAddress();
    writeAddress(false);
    await run();
  }

  if (typeof document$ !== "undefined") document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
