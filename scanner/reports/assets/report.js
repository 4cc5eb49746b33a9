/* cloudscan HTML report: filters, findings table and detail view over the embedded JSON data island.
 * Every value from the scan is inserted with textContent (never innerHTML), so data cannot become markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cloudscan-data").textContent);
  var findings = data.findings;
  var $ = function (id) { return document.getElementById(id); };
  var filters = { status: $("f-status"), severity: $("f-severity"), service: $("f-service"), control: $("f-control"), text: $("f-text") };
  var shownLimit = data.limit;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function badge(text, cls) { return el("span", { "class": "badge " + cls, text: text }); }
  function controlKey(ref) { return ref.framework + ":" + ref.id; }

  function addOptions(select, values) {
    values.forEach(function (pair) { select.appendChild(el("option", { value: pair[0], text: pair[1] })); });
  }
  var services = {}, controls = {};
  findings.forEach(function (f) {
    services[f.service] = true;
    f.controls.forEach(function (index) { var ref = data.controls[index]; controls[controlKey(ref)] = ref; });
  });
  addOptions(filters.service, Object.keys(services).sort().map(function (s) { return [s, s]; }));
  addOptions(filters.control, Object.keys(controls).sort().map(function (key) {
    var ref = controls[key];
    return [key, (data.frameworks[ref.framework] || ref.framework) + " " + ref.id];
  }));

  function matches(f) {
    var status = filters.status.value, text = filters.text.value.trim().toLowerCase();
    if (status === "open" ? (f.status !== "FAIL" && f.status !== "ERROR") : (status && f.status !== status)) { return false; }
    if (filters.severity.value && f.severity !== filters.severity.value) { return false; }
    if (filters.service.value && f.service !== filters.service.value) { return false; }
    if (filters.control.value && !f.controls.some(function (i) { return controlKey(data.controls[i]) === filters.control.value; })) { return false; }
    if (text) {
      var r = f.resource, hay = [f.rule_id, f.title, f.message, r.id, r.name || "", r.arn || "", r.type].join(" ").toLowerCase();
      if (hay.indexOf(text) < 0) { return false; }
    }
    return true;
  }

  function row(f, index) {
    var r = f.resource;
    var ruleButton = el("button", { "class": "link", type: "button", text: f.rule_id });
    var byFramework = {};
    f.controls.forEach(function (i) {
      var ref = data.controls[i];
      (byFramework[ref.framework] = byFramework[ref.framework] || []).push(ref.id);
    });
    var controlsText = Object.keys(byFramework).sort().map(function (fw) {
      return fw.replace(/^iso/, "") + ": " + byFramework[fw].join(", ");
    }).join(" · ");
    var statusCell = el("td", {}, [badge(f.status, "st-" + f.status)]);
    if (f.baseline === "new") { statusCell.appendChild(document.createTextNode(" ")); statusCell.appendChild(badge("new", "new")); }
    var tr = el("tr", { "class": "finding", "data-index": String(index) }, [
      statusCell,
      el("td", {}, [badge(f.severity, "sev-" + f.severity)]),
      el("td", { "class": "mono" }, [ruleButton]),
      el("td", { "class": "mono", text: r.type + " " + (r.name || r.id) }),
      el("td", { text: r.region }),
      el("td", { text: f.message }),
      el("td", { "class": "small", text: controlsText })
    ]);
    tr.addEventListener("click", function () { openDetail(index); });
    return tr;
  }

  function render() {
    var body = $("findings-body");
    var selected = [];
    findings.forEach(function (f, index) { if (matches(f)) { selected.push(index); } });
    body.textContent = "";
    var fragment = document.createDocumentFragment();
    selected.slice(0, shownLimit).forEach(function (index) { fragment.appendChild(row(findings[index], index)); });
    body.appendChild(fragment);
    var shown = Math.min(selected.length, shownLimit);
    $("findings-count").textContent = "Showing " + shown + " of " + selected.length + " matching findings (" + findings.length + " in the scan).";
    $("show-more").hidden = selected.length <= shownLimit;
    $("no-match").hidden = selected.length > 0;
  }

  function section(title, nodes) { return [el("h3", { text: title })].concat(nodes); }
  function pre(text) { return el("pre", { text: text }); }
  function kv(pairs) {
    var dl = el("dl", { "class": "kv" });
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") { return; }
      dl.appendChild(el("dt", { text: pair[0] }));
      dl.appendChild(el("dd", { "class": pair[2] || "", text: String(pair[1]) }));
    });
    return dl;
  }

  function openDetail(index) {
    var f = findings[index], r = f.resource, rem = data.remediations[f.remediation];
    $("detail-title").textContent = f.title;
    $("detail-sub").textContent = f.rule_id;
    var body = $("detail-body");
    body.textContent = "";
    var nodes = [
      el("p", {}, [badge(f.status, "st-" + f.status), document.createTextNode(" "), badge(f.severity, "sev-" + f.severity),
        document.createTextNode(" " + f.message)])
    ];
    nodes = nodes.concat(section("Resource", [kv([["Type", r.type], ["ID", r.id, "mono"], ["Name", r.name], ["ARN", r.arn, "mono"],
      ["Region", r.region], ["Account", r.account], ["Tags", Object.keys(r.tags || {}).length ? JSON.stringify(r.tags) : ""],
      ["Fingerprint", f.fingerprint, "mono"], ["Baseline", f.baseline]])]));
    nodes = nodes.concat(section("Evidence", [pre(JSON.stringify(f.evidence, null, 2))]));
    var remNodes = [el("p", { text: rem.text })];
    if (rem.console) { remNodes.push(kv([["Console", rem.console]])); }
    if (rem.cli) { remNodes.push(el("div", { "class": "small", text: "CLI" }), pre(rem.cli.trim())); }
    if (rem.terraform) { remNodes.push(el("div", { "class": "small", text: "Terraform" }), pre(rem.terraform.trim())); }
    if (rem.url && /^https?:\/\//.test(rem.url)) {
      remNodes.push(el("p", {}, [el("a", { href: rem.url, target: "_blank", rel: "noopener noreferrer", text: rem.url })]));
    }
    nodes = nodes.concat(section("Remediation", remNodes));
    if (f.waiver) {
      nodes = nodes.concat(section("Accepted risk (waiver)", [kv([["Waiver", f.waiver.id], ["Owner", f.waiver.owner],
        ["Expires", f.waiver.expires], ["Reason", f.waiver.reason]])]));
    }
    var table = el("table", {}, [el("thead", {}, [el("tr", {}, ["Framework", "Control", "Title", "Responsibility", "Why it applies"].map(function (h) {
      return el("th", { text: h });
    }))])]);
    var tbody = el("tbody");
    f.controls.forEach(function (i) {
      var c = data.controls[i];
      tbody.appendChild(el("tr", {}, [el("td", { text: data.frameworks[c.framework] || c.framework }), el("td", { text: c.id }),
        el("td", { text: c.title }), el("td", { text: c.responsibility }), el("td", { text: c.rationale })]));
    });
    table.appendChild(tbody);
    nodes = nodes.concat(section("Controls" + (f.responsibility ? " (responsibility: " + f.responsibility + ")" : ""), [table]));
    nodes.forEach(function (node) { body.appendChild(node); });
    var dialog = $("detail");
    if (!dialog.open) { dialog.showModal(); }
  }

  function showTab(name) {
    document.querySelectorAll(".tab").forEach(function (tab) { tab.hidden = tab.id !== name; });
    document.querySelectorAll("nav.tabs a").forEach(function (link) {
      link.classList.toggle("active", link.getAttribute("href") === "#" + name);
    });
  }

  document.body.classList.add("js");
  document.querySelectorAll("nav.tabs a").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); showTab(link.getAttribute("href").slice(1)); });
  });
  document.querySelectorAll("button[data-control]").forEach(function (button) {
    button.addEventListener("click", function () {
      filters.status.value = "";
      filters.control.value = button.getAttribute("data-control");
      shownLimit = data.limit;
      render();
      showTab("findings-tab");
    });
  });
  Object.keys(filters).forEach(function (key) {
    filters[key].addEventListener(key === "text" ? "input" : "change", function () { shownLimit = data.limit; render(); });
  });
  $("reset").addEventListener("click", function () {
    filters.status.value = "open"; filters.severity.value = ""; filters.service.value = ""; filters.control.value = ""; filters.text.value = "";
    shownLimit = data.limit; render();
  });
  $("show-more").addEventListener("click", function () { shownLimit += data.limit; render(); });
  $("detail-close").addEventListener("click", function () { $("detail").close(); });
  $("js-note").hidden = true;
  showTab("findings-tab");
  render();
})();
