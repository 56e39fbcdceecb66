// Irreversible actions ask for confirmation (issue 9 item 10). A submit button or form carrying
// data-confirm="…" shows that question first; without JavaScript the form simply submits (the
// action itself still guards state and role). A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || null;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
