// The auditor's replay: a slider (and the step list) over the case's history events. At step k the
// panel of step k is shown and the diagram (bpmn-js's NavigatedViewer, the case's own version) marks
// what was done (with how many times each: a loop taken twice shows ×2), what waited, and the step
// that ran late in red. Without script the step list's links do the same, one page per step.
(function () {
  const slider = document.getElementById("replay-step");
  const out = document.getElementById("replay-at");
  const box = document.getElementById("diagram");
  const panels = Array.from(document.querySelectorAll(".replay-panel"));
  const items = Array.from(document.querySelectorAll("#replay-steps li"));
  if (!slider || !panels.length) { return; }
  let viewer = null;
  let marked = [];
  let badges = [];

  function json(text, fallback) {
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  function mark(panel) {
    if (!viewer) { return; }
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    for (const [id, cls] of marked) { try { canvas.removeMarker(id, cls); } catch (e) { /* gone */ } }
    for (const badge of badges) { overlays.remove(badge); }
    marked = []; badges = [];
    const done = json(panel.dataset.done, {});
    const active = json(panel.dataset.active, []);
    const late = json(panel.dataset.late, "");
    const times = box.dataset.times || "times";
    const add = (id, cls) => {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, cls); marked.push([id, cls]);
    };
    for (const [id, count] of Object.entries(done)) {
      add(id, "k-done");
      if (registry.get(id)) {
        const html = document.createElement("span");
        html.className = "loop-count" + (count > 1 ? " loop" : "");
        html.textContent = "×" + count;
        html.title = count + " " + times;
        badges.push(overlays.add(id, { position: { top: -12, right: 12 }, html: html }));
      }
    }
    for (const id of active) { add(id, "k-current"); }
    if (late) { add(late, "k-late"); }
  }

  function show(k) {
    const seq = String(k);
    let chosen = null;
    for (const panel of panels) {
      const on = panel.dataset.seq === seq;
      panel.hidden = !on;
      if (on) { chosen = panel; }
    }
    for (const li of items) {
      const on = li.dataset.seq === seq;
      li.classList.toggle("chosen", on);
      const link = li.querySelector("a");
      if (link) { if (on) { link.setAttribute("aria-current", "step"); } else { link.removeAttribute("aria-current"); } }
    }
    if (out) { out.textContent = seq; }
    if (chosen) { mark(chosen); }
    if (box) { box.dataset.step = seq; }
  }

  slider.addEventListener("input", () => show(slider.value));
  for (const li of items) {
    const link = li.querySelector("a");
    if (!link) { continue; }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      slider.value = li.dataset.seq;
      show(li.dataset.seq);
      slider.focus();
    });
  }

  (async function draw() {
    if (!box || !window.BpmnJS) { return; }
    const font = { fontFamily: "Sarabun, sans-serif", fontSize: 13 };
    await document.fonts.load("13px Sarabun", "กa");
    viewer = new window.BpmnJS({
      container: box,
      textRenderer: { defaultStyle: font, externalStyle: { fontFamily: font.fontFamily, fontSize: 12 } },
    });
    try {
      const xml = await (await fetch(box.dataset.source, { credentials: "same-origin" })).text();
      await viewer.importXML(xml);
      viewer.get("canvas").zoom("fit-viewport");
      show(slider.value);
      box.setAttribute("data-rendered", "true");
    } catch (err) {
      viewer = null;
      box.textContent = box.dataset.failed || "The diagram could not be drawn.";
      box.setAttribute("data-rendered", "failed");
    }
  })();
})();
