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
