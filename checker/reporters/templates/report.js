/* report.html: filters, search and the sortable matrix. Plain ES5, no library, no network. */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }
  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, " "); }

  var form = byId("filters");
  var dept = byId("f-dept");
  var status = byId("f-status");
  var severity = byId("f-severity");
  var search = byId("f-search");
  var count = byId("f-count");
  var noMatch = byId("no-match");

  var rules = all(document, "article.rule").map(function (article) {
    var header = article.querySelector("header");
    var facts = article.querySelector("dl");
    return {
      el: article,
      status: article.getAttribute("data-status"),
      severity: article.getAttribute("data-severity"),
      depts: JSON.parse(article.getAttribute("data-depts") || "[]"),
      head: norm((header ? header.textContent : "") + " " + (facts ? facts.textContent : "")),
      rows: all(article, "table.violations tbody tr").map(function (tr) {
        return { el: tr, dept: tr.getAttribute("data-dept"), text: norm(tr.textContent) };
      })
    };
  });

  function apply() {
    var d = dept.value;
    var st = status.value;
    var sev = severity.value;
    var q = norm(search.value).trim();
    var shownRules = 0;
    var shownRows = 0;
    rules.forEach(function (rule) {
      var selected = (!st || rule.status === st) && (!sev || rule.severity === sev) && (!d || rule.depts.indexOf(d) >= 0);
      var headHit = !q || rule.head.indexOf(q) >= 0;
      var visible = 0;
      rule.rows.forEach(function (row) {
        var show = selected && (!d || row.dept === d) && (headHit || row.text.indexOf(q) >= 0);
        row.el.hidden = !show;
        if (show) { visible += 1; }
      });
      var show = selected && (headHit || visible > 0);
      rule.el.hidden = !show;
      if (show) { shownRules += 1; shownRows += visible; }
    });
    var filtered = d || st || sev || q;
    count.textContent = filtered ? "显示 " + shownRules + " 条规则、" + shownRows + " 条违规记录" : "";
    noMatch.hidden = shownRules > 0;
  }

  [dept, status, severity].forEach(function (el) { el.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

  all(document, "button.dept-link").forEach(function (button) {
    button.addEventListener("click", function () {
      dept.value = button.getAttribute("data-dept");
      apply();
      byId("rules").scrollIntoView();
    });
  });

  /* Sortable tables: click a header to sort by that column; click again to reverse. */
  all(document, "table.sortable").forEach(function (table) {
    var headers = all(table, "thead th");
    var body = table.tBodies[0];
    headers.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort") === "num";
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : numeric;
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-value") || "";
          var y = b.cells[index].getAttribute("data-value") || "";
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "zh-CN");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  apply();
}());
