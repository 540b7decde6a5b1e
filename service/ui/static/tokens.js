// The new token's copy button (the page's CSP allows no inline script).
(() => {
  for (const b of document.querySelectorAll("[data-copy]")) {
    b.addEventListener("click", async () => {
      const input = document.getElementById(b.dataset.copy);
      const said = document.getElementById("copied");
      try {
        await navigator.clipboard.writeText(input.value);
        said.textContent = "Đã sao chép.";
      } catch (e) {
        input.select();  // no clipboard access (plain http): selected for Ctrl+C
        said.textContent = "Đã chọn mã: nhấn Ctrl+C để sao chép.";
      }
    });
  }
})();

// "Thôi" closes the confirmation it sits in, as clicking its summary again would.
(() => {
  for (const b of document.querySelectorAll("[data-close]")) {
    b.addEventListener("click", () => { b.closest("details").open = false; });
  }
})();
