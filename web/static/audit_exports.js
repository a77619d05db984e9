// The event-log downloads of /audit/exports: read the streamed response with fetch, show how many
// events have arrived out of the total the server announced (X-Krabuan-Events), then save it.
(function () {
  "use strict";
  const status = document.getElementById("export-progress");
  if (!status) return;
  const marker = { xes: "<event>", ocel: '{"id":"e-' };

  function count(text, needle) {
    let n = 0, at = text.indexOf(needle);
    while (at !== -1) { n += 1; at = text.indexOf(needle, at + needle.length); }
    return n;
  }

  async function download(link) {
    const kind = link.href.includes(".ocel") ? "ocel" : "xes";
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const total = response.headers.get("X-Krabuan-Events") || "?";
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parts = [];
    const needle = marker[kind];
    let events = 0, bytes = 0, tail = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.length;
      const text = tail + decoder.decode(value, { stream: true });
      events += count(text, needle);
      tail = text.slice(-(needle.length - 1));  // too short to hold a whole marker: none is counted twice
      status.textContent = `${status.dataset.reading}: ${events} / ${total} ${status.dataset.events} · ` +
        `${Math.round(bytes / 1024)} KB`;
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = (disposition.match(/filename="([^"]+)"/) || [null, `log.${kind}`])[1];
    const url = URL.createObjectURL(new Blob(parts, { type: response.headers.get("Content-Type") || "" }));
    const save = document.createElement("a");
    save.href = url; save.download = name; document.body.appendChild(save); save.click(); save.remove();
    URL.revokeObjectURL(url);
    status.textContent = `${status.dataset.done}: ${name} · ${Math.round(bytes / 1024)} KB`;
  }

  document.querySelectorAll("a.event-log").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.ReadableStream) return;  // the plain download
      event.preventDefault();
      download(link).catch(function (error) { status.textContent = `${status.dataset.failed} (${error.message})`; });
    });
  });
})();
