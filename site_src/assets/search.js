// The search page (search.html) and the Quotes page: Pagefind's index of every practice, country,
// example, fact, quote, footnote, organization and lesson, with facets, "did you mean" and the
// whole state in the address (search.html?q=…&kind=quote&country=kosovo, each facet repeatable).
(function () {
  const FACETS = ["kind", "country", "practice", "speaker"];
  const FIELDS = { kind: "kind", country: "country", practice: "practice", speaker: "speaker", org: "org",
                   organization: "org", footnote: "footnote", countries: "country", practices: "practice" };
  const PAGE = 20;
  const EXCERPT = 30;  // words
  // Pagefind's weight of a record's length (0 to 1, its default 0.75): records are one passage, figure or
  // footnote each, and a short one is not the better answer for being short (tuned on the judged queries).
  const RANKING = { pageLength: 0.3 };

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
    if (!correctable(word)) return null;
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
        if (sameWord(word.toLowerCase(), candidate)) return null;  // "psychologist": the word is there, in the plural
        const distance = editDistance(word.toLowerCase(), candidate);
        if (distance <= 2 && (!best || distance < best.distance)) best = { word: candidate, distance };
      }
      return best && best.word;
    } catch (error) {
      return null;
    }
  }

  // A word "did you mean" may correct: not an operator (OR, AND, NOT), not a short or stop word (the
  // vocabulary keeps words of three letters or more), not a number, not a hyphenated term.
  function correctable(word) {
    return word.length >= 3 && !/^(AND|OR|NOT)$/.test(word) && !/[\d-]/.test(word);
  }

  // The same word in the other number: "psychologist" and "psychologists", "city" and "cities".
  function sameWord(a, b) {
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    return long === short + "s" || long === short + "es" || (short.endsWith("y") && long === short.slice(0, -1) + "ies");
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

  // The excerpt under a result: the words around its best matches, the matches marked, leaving out the
  // record's title (Pagefind indexes it first, as the record's heading): the row shows it already.
  // Built as text nodes and <mark>s, never as HTML.
  function excerptOf(data) {
    const all = data.content.split(/[\r\n\s]+/g);
    // The other spellings and numbers a record is also found by (meta "also") end its text: never shown.
    const also = (data.meta.also || "").split(/\s+/).filter(Boolean).length;
    const words = also ? all.slice(0, Math.max(0, all.length - also)) : all;
    const title = (data.meta.title || "").trim();
    const titleWords = title ? title.split(/\s+/).length : 0;
    const skip = titleWords && words.slice(0, titleWords).join(" ").startsWith(title) ? titleWords : 0;
    const scores = [];
    for (const w of data.weighted_locations || []) {
      if (w.location >= skip) scores[w.location] = (scores[w.location] || 0) + w.balanced_score;
    }
    let start = skip, best = -1;
    for (let i = skip; i < Math.max(skip + 1, words.length - EXCERPT + 1); i++) {
      let sum = 0;
      for (let j = i; j < i + EXCERPT; j++) sum += scores[j] || 0;
      if (sum > best) { best = sum; start = i; }
    }
    if (words.length - skip <= EXCERPT) start = skip;  // the whole text fits
    for (let i = start; i > Math.max(skip, start - 8); i--) {  // from a sentence's start, when one is near
      if (i === skip || /[.;:!?]$/.test(words[i - 1])) { start = i; break; }
    }
    const end = Math.min(words.length, start + EXCERPT);
    const marked = new Set((data.locations || []).filter((l) => l >= start && l < end));
    const node = el("p", { class: "kb-search-excerpt" });
    if (start > skip) node.append("… ");
    for (let i = start; i < end; i++) {
      if (i > start) node.append(" ");
      node.append(marked.has(i) ? el("mark", { text: words[i] }) : words[i]);
    }
    if (end < words.length) node.append(" …");
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
    const toggle = root.querySelector(".kb-search-filters-toggle");
    const facetsBox = root.querySelector(".kb-search-facets");
    const list = root.querySelector(".kb-search-results");
    const more = root.querySelector(".kb-search-more");
    const suggestion = root.querySelector(".kb-search-suggestion");

    if (location.protocol === "file:") {
      root.querySelector(".kb-search-offline").hidden = false;
      form.hidden = true;
      return;
    }
    // On a phone the filters wait behind the "Filters" button, the results first (search.css).
    toggle.hidden = false;
    root.dataset.filters = "closed";
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      root.dataset.filters = open ? "open" : "closed";
    });

    // The index is fetched once the page has painted: its requests would otherwise share the network
    // with the page's stylesheets and delay the first paint.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    let pagefind, labels, allValues;
    try {
      const labelsLoaded = fetch(`${base}search/labels.json`).then((r) => r.json());
      pagefind = await import(`${new URL(base + "pagefind/pagefind.js", location.href)}`);
      await pagefind.options({ excerptLength: EXCERPT, ranking: RANKING });
      pagefind.init();
      [labels, allValues] = await Promise.all([labelsLoaded, pagefind.filters()]);
    } catch (error) {
      status.textContent = "The search index could not be loaded: build the site with `python build.py build`.";
      return;
    }
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

    // The facets are built once, in a fixed order (kinds as the index lists them, the others by name),
    // and each search only updates their counts and hides the options it has no result for: the
    // checkbox just ticked stays where it is, with the keyboard's focus on it.
    const options = {};  // facet -> [{value, row, box, count}]
    const groups = {};
    const kindOrder = Object.keys(labels.kind || {});
    const sortable = (name) => name.replace(/^the\s+/i, "");  // "The Netherlands" among the N
    for (const facet of FACETS) {
      const values = Object.keys(allValues[facet] || {});
      if (!values.length) continue;
      values.sort(facet === "kind" ? (a, b) => kindOrder.indexOf(a) - kindOrder.indexOf(b)
        : (a, b) => sortable(label(facet, a)).localeCompare(sortable(label(facet, b)), "en", { numeric: true }));
      const group = el("fieldset", { class: "kb-facet" }, el("legend", { text: { kind: "Kind", country: "Country",
        practice: "Key practice", speaker: "Speaker" }[facet] }));
      options[facet] = values.map((value) => {
        const id = `kb-facet-${facet}-${value.replace(/[^A-Za-z0-9]+/g, "-")}`;
        const box = el("input", { type: "checkbox", id, value, "data-facet": facet });
        const count = el("span", { class: "kb-count" });
        box.addEventListener("change", () => {
          const chosen = new Set(state.filters[facet] || []);
          box.checked ? chosen.add(value) : chosen.delete(value);
          if (chosen.size) state.filters[facet] = [...chosen];
          else delete state.filters[facet];
          writeAddress(true);
          run();
        });
        const row = el("div", { class: "kb-facet-option" }, box,
          el("label", { for: id }, el("span", { text: label(facet, value) }), count));
        row.hidden = true;  // until the first search counts it
        group.append(row);
        return { value, row, box, count };
      });
      group.hidden = true;
      groups[facet] = group;
      facetsBox.append(group);
    }

    function renderFacets(counts) {
      let chosen = 0;
      for (const [facet, items] of Object.entries(options)) {
        const picked = state.filters[facet] || [];
        let visible = 0;
        for (const { value, row, box, count } of items) {
          const n = (counts[facet] || {})[value] || 0;
          box.checked = picked.includes(value);
          row.hidden = !(n > 0 || box.checked);
          count.textContent = ` ${n}`;
          visible += !row.hidden;
        }
        groups[facet].hidden = !visible;
        chosen += picked.filter((v) => !(facet === "kind" && v === preset)).length;
      }
      toggle.querySelector(".kb-search-filters-count").textContent = chosen ? ` (${chosen} chosen)` : "";
    }

    function where(data) {
      const countries = (data.filters.country || []).map((c) => label("country", c));
      if (countries.length > 3) return `${countries.slice(0, 2).join(", ")} and ${countries.length - 2} other countries`;
      return countries.join(", ");
    }

    function row(data) {
      const item = el("li", { class: "kb-search-result", "data-id": data.meta.id, "data-kind": data.meta.kind });
      const about = el("p", { class: "kb-search-about" },
        el("span", { class: "kb-search-kind", text: label("kind", data.meta.kind) }));
      const place = where(data);
      if (place) about.append(el("span", { class: "kb-search-country", text: place }));
      if (data.meta.source && data.meta.source !== data.meta.title) {
        about.append(el("span", { class: "kb-search-source", text: data.meta.source }));
      }
      item.append(el("p", { class: "kb-search-title" }, el("a", { href: base + data.meta.url, text: data.meta.title })),
        about, excerptOf(data));
      return item;
    }

    async function renderResults(results) {
      root.dataset.state = "busy";  // "done" once every result of this page is shown (tests wait for it)
      const next = results.slice(shown.length, shown.length + PAGE);
      shown = shown.concat(next);
      const rows = (await Promise.all(next.map((result) => result.data()))).map(row);  // fetched together
      list.append(...rows);
      more.hidden = shown.length >= results.length;
      root.dataset.state = "done";
    }

    async function didYouMean(parsed) {
      if (!parsed.text) return null;
      // A word the knowledge base does not have (Pagefind may still find near words).
      const words = parsed.text.replace(/"/g, "").split(/\s+/);
      const fixed = await Promise.all(words.map((w) => nearest(w, base)));
      if (!fixed.some(Boolean)) return null;
      const better = words.map((w, i) => fixed[i] || w).join(" ");
      const rest = state.q.replace(parsed.text, "").trim();
      return (better + " " + rest).trim();
    }

    let latest = 0;
    async function run() {
      const mine = ++latest;  // a newer search (another tick, another query) wins over this one
      root.dataset.state = "busy";
      const parsed = parseQuery(state.q);
      const filters = {};
      for (const [facet, values] of Object.entries(state.filters)) filters[facet] = { any: values };
      for (const [field, typed] of Object.entries(parsed.fields)) {
        const values = typed.flatMap((t) => valuesFor(field, t, allValues));
        filters[field] = { any: values.length ? values : ["\u0000none"] };
      }
      const term = parsed.text || null;
      if (!term && !Object.keys(filters).length) {
        suggestion.hidden = true;
        list.replaceChildren();
        shown = [];
        status.textContent = "Type words to search; choose a kind, a country, a key practice or a speaker to narrow.";
        renderFacets(allValues);
        more.hidden = true;
        root.dataset.state = "done";
        return;
      }
      // "Did you mean" only for a word the knowledge base lacks: Pagefind also matches a word's beginning,
      // so a misspelling may find many results, none with the word typed.
      const [search, query] = await Promise.all([pagefind.search(term, { filters }), didYouMean(parsed)]);
      const results = search.results;
      const first = await Promise.all(results.slice(0, PAGE).map((result) => result.data()));  // fetch before clearing
      if (mine !== latest) return;
      list.replaceChildren();
      shown = [];
      status.textContent = `${results.length} result${results.length === 1 ? "" : "s"}` +
        (state.q ? ` for “${state.q}”` : "");
      renderFacets(search.filters);
      if (query) {
        const link = el("a", { href: "?" + new URLSearchParams({ q: query }), text: query });
        link.addEventListener("click", (event) => {
          event.preventDefault();
          state.q = query;
          input.value = query;
          writeAddress(true);
          run();
        });
        suggestion.replaceChildren("Did you mean ", link, "?");
      }
      suggestion.hidden = !query;
      if (!results.length) list.append(el("li", { class: "kb-search-empty", text: "Nothing matches: remove a filter or try other words." }));
      more.onclick = () => renderResults(results);
      shown = results.slice(0, PAGE);
      list.append(...first.map(row));
      more.hidden = shown.length >= results.length;
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

  // The script is loaded `async` right after the search's markup: it starts as soon as it arrives,
  // without waiting for the rest of the page (and for the theme's script) to load.
  if (document.getElementById("kb-search")) setup();
  else document.addEventListener("DOMContentLoaded", setup);
  if (typeof document$ !== "undefined") document$.subscribe(setup);
})();
