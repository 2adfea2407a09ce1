// layerpress serve: reload the page after a rebuild, show build errors over it.
(function () {
  var generation = __GENERATION__;
  var source = new EventSource("__EVENTS__?since=" + generation);
  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });
  source.addEventListener("error", function (event) {
    if (!event.data) return;  // a dropped connection, not a build error: EventSource retries
    var overlay = document.getElementById("layerpress-error");
    if (!overlay) {
      overlay = document.createElement("pre");
      overlay.id = "layerpress-error";
      overlay.style.cssText = "position:fixed;inset:0 0 auto 0;margin:0;padding:1em;z-index:2147483647;" +
        "background:#7f1d1d;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "layerpress build error\n" + JSON.parse(event.data);
  });
})();
