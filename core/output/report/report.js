// The report page: blocks coloured by label, runs of one label folded, votes on click, a label
// filter, the extracted text, and label corrections (keys, undo, saved in localStorage,
// exported as labelled blocks). Page text only ever reaches the DOM through textContent.
(function () {
  "use strict";

  var EXTRACT = ["headline", "body"];
  var FOLD = 4;  // a run of this many blocks with one label, or more, is folded into one row
  var FOLD_WORDS = 16;  // words of the run shown on its row

  var data = JSON.parse(document.getElementById("pageparts-data").textContent);
  var labels = data.labels.slice();
  var blocks = data.blocks;
  var current = blocks.map(function (b) { return b.label; });
  var history = [];
  var storeKey = "pageparts-report:" + data.key;
  var hidden = {};
  var onlyDisagreeing = false;
  var selected = -1;
  var elements = [];
  var folds = [];  // {start, end (exclusive), open, node}, in reading order
  var foldOf = [];  // block -> its fold's number, or -1
  var list = document.getElementById("blocks");
  var detail = document.createElement("div");
  detail.id = "detail";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function colour(n) { return data.colours[n % data.colours.length]; }

  function labelStyles() {
    var rules = [];
    for (var n = 0; n < labels.length; n++) {
      var c = colour(n);
      rules.push(".l" + n + "{--c:" + c[0] + ";--t:" + c[1] + "}");
    }
    var style = document.getElementById("label-colours") || el("style");
    style.id = "label-colours";
    style.textContent = rules.join("\n");
    document.head.appendChild(style);
  }

  function labelNumber(name) {
    var n = labels.indexOf(name);
    if (n < 0) {
      labels.push(name);
      n = labels.length - 1;
      labelStyles();
    }
    return n;
  }

  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }

  function wordCount(text) {
    var found = text.match(/\S+/g);
    return found ? found.length : 0;
  }

  // -- corrections kept in localStorage until exported -------------------------------------

  function load() {
    var saved;
    try { saved = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !Array.isArray(saved.history)) return;
    saved.history.forEach(function (step) {
      var i = step[0];
      if (typeof i !== "number" || i < 0 || i >= blocks.length) return;
      history.push([i, labelNumber(String(step[1])), labelNumber(String(step[2]))]);
      current[i] = labelNumber(String(step[2]));
    });
  }

  function save() {
    var steps = history.map(function (s) { return [s[0], labels[s[1]], labels[s[2]]]; });
    try {
      if (steps.length) window.localStorage.setItem(storeKey, JSON.stringify({ history: steps }));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or disabled: corrections live until the page closes */ }
  }

  // -- the block list ------------------------------------------------------------------------

  // Whether block i's label disagrees with the gold labels: as scored (gold's accepted labels)
  // for the predicted label, against the block's main gold label once corrected.
  function wrong(i) {
    var b = blocks[i];
    if (current[i] === b.label) return b.agrees === false;
    return b.gold != null && labels[current[i]] !== b.gold;
  }

  function paint(i) {
    var node = elements[i];
    var b = blocks[i];
    var n = current[i];
    var bad = wrong(i);
    node.className = "b l" + n + (n !== b.label ? " fixed" : "") + (bad ? " wrong" : "") +
      (i === selected ? " sel" : "");
    node.firstChild.textContent = labels[n];
    var notes = [];
    if (n !== b.label) notes.push("was " + labels[b.label]);
    if (bad) notes.push("gold: " + b.gold);
    node.children[2].textContent = notes.join(" · ");
  }

  function build() {
    var fragment = document.createDocumentFragment();
    findFolds();
    for (var i = 0; i < blocks.length; i++) {
      var f = foldOf[i];
      if (f >= 0 && folds[f].start === i) fragment.appendChild(foldRow(folds[f], f));
      var node = el("div");
      node.dataset.i = i;
      node.appendChild(el("span", "chip"));
      node.appendChild(el("span", "n", "#" + i));
      node.appendChild(el("span", "note"));
      node.appendChild(el("p", "t", blocks[i].text));
      elements.push(node);
      paint(i);
      fragment.appendChild(node);
    }
    list.textContent = "";
    list.appendChild(fragment);
  }

  // -- runs of one label, folded into a row that opens on click ------------------------------

  function findFolds() {
    for (var start = 0, i = 1; i <= blocks.length; i++) {
      if (i < blocks.length && current[i] === current[start]) continue;
      if (i - start >= FOLD) folds.push({ start: start, end: i, open: false, node: null });
      start = i;
    }
    foldOf = blocks.map(function () { return -1; });
    folds.forEach(function (fold, f) {
      for (var i = fold.start; i < fold.end; i++) foldOf[i] = f;
    });
  }

  function foldRow(fold, f) {
    var row = el("button", "fold l" + current[fold.start]);
    row.type = "button";
    row.dataset.f = f;
    row.appendChild(el("span", "chip", labels[current[fold.start]]));
    row.appendChild(el("span", "cnt", plural(fold.end - fold.start, "block")));
    var words = [];
    for (var i = fold.start; i < fold.end && words.length < FOLD_WORDS; i++) {
      words.push.apply(words, blocks[i].text.split(/\s+/).filter(Boolean).slice(0, FOLD_WORDS - words.length));
      if (i + 1 < fold.end && words.length < FOLD_WORDS) words.push("·");
    }
    row.appendChild(el("span", "t", words.join(" ") + " …"));
    fold.node = row;
    paintFold(fold);
    return row;
  }

  function paintFold(fold) {
    fold.node.setAttribute("aria-expanded", String(fold.open));
    fold.node.title = (fold.open ? "Fold these " : "Show these ") + (fold.end - fold.start) + " blocks";
  }

  function toggleFold(f, open) {
    var fold = folds[f];
    fold.open = open === undefined ? !fold.open : open;
    paintFold(fold);
    applyFilter();
  }

  function folded(i) {
    return foldOf[i] >= 0 && !folds[foldOf[i]].open && !onlyDisagreeing;
  }

  // Whether block i passes the filter (label, disagreement); it is on screen unless folded.
  function visible(i) {
    return !hidden[current[i]] && (!onlyDisagreeing || wrong(i));
  }

  function onScreen(i) {
    return visible(i) && !folded(i);
  }

  function applyFilter() {
    var shown = 0;
    for (var i = 0; i < elements.length; i++) {
      elements[i].hidden = !onScreen(i);
      shown += visible(i);
    }
    folds.forEach(function (fold) {
      var any = false;
      for (var i = fold.start; i < fold.end && !any; i++) any = visible(i);
      fold.node.hidden = !any || onlyDisagreeing;
    });
    if (selected >= 0 && !onScreen(selected)) select(-1);
    document.getElementById("shown").textContent = shown + " of " + plural(blocks.length, "block") + " shown";
  }

  // -- the selected block and its votes ------------------------------------------------------

  // The combined score of every label, best first: the best one is the label if it reaches
  // the threshold, else the block is "other".
  function combinedScores(b) {
    var box = el("div", "combined");
    var how = data.combiner
      ? " (" + data.combiner.method + " combiner, threshold " + data.combiner.threshold.toFixed(2) + ")"
      : "";
    box.appendChild(el("p", "hint", "Combined scores" + how + ":"));
    var row = el("p", "scores");
    b.combined.forEach(function (c) {
      var item = el("span", "score");
      item.appendChild(el("span", "chip small l" + c[0], labels[c[0]]));
      var bar = el("span", "meter l" + c[0]);
      bar.style.width = (3 * c[1]).toFixed(2) + "rem";
      item.appendChild(bar);
      item.appendChild(el("span", "", c[1].toFixed(2)));
      row.appendChild(item);
    });
    box.appendChild(row);
    if (b.note) box.appendChild(el("p", "hint", b.note));
    return box;
  }

  function showDetail(i) {
    var b = blocks[i];
    detail.textContent = "";
    var facts = ["confidence " + b.confidence.toFixed(2), "predicted " + labels[b.label]];
    if (current[i] !== b.label) facts.push("corrected to " + labels[current[i]]);
    if (b.gold !== undefined) facts.push("gold " + (b.gold === null ? "(no words aligned)" : b.gold));
    detail.appendChild(el("p", "facts", "Block #" + i + ": " + facts.join(" · ")));
    var buttons = el("div", "relabel");
    buttons.appendChild(el("span", "hint", "Set label:"));
    labels.forEach(function (name, n) {
      var button = el("button", "pick l" + n + (n === current[i] ? " on" : ""));
      button.type = "button";
      button.dataset.label = n;
      if (n < 9) button.appendChild(el("kbd", "", String(n + 1)));
      button.appendChild(document.createTextNode(name));
      buttons.appendChild(button);
    });
    detail.appendChild(buttons);
    if (b.combined) detail.appendChild(combinedScores(b));
    if (!b.votes.length) {
      detail.appendChild(el("p", "hint", "No plugin voted on this block."));
      return;
    }
    var table = el("table", "votes");
    var head = el("tr");
    ["plugin", "label", "score", "reason"].forEach(function (h) { head.appendChild(el("th", "", h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    b.votes.forEach(function (v) {
      var row = el("tr");
      row.appendChild(el("td", "", v[0]));
      var cell = el("td");
      cell.appendChild(el("span", "chip small l" + v[1], labels[v[1]]));
      row.appendChild(cell);
      var score = el("td", "score");
      var bar = el("span", "meter l" + v[1]);
      bar.style.width = (3 * v[2]).toFixed(2) + "rem";
      score.appendChild(bar);
      score.appendChild(el("span", "", v[2].toFixed(2)));
      row.appendChild(score);
      row.appendChild(el("td", "", v[3]));
      body.appendChild(row);
    });
    table.appendChild(body);
    var wrap = el("div", "scroll");
    wrap.appendChild(table);
    detail.appendChild(wrap);
  }

  function select(i) {
    if (i >= 0 && folded(i)) toggleFold(foldOf[i], true);
    var before = selected;
    selected = i;
    if (before >= 0) paint(before);
    if (i < 0) {
      if (detail.parentNode) detail.parentNode.removeChild(detail);
      return;
    }
    paint(i);
    showDetail(i);
    elements[i].after(detail);
    elements[i].tabIndex = -1;
    elements[i].focus({ preventScroll: true });
  }

  function move(step) {
    var i = selected < 0 ? (step > 0 ? -1 : elements.length) : selected;
    for (i += step; i >= 0 && i < elements.length; i += step) {
      if (onScreen(i)) {
        select(i);
        detail.scrollIntoView({ block: "nearest" });
        elements[i].scrollIntoView({ block: "nearest" });
        return;
      }
    }
  }

  // -- corrections -----------------------------------------------------------------------------

  function relabel(i, n) {
    if (i < 0 || n >= labels.length || current[i] === n) return;
    history.push([i, current[i], n]);
    current[i] = n;
    changed(i);
  }

  function undo() {
    var step = history.pop();
    if (!step) return;
    current[step[0]] = step[1];
    changed(step[0]);
    if (selected !== step[0] && visible(step[0])) {
      select(step[0]);
      elements[step[0]].scrollIntoView({ block: "nearest" });
    }
  }

  function changed(i) {
    save();
    paint(i);
    if (i === selected) showDetail(i);
    summarise();
    if (!visible(i)) applyFilter();
    if (!document.getElementById("extract").hidden) showExtract();
  }

  function corrections() {
    var n = 0;
    for (var i = 0; i < blocks.length; i++) n += current[i] !== blocks[i].label;
    return n;
  }

  function exportName() {
    var base = data.source === "-" ? "stdin" : data.source.split(/[\\/]/).pop();
    base = base.replace(/\.(gz)$/i, "").replace(/\.[^.]*$/, "") || "document";
    return (base.replace(/[^\w.-]+/g, "_").replace(/^[._]+|[._]+$/g, "") || "document") + ".labels.jsonl";
  }

  function exportLabels() {
    var record = { source: data.source, input_format: data.html != null ? data.input_format : "text" };
    if (data.html != null) record.html = data.html;
    record.blocks = blocks.map(function (b, i) {
      return { index: i, text: b.text, label: labels[current[i]] };
    });
    var blob = new Blob([JSON.stringify(record) + "\n"], { type: "application/jsonl" });
    var link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = exportName();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
    document.getElementById("status").textContent =
      "Exported " + link.download + " (" + plural(corrections(), "correction") +
      "); they are no longer kept in this browser.";
  }

  // -- the summary: words per label, the filter, the gold scores -------------------------------

  function summarise() {
    var words = labels.map(function () { return 0; });
    var count = labels.map(function () { return 0; });
    var total = 0;
    for (var i = 0; i < blocks.length; i++) {
      var w = blocks[i].words === undefined ? (blocks[i].words = wordCount(blocks[i].text)) : blocks[i].words;
      words[current[i]] += w;
      count[current[i]] += 1;
      total += w;
    }
    var bar = document.getElementById("bar");
    var legend = document.getElementById("legend");
    bar.textContent = "";
    legend.textContent = "";
    labels.forEach(function (name, n) {
      if (words[n]) {
        var part = el("span", "l" + n);
        part.style.width = (100 * words[n] / total) + "%";
        part.title = name + ": " + words[n] + " words";
        bar.appendChild(part);
      }
      var item = el("label", "lg l" + n + (count[n] ? "" : " none"));
      var box = el("input");
      box.type = "checkbox";
      box.checked = !hidden[n];
      box.dataset.label = n;
      item.appendChild(box);
      item.appendChild(el("span", "sw"));
      item.appendChild(el("span", "name", name));
      var pct = total ? Math.round(100 * words[n] / total) : 0;
      var counts = plural(words[n], "word") + " (" + pct + "%) · " + plural(count[n], "block");
      item.appendChild(el("span", "cnt", counts));
      if (n < 9) item.appendChild(el("kbd", "", String(n + 1)));
      legend.appendChild(item);
    });
    var fixes = corrections();
    var button = document.getElementById("export");
    button.textContent = "Export labelled blocks" + (fixes ? " (" + fixes + " corrected)" : "");
    document.getElementById("undo").disabled = !history.length;
  }

  function scores() {
    if (!data.scores) return;
    var box = document.getElementById("scores");
    box.hidden = false;
    var table = el("table", "scores");
    var head = el("tr");
    ["label", "precision", "recall", "F1", "gold words"].forEach(function (h) {
      head.appendChild(el("th", "", h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    data.scores.rows.forEach(function (r) {
      var row = el("tr");
      var cell = el("td");
      cell.appendChild(el("span", "chip small l" + labelNumber(r.label), r.label));
      row.appendChild(cell);
      [r.precision, r.recall, r.f1].forEach(function (x) { row.appendChild(el("td", "num", x.toFixed(3))); });
      row.appendChild(el("td", "num", String(r.words)));
      body.appendChild(row);
    });
    table.appendChild(body);
    var wrap = el("div", "scroll");
    wrap.appendChild(table);
    box.appendChild(wrap);
    var wrong = blocks.filter(function (b) { return b.agrees === false; }).length;
    box.appendChild(el("p", "", "Macro F1 over the six labels: " + data.scores.macro_f1.toFixed(3) + ". " +
      plural(wrong, "block") + (wrong === 1 ? " disagrees" : " disagree") +
      " with the gold labels (outlined in red)."));
    var toggle = el("label", "check");
    var check = el("input");
    check.type = "checkbox";
    check.id = "only-wrong";
    toggle.appendChild(check);
    toggle.appendChild(document.createTextNode(" show only blocks that disagree"));
    box.appendChild(toggle);
    check.addEventListener("change", function () { onlyDisagreeing = check.checked; applyFilter(); });
  }

  // -- the extracted text ----------------------------------------------------------------------

  function showExtract() {
    var parts = [];
    for (var i = 0; i < blocks.length; i++) {
      if (EXTRACT.indexOf(labels[current[i]]) >= 0) parts.push(blocks[i].text);
    }
    var box = document.getElementById("extract");
    box.firstElementChild.textContent = parts.length ? parts.join("\n\n") : "(no headline or body blocks)";
  }

  function toggleExtract() {
    var box = document.getElementById("extract");
    var on = box.hidden;
    box.hidden = !on;
    list.hidden = on;
    document.getElementById("view").setAttribute("aria-pressed", String(on));
    document.getElementById("view").textContent = on ? "Show blocks" : "Show extracted text";
    if (on) showExtract();
  }

  // -- the page itself, beside the blocks (HTML input) ----------------------------------------

  function togglePage() {
    var aside = document.getElementById("original");
    var button = document.getElementById("page-view");
    var on = aside.hidden;
    if (on && !aside.querySelector("iframe")) {
      var frame = el("iframe");
      frame.setAttribute("sandbox", "");  // no scripts, forms, popups or navigation of this page
      frame.setAttribute("referrerpolicy", "no-referrer");
      frame.title = "The page as shown without scripts";
      frame.srcdoc = data.preview;
      aside.appendChild(frame);
    }
    aside.hidden = !on;
    document.body.classList.toggle("side", on);
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "Hide the page" : "Show the page";
    aside.style.top = document.getElementById("toolbar").offsetHeight + "px";
  }

  // -- events ----------------------------------------------------------------------------------

  function blockIndex(target) {
    var node = target.closest(".b");
    return node && node.parentNode === list ? Number(node.dataset.i) : -1;
  }

  list.addEventListener("click", function (event) {
    var fold = event.target.closest("button.fold");
    if (fold) {
      toggleFold(Number(fold.dataset.f));
      return;
    }
    var pick = event.target.closest("button.pick");
    if (pick) {
      relabel(selected, Number(pick.dataset.label));
      return;
    }
    if (event.target.closest("#detail")) return;
    var i = blockIndex(event.target);
    if (i >= 0) select(i === selected ? -1 : i);
  });

  list.addEventListener("mouseover", function (event) {
    var i = blockIndex(event.target);
    if (i >= 0 && !elements[i].title) {
      elements[i].title = labels[blocks[i].label] + ", confidence " + blocks[i].confidence.toFixed(2) +
        " (" + blocks[i].votes.length + " votes): click for the votes";
    }
  });

  document.getElementById("legend").addEventListener("change", function (event) {
    var n = Number(event.target.dataset.label);
    hidden[n] = !event.target.checked;
    applyFilter();
  });

  document.getElementById("undo").addEventListener("click", undo);
  document.getElementById("export").addEventListener("click", exportLabels);
  document.getElementById("view").addEventListener("click", toggleExtract);
  if (data.preview) {
    document.getElementById("page-view").hidden = false;
    document.getElementById("page-view").addEventListener("click", togglePage);
  }

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("textarea, select, input:not([type=checkbox])")) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
      event.preventDefault();
      undo();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp" || event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") select(-1);
    else if (event.key === "u") undo();
    else if (/^[1-9]$/.test(event.key) && selected >= 0) relabel(selected, Number(event.key) - 1);
  });

  labelStyles();
  load();
  build();
  summarise();
  scores();
  applyFilter();
  // Milliseconds from navigation start to the first frame drawn with the blocks (tests read it).
  requestAnimationFrame(function () {
    setTimeout(function () { document.body.dataset.ready = String(Math.round(performance.now())); }, 0);
  });
})();
