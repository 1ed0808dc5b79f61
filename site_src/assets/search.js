// The search page (search.html) and the Quotes page: Pagefind's index of every practice, country,
// example, fact, quote, footnote, organization and lesson, with the command line's query language
// (search/grammar.json), facets fetched when opened, "did you mean" and the whole state in the address
// (search.html?q=…&kind=quote&country=kosovo, each facet repeatable).
(function () {
  const FACETS = ["kind", "country", "practice", "speaker"];
  const FACET_NAMES = { kind: "Kind", country: "Country", practice: "Key practice", speaker: "Speaker" };
  const LABELLED = ["kind", "country", "practice"];  // their values come with search/labels.json
  const PAGE = 20;
  const EXCERPT = 30;  // words
  // Pagefind's weight of a record's length (0 to 1, its default 0.75): records are one passage, figure or
  // footnote each, and a short one is not the better answer for being short (tuned on the judged queries).
  const RANKING = { pageLength: 0.3 };
  const NOTHING = "\u0000none";  // a filter value no record has: a field that names nothing finds nothing

  function normal(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The query language, read with the command line's grammar (knowledge_base/query.py, written into the
  // site as search/grammar.json): the same tokens, precedence and tree as query.parse. NOT (or a leading
  // "-") binds tightest, then AND, then OR, then the space between terms.
  function tokens(text, grammar) {
    const out = [];
    const ops = new Set(Object.values(grammar.operators));
    for (const m of text.matchAll(new RegExp(grammar.token, "g"))) {
      const g = m.groups;
      if (g.quote !== undefined) throw new Error('unbalanced double quote in the query: close the "phrase"');
      if (g.open !== undefined) out.push(["open"]);
      else if (g.close !== undefined) out.push(["close"]);
      else if (g.phrase !== undefined) out.push(["phrase", g.phrase]);
      else if (g.neg !== undefined) out.push(["neg"]);
      else if (g.field !== undefined) {
        const name = grammar.fields[g.field.toLowerCase()];
        if (!name) throw new Error(`unknown field '${g.field}'`);
        if (g.fphrase === undefined && g.fword === undefined) throw new Error(`field '${g.field}' has no value`);
        out.push(["field", { type: "field", field: name, value: g.fphrase ?? g.fword, phrase: g.fphrase !== undefined }]);
      } else if (g.word !== undefined) out.push([ops.has(g.word) ? "op" : "word", g.word]);
    }
    return out;
  }

  function parseQuery(text, grammar) {
    if (!text.trim()) throw new Error("the query is empty");
    const stream = tokens(text, grammar);
    let depth = 0;
    for (const [kind] of stream) {
      depth += kind === "open" ? 1 : kind === "close" ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth) throw new Error("unbalanced parentheses in the query");
    const { and: AND, or: OR, not: NOT } = grammar.operators;
    let at = 0;
    const peek = () => stream[at] || [null];
    const isOp = (op) => peek()[0] === "op" && peek()[1] === op;
    const termFollows = () => ["open", "phrase", "field", "word", "neg"].includes(peek()[0]) || isOp(NOT);
    const join = (type, items) => {
      items = items.filter(Boolean);
      if (!items.length) return null;
      if (items.length === 1) return items[0];
      return { type, children: items.flatMap((i) => (i.type === type ? i.children : [i])) };
    };
    function sequence() {
      const items = [];
      while (at < stream.length && peek()[0] !== "close") {
        if (peek()[0] === "op" && peek()[1] !== NOT) { at++; continue; }  // a dangling AND / OR: ignored
        items.push(either());
      }
      return join("and", items);
    }
    function either() {
      const items = [both()];
      while (isOp(OR)) { at++; if (termFollows()) items.push(both()); }
      return join("or", items);
    }
    function both() {
      const items = [unary()];
      while (isOp(AND)) { at++; if (termFollows()) items.push(unary()); }
      return join("and", items);
    }
    function unary() {
      let negations = 0;
      while (peek()[0] === "neg" || isOp(NOT)) { negations++; at++; }
      const child = primary();
      if (!child) return null;
      return negations % 2 ? { type: "not", child } : child;  // NOT NOT x is x
    }
    function primary() {
      const [kind, value] = peek();
      if (kind === null || kind === "close" || kind === "op") return null;
      at++;
      if (kind === "open") { const inner = sequence(); at++; return inner; }
      if (kind === "phrase") return { type: "phrase", text: value };
      if (kind === "field") return value;
      return { type: "word", text: value };
    }
    const tree = sequence();
    if (!tree) throw new Error("the query has operators but no words");
    return tree;
  }

  // The words of a tree a reader typed (not its fields, phrases or operators): "did you mean" corrects them.
  function wordsOf(node) {
    if (!node) return [];
    if (node.type === "word") return [node.text];
    if (node.type === "not") return wordsOf(node.child);
    return (node.children || []).flatMap(wordsOf);
  }

  // A field typed in the box picks the filter values it names: ids exactly, names by any of their words
  // (speaker:koller), a quoted value by its words in a row (speaker:"sofia koller").
  function valuesFor(typed, values) {
    const wanted = normal(typed);
    const exact = values.filter((v) => normal(v) === wanted);
    if (exact.length) return exact;
    return values.filter((v) => normal(v).split(/[^a-z0-9]+/).includes(wanted) || normal(v).includes(wanted));
  }

  // How the page answers a query's tree with Pagefind, which has no OR, NOT or fields of its own: the
  // words and fields of an AND make one Pagefind search (a field is a filter), each phrase an exact
  // search of its own whose results the AND keeps in common; an OR is the union of its parts' results
  // (each record once, at its best score); a NOT takes out the records its part finds.
  // Returns Map(Pagefind id -> {result, score}), and counts the Pagefind searches made in ctx.
  async function evaluate(node, ctx) {
    if (node.type === "or") {
      const merged = new Map();
      for (const part of await Promise.all(node.children.map((child) => evaluate(child, ctx)))) {
        for (const [id, hit] of part) if (!merged.has(id) || merged.get(id).score < hit.score) merged.set(id, hit);
      }
      return merged;
    }
    const words = [], phrases = [], fields = {}, negated = [], groups = [];
    for (const child of node.type === "and" ? node.children : [node]) {
      if (child.type === "word") words.push(child.text);
      else if (child.type === "phrase") phrases.push(child.text);
      else if (child.type === "not") negated.push(child.child);
      else if (child.type === "field" && ctx.grammar.site[child.field] === "filter") {
        (fields[child.field] = fields[child.field] || []).push(await ctx.values(child.field, child.value));
      } else if (child.type === "field") (child.phrase ? phrases : words).push(child.value);  // title:, text:
      else groups.push(child);
    }
    const filters = { ...ctx.filters };
    for (const [field, sets] of Object.entries(fields)) {
      // Each value typed must hold: the filter values every one of them names.
      let values = sets.reduce((a, b) => a.filter((v) => b.includes(v)));
      if (filters[field]) values = values.filter((v) => filters[field].any.includes(v));  // and a ticked facet
      filters[field] = { any: values.length ? values : [NOTHING] };
    }
    const searches = [];
    if (words.length || (!phrases.length && !groups.length)) searches.push(ctx.search(words.join(" ") || null, filters));
    for (const phrase of phrases) searches.push(ctx.search(`"${phrase}"`, filters));
    const parts = [...await Promise.all(searches), ...await Promise.all(groups.map((g) => evaluate(g, { ...ctx, filters })))];
    const found = new Map();
    for (const [id, hit] of parts[0]) {
      if (parts.every((part) => part.has(id))) found.set(id, { result: hit.result, score: parts.reduce((sum, part) => sum + part.get(id).score, 0) });
    }
    for (const out of await Promise.all(negated.map((child) => evaluate(child, { ...ctx, filters: {} })))) {
      for (const id of out.keys()) found.delete(id);
    }
    return found;
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
    // with the page's stylesheets and delay the first paint. Pagefind's filter files are not fetched
    // here: a facet's when it is opened, or when a query filters on it (Pagefind then fetches it itself).
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    let pagefind, labels, grammar;
    try {
      const json = (path) => fetch(`${base}${path}`).then((r) => r.json());
      const loaded = Promise.all([json("search/labels.json"), json("search/grammar.json")]);
      pagefind = await import(`${new URL(base + "pagefind/pagefind.js", location.href)}`);
      await pagefind.options({ excerptLength: EXCERPT, ranking: RANKING });
      pagefind.init();
      [labels, grammar] = await loaded;
    } catch (error) {
      status.textContent = "The search index could not be loaded: build the site with `python build.py build`.";
      return;
    }
    const state = { q: "", filters: {} };
    let shown = [];
    const known = {};  // facet or field -> its filter values, fetched once
    const counted = new Set();  // the facets whose filter file is loaded: Pagefind counts them at each search

    // A field's values: kinds, countries and practices from the labels, the others from their own list
    // (search/values/speaker.json), fetched the first time a query or a facet needs it.
    async function valuesOf(field) {
      if (!known[field]) {
        known[field] = LABELLED.includes(field) ? Promise.resolve(Object.keys(labels[field] || {}))
          : fetch(`${base}search/values/${field}.json`).then((r) => (r.ok ? r.json() : []), () => []);
      }
      return known[field];
    }

    async function fieldValues(field, typed) {
      if (field === "footnote" || field === "id") return [typed];  // numbers and ids: as typed
      return valuesFor(typed, await valuesOf(field));
    }

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

    // Each facet is a closed disclosure until a reader opens it (or the address ticks one of its values):
    // opening it fetches its filter file and builds its options, in a fixed order (kinds as the index
    // lists them, the others by name). Each search then only updates their counts and hides the options
    // it has no result for: the checkbox just ticked stays where it is, with the keyboard's focus on it.
    const options = {};  // facet -> [{value, row, box, count}]
    const groups = {};
    const kindOrder = Object.keys(labels.kind || {});
    const sortable = (name) => name.replace(/^the\s+/i, "");  // "The Netherlands" among the N
    let lastCounts = null;
    for (const facet of FACETS) {
      const summary = el("summary", { class: "kb-facet-name", id: `kb-facet-${facet}`, text: FACET_NAMES[facet] });
      const group = el("details", { class: "kb-facet", "data-facet": facet }, summary);
      group.addEventListener("toggle", () => { if (group.open) openFacet(facet); });
      groups[facet] = group;
      facetsBox.append(group);
    }

    async function buildFacet(facet) {
      if (!options[facet]) {
        options[facet] = [];
        const values = [...await valuesOf(facet)];
        values.sort(facet === "kind" ? (a, b) => kindOrder.indexOf(a) - kindOrder.indexOf(b)
          : (a, b) => sortable(label(facet, a)).localeCompare(sortable(label(facet, b)), "en", { numeric: true }));
        const rows = el("div", { class: "kb-facet-options", role: "group", "aria-labelledby": `kb-facet-${facet}` });
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
          row.hidden = true;  // until a search counts it
          rows.append(row);
          return { value, row, box, count };
        });
        groups[facet].append(rows);
      }
    }

    async function openFacet(facet) {
      root.dataset.state = "busy";
      await buildFacet(facet);
      if (!counted.has(facet)) {
        counted.add(facet);
        await run();  // counted again, with the facet's filter file
      } else {
        if (lastCounts) renderFacets(lastCounts);
        if (!running) root.dataset.state = "done";  // else the search under way says when it is done
      }
    }

    function renderFacets(counts) {
      lastCounts = counts;
      let chosen = 0;
      for (const [facet, items] of Object.entries(options)) {
        const picked = state.filters[facet] || [];
        for (const { value, row, box, count } of items) {
          const n = (counts[facet] || {})[value] || 0;
          box.checked = picked.includes(value);
          row.hidden = !(n > 0 || box.checked);
          count.textContent = ` ${n}`;
        }
      }
      for (const [facet, picked] of Object.entries(state.filters)) {
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

    // "Did you mean": the query with each word the knowledge base lacks replaced by its nearest word (its
    // operators, fields and phrases as typed).
    async function didYouMean(tree) {
      const words = [...new Set(wordsOf(tree))];
      const fixed = await Promise.all(words.map((w) => nearest(w, base)));
      if (!fixed.some(Boolean)) return null;
      let better = state.q;
      words.forEach((word, i) => {
        if (!fixed[i]) return;
        const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        better = better.replace(new RegExp(`(^|[\\s(-])${escaped}(?=$|[\\s)])`, "g"), `$1${fixed[i]}`);
      });
      return better === state.q ? null : better;
    }

    // One Pagefind search, its results as Map(id -> {result, score}). The facets opened have their
    // filter files loaded ({none: []} filters nothing out, and makes Pagefind fetch and count them).
    function searcher(ctx) {
      return async (term, filters) => {
        const wanted = { ...filters };
        for (const facet of counted) if (!wanted[facet]) wanted[facet] = { none: [] };
        if (term === null && !Object.keys(wanted).length) wanted.kind = { none: [] };  // every record
        const response = await pagefind.search(term, { filters: wanted });
        ctx.responses.push(response);
        return new Map(response.results.map((result) => [result.id, { result, score: result.score }]));
      };
    }

    // The facets' counts: Pagefind's own when one search answered the query, else counted from the
    // records found (their filters), for the facets a reader opened.
    async function countsOf(ctx, results) {
      if (ctx.responses.length === 1) return ctx.responses[0].filters;
      const counts = {};
      if (!counted.size) return counts;
      for (const data of await Promise.all(results.map((r) => r.data()))) {
        for (const facet of counted) {
          for (const value of data.filters[facet] || []) {
            counts[facet] = counts[facet] || {};
            counts[facet][value] = (counts[facet][value] || 0) + 1;
          }
        }
      }
      return counts;
    }

    let latest = 0, running = 0;
    async function run() {
      running++;
      try {
        await answer();
      } finally {
        running--;
      }
    }

    async function answer() {
      const mine = ++latest;  // a newer search (another tick, another query) wins over this one
      root.dataset.state = "busy";
      const filters = {};
      for (const [facet, values] of Object.entries(state.filters)) filters[facet] = { any: values };
      let tree = null;
      if (state.q) {
        try {
          tree = parseQuery(state.q, grammar);
        } catch (error) {
          list.replaceChildren();
          shown = [];
          suggestion.hidden = true;
          more.hidden = true;
          status.textContent = `This query cannot be read: ${error.message}.`;
          root.dataset.state = "done";
          return;
        }
      }
      if (!tree && !Object.keys(filters).length && !counted.size) {
        suggestion.hidden = true;
        list.replaceChildren();
        shown = [];
        status.textContent = "Type words to search; choose a kind, a country, a key practice or a speaker to narrow.";
        more.hidden = true;
        root.dataset.state = "done";
        return;
      }
      const ctx = { grammar, filters, values: fieldValues, responses: [] };
      ctx.search = searcher(ctx);
      // "Did you mean" only for a word the knowledge base lacks: Pagefind also matches a word's beginning,
      // so a misspelling may find many results, none with the word typed.
      const [found, query] = await Promise.all([
        tree ? evaluate(tree, ctx) : ctx.search(null, filters), tree ? didYouMean(tree) : null]);
      const results = [...found.values()].sort((a, b) => b.score - a.score).map((hit) => hit.result);
      const first = await Promise.all(results.slice(0, PAGE).map((result) => result.data()));  // fetch before clearing
      const counts = await countsOf(ctx, results);
      if (mine !== latest) return;
      list.replaceChildren();
      shown = [];
      if (!tree && !Object.keys(filters).length) {
        status.textContent = "Type words to search; choose a kind, a country, a key practice or a speaker to narrow.";
        renderFacets(counts);
        more.hidden = true;
        root.dataset.state = "done";
        return;
      }
      status.textContent = `${results.length} result${results.length === 1 ? "" : "s"}` +
        (state.q ? ` for “${state.q}”` : "");
      renderFacets(counts);
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
    for (const facet of Object.keys(state.filters)) {
      if (!(facet === "kind" && preset && state.filters.kind.length === 1 && state.filters.kind[0] === preset)) {
        counted.add(facet);  // counted by the first search
        await buildFacet(facet);
        groups[facet].open = true;
      }
    }
    await run();
  }

  // The script is loaded `async` right after the search's markup: it starts as soon as it arrives,
  // without waiting for the rest of the page (and for the theme's script) to load.
  if (document.getElementById("kb-search")) setup();
  else document.addEventListener("DOMContentLoaded", setup);
  if (typeof document$ !== "undefined") document$.subscribe(setup);
  window.kbSearchQuery = { parse: parseQuery, tokens };  // the shared grammar's tests call the parser itself
})();
