// The case's diagram: bpmn-js's viewer (served from node_modules), Thai labels in Sarabun.
// bpmn-js writes font-family inline on every label and measures labels when it imports, so the
// text renderer is given Sarabun and the font is loaded before the import.
(async function () {
  const box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  const font = { fontFamily: "Sarabun, sans-serif", fontSize: 13 };
  await document.fonts.load("13px Sarabun", "กa");  // the Thai and the Latin faces (English words in names)
  const viewer = new window.BpmnJS({
    container: box,
    textRenderer: { defaultStyle: font, externalStyle: { fontFamily: font.fontFamily, fontSize: 12 } },
  });
  try {
    const xml = await (await fetch(box.dataset.source, { credentials: "same-origin" })).text();
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport");
    const states = JSON.parse(box.dataset.states || "{}");
    for (const [id, state] of Object.entries(states)) {
      try { canvas.addMarker(id, "k-" + state); } catch (e) { /* an element not in this diagram */ }
    }
    box.setAttribute("data-rendered", "true");
  } catch (err) {
    box.textContent = box.dataset.failed || "The diagram could not be drawn.";
    box.setAttribute("data-rendered", "failed");
  }
})();
