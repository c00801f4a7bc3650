// The editor's enhancements. Everything works without them: forms submit normally.
// - Live preview: the body's Markdown rendered by the server as you type.
// - Autosave: an edited article is saved in the background every 20 seconds.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf");
  var form = document.querySelector("form.article-form");
  if (!form || !csrf) return;
  var body = form.querySelector("#body");
  var pane = document.querySelector(".live-preview");
  var target = pane && pane.querySelector(".preview-body");
  var status = form.querySelector(".autosave-status");

  if (body && pane && target) {
    pane.hidden = false;
    var timer = null;
    var render = function () {
      fetch("/admin/preview", {
        method: "POST",
        headers: { "Content-Type": "text/plain; charset=utf-8", "X-CSRF-Token": csrf },
        body: body.value,
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) target.innerHTML = html; })
        .catch(function () {});
    };
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
    render();
  }

  if (form.getAttribute("data-autosave") === "on") {
    var saved = new URLSearchParams(new FormData(form)).toString();
    setInterval(function () {
      var now = new URLSearchParams(new FormData(form)).toString();
      if (now === saved) return;
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: now,
        credentials: "same-origin",
        redirect: "manual"
      }).then(function (r) {
        if (r.type === "opaqueredirect" || r.ok) {
          saved = now;
          if (status) status.textContent = status.getAttribute("data-saved") + " " + new Date().toLocaleTimeString(document.documentElement.lang || undefined);
        } else if (status) {
          status.textContent = status.getAttribute("data-failed");
        }
      }).catch(function () {
        if (status) status.textContent = status.getAttribute("data-offline");
      });
    }, 20000);
  }
})();

// Newsletter delivery: the progress of a send, refreshed every two seconds.
(function () {
  "use strict";
  var box = document.querySelector(".send-progress[data-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var set = function (name, value) {
    var el = box.querySelector(".progress-" + name);
    if (el) el.textContent = value;
  };
  var poll = function () {
    fetch(box.getAttribute("data-progress"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        set("sent", p.sent); set("failed", p.failed); set("pending", p.pending);
        if (bar) { bar.max = Math.max(p.total, 1); bar.value = p.sent + p.failed; }
        if (p.status === "sending") setTimeout(poll, 2000);
      })
      .catch(function () {});
  };
  poll();
})();
