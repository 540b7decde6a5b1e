// Upload through the API (the session cookie authenticates), then poll the batch.
(() => {
  const status = document.getElementById("status");
  const canEdit = status.dataset.canEdit !== "0";
  const STATE = { queued: "đang chờ", processing: "đang xử lý", done: "xong", failed: "lỗi" };
  const KIND = {
    bad_input: "không đọc được tệp", encrypted: "tệp có mật khẩu", limits: "vượt giới hạn",
    timeout: "quá thời gian", missing_dependency: "thiếu thành phần hệ thống",
    file_access: "lỗi truy cập tệp", internal: "lỗi nội bộ",
  };
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const size = (n) => n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

  function progress(i) {
    if (i.state === "done") return i.outcome === "known" ? "đã có trong kho" : "xong";
    if (i.state === "failed") return "lỗi";
    const total = i.pages_total || 0;
    const bar = total ? `<progress max="${total}" value="${i.pages_done}"></progress> ${i.pages_done}/${total} trang` : "";
    return `${STATE[i.state] || i.state} ${bar}`;
  }

  // What a finished file became: its number, type and title, and how many of its values
  // wait in the review queue (a link there).
  function found(i) {
    if (!i.document_id) return "";
    const d = i.document || {};
    const head = [d.doc_type, d.number].filter(Boolean).join(" ") || "Văn bản";
    const date = d.date ? ` · ${esc(d.date.split("-").reverse().join("/"))}` : "";
    const title = d.title ? `<div class="hint">${esc(d.title.length > 90 ? d.title.slice(0, 90) + "…" : d.title)}</div>` : "";
    const needs = d.to_review ? ` · <a class="needs" href="/documents/${i.document_id}">${d.to_review} giá trị cần soát</a>` : " · <span class=\"hint\">không có giá trị cần soát</span>";
    return `<a href="/documents/${i.document_id}">Mở văn bản</a> <b>${esc(head)}</b>${date}${needs}${title}`;
  }
  // Failures that may pass on a new try (a limit raised, a tool installed, a timeout).
  const RETRYABLE_KINDS = new Set(["limits", "timeout", "missing_dependency", "file_access", "internal"]);

  function render(batch) {
    const retrying = batch.items.filter((i) => i.state === "failed" && i.retryable).length;
    const left = batch.queued + batch.processing + retrying;
    const rows = batch.items.map((i) =>
      `<tr class="${esc(i.state)}" data-item="${i.id}"><td class="file">${esc(i.filename)}</td>` +
      `<td class="state">${progress(i)}</td>` +
      `<td class="found">${found(i)}</td></tr>`).join("");
    const failed = batch.items.filter((i) => i.state === "failed");
    const fails = failed.length ? `<h2>Tệp lỗi (${failed.length})</h2><ul class="failures">` +
      failed.map((i) => `<li><b>${esc(i.filename)}</b>: ${esc(KIND[i.error_kind] || i.error_kind)}` +
        `${i.error ? ` <details class="hint"><summary>chi tiết kỹ thuật</summary>${esc(i.error)}</details>` : ""}${i.retryable ? " <span class=\"hint\">(sẽ thử lại)</span>" : ""}</li>`).join("") +
      `</ul><form method="post" action="/batches/${batch.id}/retry" class="actions">` +
      `<a class="btn secondary" href="/api/v1/batches/${batch.id}/failures.csv" download>Tải danh sách lỗi (CSV)</a>` +
      `${left || !canEdit || !failed.some((i) => RETRYABLE_KINDS.has(i.error_kind)) ? "" : `<button type="submit" class="secondary">Thử lại các tệp lỗi</button>`}</form>` : "";
    status.innerHTML =
      `<p class="summary" data-left="${left}"><a href="/batches/${batch.id}">Lô ${batch.id}</a>: ` +
      `<b>${batch.done}</b>/${batch.total} xong, <b>${batch.failed}</b> lỗi` +
      `${left ? `, ${left} đang xử lý${retrying ? ` (${retrying} sẽ thử lại)` : ""}…` : " — hoàn tất."}</p>` +
      `<progress class="overall" max="${batch.total}" value="${batch.done + batch.failed}"></progress>` +
      `<table class="batch"><thead><tr><th>Tệp</th><th>Trạng thái</th><th>Văn bản</th></tr></thead><tbody>${rows}</tbody></table>` + fails;
  }

  // The list of recent batches, as the server renders it now (a new batch, its counts).
  async function refreshRecent() {
    const recent = document.getElementById("recent");
    if (!recent) return;
    try {
      const html = await (await fetch("/upload")).text();
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("recent");
      if (fresh) recent.replaceWith(fresh);
    } catch (e) { /* keep the list as it was */ }
  }

  async function poll(id) {
    try {
      const r = await fetch(`/api/v1/batches/${id}`, { headers: { Accept: "application/json" } });
      if (r.status === 401) { location.href = `/login?next=${encodeURIComponent(location.pathname)}`; return; }
      const batch = await r.json();
      render(batch);
      const busy = batch.queued + batch.processing > 0;
      const retrying = batch.items.some((i) => i.state === "failed" && i.retryable);
      if (busy || retrying) setTimeout(() => poll(id), busy ? 1000 : 5000);
      else refreshRecent();
    } catch (e) {
      setTimeout(() => poll(id), 3000);  // server restarting: keep trying
    }
  }

  if (status.dataset.batch) { poll(status.dataset.batch); return; }

  const form = document.getElementById("upload");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  const send = document.getElementById("send");
  const clear = document.getElementById("clear");
  const bar = document.getElementById("sending");
  let files = [];

  function list() {
    chosen.innerHTML = files.map((f, n) =>
      `<li>${esc(f.name)} <span class="hint">${size(f.size)}</span> <button type="button" class="link" data-drop="${n}" aria-label="Bỏ ${esc(f.name)}">✕</button></li>`).join("");
    send.disabled = files.length === 0;
    clear.hidden = files.length === 0;
    send.textContent = files.length ? `Tải lên ${files.length} tệp` : "Tải lên";
  }
  const maxBytes = Number(form.dataset.maxBytes) || Infinity;
  function add(more) {
    const seen = new Set(files.map((f) => `${f.name}:${f.size}`));
    const big = [];
    for (const f of more) {
      if (f.size > maxBytes) big.push(f.name);
      else if (!seen.has(`${f.name}:${f.size}`)) files.push(f);
    }
    list();
    status.innerHTML = big.length ? `<p class="error" role="alert">Quá ${size(maxBytes)}, không gửi: ${big.map(esc).join(", ")}</p>` : "";
  }
  input.addEventListener("change", () => { add(input.files); input.value = ""; });
  chosen.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-drop]");
    if (b) { files.splice(Number(b.dataset.drop), 1); list(); }
  });
  clear.addEventListener("click", () => { files = []; list(); });
  for (const t of ["dragenter", "dragover"]) drop.addEventListener(t, (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  for (const t of ["dragleave", "drop"]) drop.addEventListener(t, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); add(ev.dataTransfer.files); });

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!files.length) return;
    const data = new FormData();
    for (const f of files) data.append("files", f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/documents");
    xhr.responseType = "json";
    bar.hidden = false; send.disabled = true;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
    xhr.onload = () => {
      bar.hidden = true;
      const body = xhr.response || {};
      if (xhr.status >= 400) {
        status.innerHTML = `<p class="error" role="alert">Không tải lên được: ${esc(body.detail || body.title || xhr.status)}</p>`;
        send.disabled = false;
        return;
      }
      files = []; list();
      history.replaceState(null, "", `/batches/${body.id}`);
      render(body);
      refreshRecent();
      poll(body.id);
    };
    xhr.onerror = () => { bar.hidden = true; send.disabled = false; status.innerHTML = `<p class="error" role="alert">Mất kết nối tới máy chủ.</p>`; };
    status.innerHTML = `<p>Đang gửi ${files.length} tệp…</p>`;
    xhr.send(data);
  });
})();
