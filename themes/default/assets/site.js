// Progressive enhancement only: every page works without this file.
// Shows article times in the reader's own time zone, naming the zone, so nobody has to
// convert from the newsroom's. The server-rendered text (in the newsroom's zone) stays
// the fallback.
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) {
    return;
  }
  document.querySelectorAll("time[data-local][datetime]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when.getTime())) {
      el.setAttribute("title", el.textContent.trim());
      el.textContent = format.format(when);
    }
  });
})();

// The support form: preset amounts follow the chosen currency ("$25" / "€25").
document.addEventListener("change", function (event) {
  "use strict";
  var select = event.target;
  if (!select.matches || !select.matches(".support-form select[name=currency]")) return;
  var code = select.value.toLowerCase();
  select.form.querySelectorAll(".preset").forEach(function (label) {
    var text = label.getAttribute("data-" + code);
    if (text) label.textContent = text;
  });
});

// The support banner: a live funding meter, the support form in a dialog, and
// "Remind me later", which hides the prompt on this device only (localStorage; the
// server never learns of it). Without this script the button opens /support.
(function () {
  "use strict";
  var banner = document.querySelector(".support-banner");
  var open = banner && banner.querySelector(".support-open");
  if (!banner || !open) return;
  var KEY = "kolokol-support-snooze-until";
  var store;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (store && Number(store.getItem(KEY) || 0) > Date.now()) {
    banner.hidden = true;
    return;
  }
  var support = open.href.replace(/[?#].*$/, "").replace(/\/$/, "");
  var dialog = document.querySelector(".support-dialog");
  var days = 14;
  var snooze = function () {
    if (store) store.setItem(KEY, String(Date.now() + days * 86400000));
    banner.hidden = true;
    if (dialog && dialog.open) dialog.close();
  };
  var later = banner.querySelector(".banner-snooze");
  if (later) { later.hidden = false; later.addEventListener("click", snooze); }
  fetch(support + "/meter.json", { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (m) {
      if (!m) return;
      days = m.snooze_days || days;
      var meter = banner.querySelector(".banner-meter");
      if (meter && m.sentence) {
        meter.textContent = m.sentence;
        meter.hidden = false;
      }
    })
    .catch(function () {});
  if (!dialog || typeof dialog.showModal !== "function") return;
  var body = dialog.querySelector(".support-dialog-body");
  dialog.querySelector(".dialog-snooze").addEventListener("click", snooze);
  dialog.querySelector(".dialog-close").addEventListener("click", function () { dialog.close(); });
  open.addEventListener("click", function (event) {
    event.preventDefault();
    var show = function () { dialog.showModal(); };
    if (body.childElementCount) { show(); return; }
    fetch(support + "/form", { credentials: "omit" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(); })
      .then(function (html) {
        body.innerHTML = html;
        var form = body.querySelector("form");
        if (form) form.action = support + "/checkout";
        body.querySelectorAll("a[href^='/support']").forEach(function (a) {
          a.href = support + a.getAttribute("href").slice("/support".length);
        });
        show();
      })
      .catch(function () { window.location.href = open.href; });
  });
})();
