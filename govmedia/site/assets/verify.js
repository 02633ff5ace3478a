/* govmedia: is this account official? Runs in the browser from data/verify.json only (worked out when the
   site is built: name skeletons, the folding table, the platforms' link shapes). The verdict element carries
   data-verdict = official | former | name-only | lookalike | unit | undecidable | unknown. */
(function () {
  "use strict";
  var script = document.currentScript;
  var dataUrl = script && script.getAttribute("data-index");
  var input = document.getElementById("gm-q");
  var out = document.getElementById("gm-result");
  if (!dataUrl || !input || !out) return;
  var data = null;
  var KEEP = "$¥€£+";
  var DROP = /[\p{Z}\p{C}\p{M}\p{P}\p{S}]/gu;
  var URL_IN_TEXT = /https?:\/\/[^\s<>"'，。！？、；：“”‘’【】（）《》「」]+/i;

  function plain(s) {
    return s.normalize("NFKC").toLowerCase().replace(DROP, function (c) { return KEEP.indexOf(c) >= 0 ? c : ""; });
  }
  function skel(s) {
    var outText = "";
    Array.from(s).forEach(function (ch) {
      var m = data.chars[ch];
      outText += m !== undefined ? m : Array.from(plain(ch)).map(function (c) {
        var n = data.chars[c];
        return n !== undefined ? n : c;
      }).join("");
    });
    data.pairs.forEach(function (p) { outText = outText.split(p[0]).join(p[1]); });
    return outText;
  }
  function bareHost(h) {
    h = h.toLowerCase().replace(/\.$/, "");
    while (h.indexOf("www.") === 0 || h.indexOf("m.") === 0) h = h.slice(h.indexOf(".") + 1);
    return h;
  }
  function parseUrl(s) {
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
  function platformOf(key) { return data.platforms[key] || { label: key, hosts: [], case_insensitive: false, howto: data.generic_howto }; }
  function onPlatform(p, host) {
    return p.hosts.some(function (h) { h = bareHost(h); return host === h || host.slice(-(h.length + 1)) === "." + h; });
  }
  function holds(a, value) {  // the account's platform id or one of its public handles
    var ci = platformOf(a.platform).case_insensitive;
    return same(value, a.platform_id, ci) || (a.aliases || []).some(function (x) { return same(value, x, ci); });
  }
  function lev(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 2) return 3;
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  function classify(u) {
    var key = u.host + u.path;
    for (var i = 0; i < data.shapes.length; i++) {
      var s = data.shapes[i], m = key.match(new RegExp(s.re));
      if (!m) continue;
      if (s.kind === "biz") {
        var biz = u.params.get("__biz");
        return biz ? { platform: s.platform, kind: "biz", value: biz } : { platform: s.platform, kind: "content" };
      }
      var value = null;
      for (var g = m.length - 1; g > 0 && (s.kind === "id" || s.kind === "name"); g--) {
        if (m[g] !== undefined) { value = m[g]; break; }
      }
      return { platform: s.platform, kind: s.kind, value: value };
    }
    return null;
  }
  function byHandle(hits) {
    if (!hits.length) return null;
    var now = hits.filter(function (a) { return a.official; });
    return now.length ? { verdict: "official", hits: now } : { verdict: "former", hits: hits };
  }

  function judgeUrl(text) {
    var u = parseUrl(text);
    if (!u) return null;
    var exact = data.accounts.filter(function (a) {
      var reg = a.url && (a._url || (a._url = parseUrl(a.url)));
      if (!reg || reg.host !== u.host || !same(reg.path, u.path, platformOf(a.platform).case_insensitive)) return false;
      var ok = true;  // the registered query parameters (e.g. WeChat's __biz) must all be there
      reg.params.forEach(function (v, k) { if (u.params.get(k) !== v) ok = false; });
      return ok;
    });
    if (exact.length) return byHandle(exact);
    var shape = classify(u);
    if (shape && shape.kind === "biz") {
      return byHandle(data.accounts.filter(function (a) {
        var reg = a.url && parseUrl(a.url);
        return a.wechat_biz === shape.value || (reg && reg.params.get("__biz") === shape.value);
      })) || { verdict: "unknown", platform: shape.platform };
    }
    if (shape && shape.kind === "id") {
      return byHandle(data.accounts.filter(function (a) {
        return (a.platform === shape.platform || onPlatform(platformOf(a.platform), u.host)) && holds(a, shape.value);
      })) || { verdict: "unknown", platform: shape.platform };
    }
    if (shape && shape.kind === "name") return judgeName(shape.value);
    if (shape) return { verdict: "undecidable", platform: shape.platform, kind: shape.kind };
    var home = Object.keys(data.platforms).filter(function (k) { return onPlatform(data.platforms[k], u.host); });
    if (home.length) {  // a platform's link of a shape the page does not know: look for the id in it
      var found = byHandle(data.accounts.filter(function (a) {
        return home.indexOf(a.platform) >= 0 && u.path.split("/").some(function (seg) { return seg && holds(a, seg); });
      }));
      return found || { verdict: "undecidable", platform: home[0], kind: "content" };
    }
    return { verdict: "unknown" };
  }

  function judgeName(text) {
    var p = plain(text), k = skel(text);
    if (!p) return { verdict: "unknown" };
    var units = data.units.filter(function (u) {
      return plain(u.name) === p || plain(u.short_name) === p || u.skel.indexOf(k) >= 0;
    });
    if (units.length) return { verdict: "unit", units: units };
    var named = data.accounts.filter(function (a) { return plain(a.name) === p; });
    // A name never confirms an official account; a name held only by accounts no longer official (an existing
    // account registered closed, perhaps without id or url) can only say so.
    if (named.length) {
      return named.some(function (a) { return a.official; }) ? { verdict: "name-only", hits: named }
        : { verdict: "former", hits: named };
    }
    var kin = data.accounts.filter(function (a) {
      if (a.skel === k || (/^[a-z]+$/.test(p) && p.length >= 4 && a.py === p)) return true;
      var n = Array.from(k).length, m = Array.from(a.skel).length;
      if (n >= 4 && m >= 4 && n > m && k.indexOf(a.skel) >= 0) return true;
      return n >= 4 && m >= 4 && lev(k, a.skel) <= (Math.min(n, m) >= 8 ? 2 : 1);
    });
    if (kin.length) return { verdict: "lookalike", hits: kin };
    return { verdict: "unknown" };
  }

  function judge(q) {
    var text = q.trim();
    var link = text.match(URL_IN_TEXT);
    if (link) return judgeUrl(link[0].replace(/[.,;:!?)\]]+$/, ""));
    if (/^[^\s\/@＠]+\.[a-z]{2,}(\/|\?|$)/i.test(text)) {  // a link without its scheme
      var asUrl = judgeUrl("https://" + text);
      if (asUrl && asUrl.verdict !== "unknown") return asUrl;
    }
    var raw = text.replace(/^[@＠]/, "");
    var held = byHandle(data.accounts.filter(function (a) { return holds(a, raw) || a.wechat_biz === raw; }));
    return held || judgeName(text);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var base = dataUrl.replace(/data\/verify\.json$/, "");
  function unitHref(unitId, accountId) {
    return base + "units/" + encodeURIComponent(unitId) + "/" + (accountId ? "#" + encodeURIComponent(accountId) : "");
  }
  function card(a) {
    var c = el("div", "gm-hit"), title = el("p", "gm-hit-name"), link = el("a", "", a.name);
    link.href = unitHref(a.unit_id, a.account_id);
    title.appendChild(link);
    c.appendChild(title);
    var dl = el("dl"), p = platformOf(a.platform);
    var state = a.status_label + (a.official ? "" : "（已不再是官方账号" + (a.left_on ? "，自 " + a.left_on + " 起" : "") + "）");
    [["主办单位", a.unit_name], ["平台", p.label], ["平台账号 ID", a.platform_id],
     ["其他账号标识", (a.aliases || []).join("、")], ["状态", state], ["链接", a.url]]
      .forEach(function (row) {
        if (!row[1]) return;
        dl.appendChild(el("dt", "", row[0]));
        dl.appendChild(el("dd", "", row[1]));
      });
    c.appendChild(dl);
    return c;
  }
  var TITLES = {
    "official": ["gm-verdict-yes", "已备案：官方账号"],
    "former": ["gm-verdict-gone", "已备案，但已不再是官方账号"],
    "name-only": ["gm-verdict-warn", "名称相符，但仅凭名称不能确认是官方账号"],
    "lookalike": ["gm-verdict-no", "疑似仿冒：与官方账号名称相似但不相同"],
    "unit": ["gm-verdict-info", "这是主办单位的名称"],
    "undecidable": ["gm-verdict-warn", "无法在本页判断这个链接"],
    "unknown": ["gm-verdict-no", "未在本名录中，请勿轻信"]
  };
  function explain(box, r, q) {
    var p = r.platform ? platformOf(r.platform) : null;
    var say = function (t) { box.appendChild(el("p", "", t)); };
    if (r.verdict === "official") say("这是" + data.jurisdiction + "登记在案的官方政务新媒体账号：");
    if (r.verdict === "former") {
      var a = r.hits[0];
      say("该账号曾是官方账号，" + (a.left_on ? "自 " + a.left_on + " 起" : "现在") + a.status_label +
        "，不再代表主办单位发布信息。");
    }
    if (r.verdict === "name-only") {
      say("冒充者常常使用与官方账号相同的名称。名录中使用这个名称的账号如下：请在平台上打开该账号的主页，" +
        "核对账号 ID 或主页链接与下表一致，或把主页链接粘贴到这里再核验。");
    }
    if (r.verdict === "lookalike") say("“" + q + "”模仿了下列官方账号的名称（繁简、形近字、拼音或增删字）。请认准官方账号：");
    if (r.verdict === "unit") say("下面是该单位登记的全部账号。请核验具体账号的链接或账号 ID。");
    if (r.verdict === "undecidable") {
      say((p ? "这是" + p.label + "的" : "这是") + (r.kind === "short" ? "短链接" : "作品或文章链接") +
        "，不含账号信息，只有在平台中打开才能知道它属于哪个账号。这不代表它是假的。");
      say(p ? p.howto : data.generic_howto);
    }
    if (r.verdict === "unknown") {
      say("“" + q + "”不是本名录登记的政务新媒体账号。请不要轻信其发布的信息；如发现冒用政府名义的账号，请向区政府办公室反映。");
    }
  }
  function show(q) {
    out.textContent = "";
    if (!q.trim()) return;
    var r = judge(q);
    var box = el("div", "gm-verdict " + TITLES[r.verdict][0]);
    box.id = "gm-verdict";
    box.setAttribute("data-verdict", r.verdict);
    box.tabIndex = -1;
    box.appendChild(el("p", "gm-verdict-title", TITLES[r.verdict][1]));
    explain(box, r, q.trim());
    (r.hits || []).slice(0, 20).forEach(function (a) { box.appendChild(card(a)); });
    (r.units || []).forEach(function (u) {
      var c = el("div", "gm-hit"), t = el("p", "gm-hit-name"), link = el("a", "", u.name);
      link.href = unitHref(u.unit_id);
      t.appendChild(link);
      c.appendChild(t);
      var list = el("ul");
      data.accounts.filter(function (a) { return a.unit_id === u.unit_id; }).forEach(function (a) {
        list.appendChild(el("li", "", a.name + "（" + platformOf(a.platform).label + "，" + (a.platform_id || "—") + "，" +
          a.status_label + (a.official ? "" : "，已不再是官方账号") + "）"));
      });
      c.appendChild(list);
      box.appendChild(c);
    });
    out.appendChild(box);
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
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

  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?account=" + encodeURIComponent(q));
    }
    run(q);
  });
  var initial = new URLSearchParams(window.location.search).get("account");
  if (initial) { input.value = initial; run(initial); }
})();
