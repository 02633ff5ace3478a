/* govmedia: is this account official? Runs in the browser from data/accounts.json only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var dataUrl = script && script.getAttribute("data-accounts");
  var input = document.getElementById("gm-q");
  var out = document.getElementById("gm-result");
  if (!dataUrl || !input || !out) return;
  var form = input.form;
  var data = null;

  function fold(s) {
    return s.normalize("NFKC").toLowerCase()
      .replace(/[\s\u00a0\u200b-\u200f\u2060\ufeff@「」『』“”‘’"'《》〈〉<>【】\[\]()（）]/g, "");
  }
  function bareHost(h) {
    h = h.toLowerCase().replace(/\.$/, "");
    for (;;) {
      if (h.indexOf("www.") === 0) h = h.slice(4);
      else if (h.indexOf("m.") === 0) h = h.slice(2);
      else return h;
    }
  }
  // A URL without scheme, query, fragment or trailing slash; hosts without www./m.
  function parseUrl(s) {
    s = s.trim();
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
      if (!/^[^\s\/@]+\.[a-z]{2,}(\/|$|\?)/i.test(s)) return null;
      s = "https://" + s;
    }
    var u;
    try { u = new URL(s); } catch (e) { return null; }
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    var path = u.pathname.replace(/\/+$/, "");
    try { path = decodeURIComponent(path); } catch (e) { /* keep as is */ }
    return { host: bareHost(u.hostname), path: path, params: u.searchParams };
  }
  function same(a, b, ci) {  // b: a registered value, absent for an existing account recorded without it
    return b != null && (ci ? a.toLowerCase() === b.toLowerCase() : a === b);
  }
  function onPlatform(platform, host) {
    return platform.hosts.some(function (h) {
      h = bareHost(h);
      return host === h || host.slice(-(h.length + 1)) === "." + h;
    });
  }

  function find(q) {
    var accounts = data.accounts, platforms = data.platforms, hits = [];
    var url = parseUrl(q);
    if (url) {
      accounts.forEach(function (a) {
        var p = platforms[a.platform] || { hosts: [], case_insensitive: false };
        var reg = a._url || (a._url = a.url ? parseUrl(a.url) : null);
        if (!reg) return;
        var exact = reg.host === url.host && same(reg.path, url.path, p.case_insensitive);
        if (exact) {  // the registered query parameters (e.g. WeChat's __biz) must all be there
          reg.params.forEach(function (v, k) { if (url.params.get(k) !== v) exact = false; });
        }
        var byId = !exact && onPlatform(p, url.host) && url.path.split("/").some(function (seg) {
          return seg && same(seg, a.platform_id, p.case_insensitive);
        });
        if (exact || byId) hits.push(a);
      });
      if (hits.length) return hits;
    }
    // Not a registered URL: a platform id (app ids look like host names) or an account name.
    var raw = q.trim().replace(/^[@＠]/, ""), key = fold(q);
    accounts.forEach(function (a) {
      var p = platforms[a.platform] || { case_insensitive: false };
      var alias = (a.aliases || []).some(function (x) { return same(raw, x, true); });  // a WeChat id
      if (same(raw, a.platform_id, p.case_insensitive) || alias || (key && fold(a.name) === key)) hits.push(a);
    });
    return hits;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function unitLink(a) {
    var base = dataUrl.replace(/data\/accounts\.json$/, "");
    return base + "units/" + encodeURIComponent(a.unit_id) + "/#" + encodeURIComponent(a.account_id);
  }
  function show(q) {
    out.textContent = "";
    if (!q.trim()) return;
    var hits = find(q);
    var box = el("div", "gm-verdict");
    if (!hits.length) {
      box.classList.add("gm-verdict-no");
      box.appendChild(el("p", "gm-verdict-title", "未在本名录中，请勿轻信"));
      box.appendChild(el("p", "", "“" + q.trim() + "”不是本名录登记的政务新媒体账号。请不要轻信其发布的信息；" +
        "如发现冒用政府名义的账号，请向区政府办公室反映。"));
      out.appendChild(box);
      return;
    }
    var official = hits.some(function (a) { return a.official; });
    box.classList.add(official ? "gm-verdict-yes" : "gm-verdict-gone");
    box.appendChild(el("p", "gm-verdict-title", official ? "已备案" : "已备案，但已不再是官方账号"));
    hits.forEach(function (a) {
      var card = el("div", "gm-hit");
      var title = el("p", "gm-hit-name");
      var link = el("a", "", a.name);
      link.href = unitLink(a);
      title.appendChild(link);
      card.appendChild(title);
      var dl = el("dl");
      [["主办单位", a.unit_name], ["平台", a.platform_label],
       ["状态", a.status_label + (a.official ? "" : "（已不再是官方账号）")], ["链接", a.url]]
        .forEach(function (row) { dl.appendChild(el("dt", "", row[0])); dl.appendChild(el("dd", "", row[1])); });
      card.appendChild(dl);
      box.appendChild(card);
    });
    out.appendChild(box);
  }

  var pending = null;
  function run(q) {
    if (data) { show(q); return; }
    pending = q;
    out.textContent = "正在载入名录……";
  }
  fetch(dataUrl, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (json) { data = json; out.textContent = ""; if (pending !== null) show(pending); })
    .catch(function () { out.textContent = "名录数据载入失败，请刷新页面重试。"; });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    }
    run(q);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
})();
