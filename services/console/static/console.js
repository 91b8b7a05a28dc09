// Warden console: keyboard shortcuts, queue row navigation, the ring network.
// Loaded from the console's origin; no inline script anywhere (see the CSP in web/app.py).
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.row[data-href]")); }
  var selected = -1;
  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (r, i) { r.classList.toggle("selected", i === selected); });
    all[selected].scrollIntoView({ block: "nearest" });
  }

  function focusKey(key) {
    var field = document.querySelector('[data-focus-key="' + key + '"]');
    if (field) { field.focus(); field.scrollIntoView({ block: "center" }); return true; }
    return false;
  }

  function clickKey(key) {
    var button = document.querySelector('[data-key="' + key + '"]');
    if (!button) { return false; }
    if (button.tagName === "A") { window.location.href = button.getAttribute("href"); }
    else { button.click(); }
    return true;
  }

  var pendingG = false;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (clickKey("g " + key)) { event.preventDefault(); }
      return;
    }
    var handled = true;
    if (key === "g") { pendingG = true; }
    else if (key === "n") { handled = clickKey("n"); }
    else if (key === "j") { select(selected + 1); }
    else if (key === "k") { select(selected - 1); }
    else if ((key === "o" || key === "Enter") && selected >= 0) { window.location.href = rows()[selected].dataset.href; }
    else if (key === "d" || key === "a" || key === "c") { handled = focusKey(key); }
    else if (key === "?") { var help = document.getElementById("shortcuts"); if (help) { help.showModal(); } }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-help]")) {
      document.getElementById("shortcuts").showModal();
      return;
    }
    if (target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
      return;
    }
    var row = target.closest("tr.row[data-href]");
    if (row && !target.closest("a, button, form")) { window.location.href = row.dataset.href; }
  });

  function showNode(details, node) {
    var data = node.data();
    details.textContent = "";
    var title = document.createElement("h3");
    title.textContent = data.id;
    details.appendChild(title);
    var list = document.createElement("dl");
    Object.keys(data).sort().forEach(function (key) {
      if (key === "id" || key === "label" || data[key] === "") { return; }
      var dt = document.createElement("dt"); dt.textContent = key;
      var dd = document.createElement("dd"); dd.textContent = String(data[key]);
      list.appendChild(dt); list.appendChild(dd);
    });
    var edges = node.connectedEdges().map(function (e) {
      var d = e.data();
      return (d.source === data.id ? "→ " + d.target : "← " + d.source) + ": " + d.label + " (" + d.tx + ")";
    });
    details.appendChild(list);
    var ul = document.createElement("ul");
    edges.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; ul.appendChild(li); });
    details.appendChild(ul);
    details.dataset.account = data.id;
  }

  function drawRing() {
    var holder = document.getElementById("ring-graph");
    var source = document.getElementById("ring-data");
    if (!holder || !source || typeof window.cytoscape !== "function") { return; }
    var details = document.getElementById("ring-details");
    var elements = JSON.parse(source.textContent);
    var nodeCount = elements.filter(function (e) { return e.group === "nodes"; }).length;
    // A ring of a dozen accounts reads best as a circle; larger networks need a force layout.
    var layout = nodeCount <= 12
      ? { name: "circle", padding: 40, avoidOverlap: true }
      : { name: "cose", animate: false, nodeRepulsion: 400000, idealEdgeLength: 160, padding: 40 };
    var cy = window.cytoscape({
      container: holder,
      elements: elements,
      layout: layout,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 10, "background-color": "#7a8699", "width": 22, "height": 22, "text-valign": "bottom", "text-margin-y": 4 } },
        { selector: "node[role = 'path']", style: { "background-color": "#c0392b" } },
        { selector: "node[role = 'subject']", style: { "background-color": "#8e1b10", "width": 32, "height": 32, "border-width": 3, "border-color": "#222" } },
        { selector: "edge", style: { "width": 1.5, "line-color": "#b5bcc7", "target-arrow-color": "#b5bcc7", "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 7, "text-rotation": "autorotate", "text-background-color": "#fcfcfd", "text-background-opacity": 0.8, "color": "#555" } },
        { selector: "edge[hot = 'yes']", style: { "width": 3, "line-color": "#c0392b", "target-arrow-color": "#c0392b", "color": "#8e1b10" } },
        { selector: ":selected", style: { "overlay-opacity": 0.15, "border-width": 3, "border-color": "#1f5fbf" } }
      ]
    });
    cy.on("tap", "node", function (event) { showNode(details, event.target); });
    holder.dataset.ready = "yes";
    window.wardenRing = cy;
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawRing); }
  else { drawRing(); }
})();
