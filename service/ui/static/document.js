// Document page: switch pages, and light a value's place in the record, the text and the image.
(() => {
  const root = document.getElementById("doc");
  if (!root) return;
  const pages = [...root.querySelectorAll(".page")];

  function showPage(n) {
    for (const p of pages) p.hidden = p.dataset.page !== String(n);
    for (const b of root.querySelectorAll("[data-goto]")) b.classList.toggle("on", b.dataset.goto === String(n));
  }

  function visiblePage() {
    const p = pages.find((x) => !x.hidden);
    return p ? Number(p.dataset.page) : 1;
  }

  function select(ref, scroll) {
    for (const el of root.querySelectorAll(".on[data-ref], .m.on")) el.classList.remove("on");
    if (!ref) return;
    const inRecord = root.querySelector(`.record [data-ref="${CSS.escape(ref)}"]`);
    const wanted = (inRecord?.dataset.pages || "").split(" ").filter(Boolean).map(Number);
    if (wanted.length && !wanted.includes(visiblePage())) showPage(wanted[0]);
    const lit = [
      ...root.querySelectorAll(`[data-ref="${CSS.escape(ref)}"]`),
      ...[...root.querySelectorAll(".m[data-refs]")].filter((m) => m.dataset.refs.split(" ").includes(ref)),
    ];
    for (const el of lit) el.classList.add("on");
    if (!scroll) return;
    const page = pages.find((x) => !x.hidden);
    for (const sel of ["rect.on", ".m.on"]) {
      const el = page?.querySelector(sel);
      if (el) el.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  root.addEventListener("click", (ev) => {
    const go = ev.target.closest("[data-goto]");
    if (go) return showPage(go.dataset.goto);
    if (ev.target.closest(".zoom, img.page-img")) {
      const fig = ev.target.closest(".imgwrap");
      fig.classList.toggle("zoomed");
      fig.querySelector(".zoom").textContent = fig.classList.contains("zoomed") ? "Thu nhỏ" : "Phóng to";
      return;
    }
    const fix = ev.target.closest("ins.repair");
    if (fix) {
      // Touch screens have no tooltips: a tap shows the text as it was before repair.
      const shown = fix.dataset.fixed !== undefined;
      if (shown) { fix.textContent = fix.dataset.fixed; delete fix.dataset.fixed; }
      else { fix.dataset.fixed = fix.textContent; fix.textContent = fix.dataset.orig; }
      fix.classList.toggle("orig", !shown);
      return;
    }
    const hit = ev.target.closest("[data-ref], .m[data-refs]");
    if (!hit) return;
    const ref = hit.dataset.ref || hit.dataset.refs.split(" ")[0];
    const already = hit.classList.contains("on");
    select(already ? null : ref, hit.closest(".record") !== null);
    if (!already) history.replaceState(null, "", `#ref=${ref}`);
  });

  // Arrow keys turn the pages (unless the user is typing a correction).
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, textarea, select") || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const step = { ArrowLeft: -1, ArrowRight: 1 }[ev.key];
    const n = visiblePage() + (step || 0);
    if (step && pages.some((p) => p.dataset.page === String(n))) showPage(n);
  });

  const m = location.hash.match(/^#ref=(.+)$/);
  if (m) select(decodeURIComponent(m[1]), true);
})();

// "Thôi" closes the confirmation it sits in, as clicking its summary again would.
(() => {
  for (const b of document.querySelectorAll("[data-close]")) {
    b.addEventListener("click", () => { b.closest("details").open = false; });
  }
})();
