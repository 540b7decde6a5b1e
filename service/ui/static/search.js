// Picking a type, a year or an order runs the search at once. Here, not in an onchange
// attribute: the pages' Content-Security-Policy (script-src 'self') refuses inline handlers.
document.querySelectorAll("select[data-submit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
