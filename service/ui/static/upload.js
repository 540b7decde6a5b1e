// Upload through the API (the session cookie authenticates), then poll the batch.
const form = document.getElementById("upload");
const status = document.getElementById("status");
const label = { queued: "đang chờ", processing: "đang xử lý", done: "xong", failed: "lỗi" };

function render(batch) {
  const rows = batch.items.map((i) =>
    `<tr class="${i.state}"><td>${i.filename}</td><td>${label[i.state] || i.state}</td>` +
    `<td>${i.document_id ? `<a href="/documents/${i.document_id}">mở</a>` : ""}` +
    `${i.error ? `${i.error_kind}: ${i.error}` : ""}</td></tr>`).join("");
  status.innerHTML = `<p>Lô ${batch.id}: ${batch.done} xong, ${batch.failed} lỗi, ` +
    `${batch.queued + batch.processing} đang chờ</p><table class="batch">${rows}</table>`;
}

async function poll(id) {
  const r = await fetch(`/api/v1/batches/${id}`);
  const batch = await r.json();
  render(batch);
  if (batch.queued + batch.processing > 0) setTimeout(() => poll(id), 1000);
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  status.textContent = "Đang tải lên…";
  const r = await fetch("/api/v1/documents", { method: "POST", body: new FormData(form) });
  const body = await r.json();
  if (!r.ok) { status.textContent = body.detail || body.title; return; }
  render(body);
  poll(body.id);
});
