// nixpos back office: ask before sending a form that changes something.
//
// The question sits in the form's data-confirm attribute, escaped by the template like any
// other text, so a name in it stays text. This file is the only script the pages run: the
// Content-Security-Policy allows scripts from the server's own files and nothing inline.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.confirm === undefined) {
    return;
  }
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();  // "Cancel" sends nothing
  }
});
