// Live guideline check for the draft editor: debounced, same-origin, session + CSRF.
// Without JavaScript the 「チェック」 button re-renders the page server-side.
(function () {
  "use strict";
  var form = document.getElementById("draft-editor");
  var panel = document.getElementById("findings");
  if (!form || !panel || !window.fetch) { return; }
  var status = form.querySelector(".live-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  var pending = null;
  var sequence = 0;

  function values(selector) {
    return Array.prototype.map.call(form.querySelectorAll(selector), function (el) { return el.value; });
  }

  function payload() {
    var text = form.querySelector("textarea[name=text]");
    var links = form.querySelector("textarea[name=links]");
    return {
      account: form.dataset.account,
      draft: form.dataset.draft || null,
      text: text ? text.value : "",
      alt_texts: values("textarea.post-alt"),
      links: links ? links.value.split("\n").filter(function (l) { return l.trim(); }) : []
    };
  }

  // The summary bar under the text: the platform's count (computed by the server from the
  // profile's text_limits) and the number of findings, kept in view on a narrow screen.
  var counter = document.getElementById("char-counter");
  var countsBox = document.getElementById("live-counts");

  function badge(cls, label) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = label;
    return span;
  }

  function summarise(data) {
    if (counter) {
      counter.textContent = data.counter ? data.counter.text : "";
      counter.classList.toggle("over", !!(data.counter && data.counter.over));
    }
    if (countsBox && data.counts) {
      countsBox.textContent = "";
      if (data.counts.error) { countsBox.appendChild(badge("sev-error", "エラー " + data.counts.error + "件")); }
      if (data.counts.warning) { countsBox.appendChild(badge("sev-warning", " 警告 " + data.counts.warning + "件")); }
      if (!data.counts.error && !data.counts.warning) { countsBox.appendChild(badge("ok", "エラー・警告なし")); }
    }
  }

  function run() {
    var mine = ++sequence;
    if (pending) { pending.abort(); }
    pending = new AbortController();
    if (status) { status.textContent = "チェック中…"; }
    fetch(form.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(payload()),
      signal: pending.signal
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (mine !== sequence) { return; }
      if (result.ok) {
        panel.innerHTML = '<p class="muted">入力中の内容のチェック結果（保存していません）</p>' + result.data.html;
        summarise(result.data);
        if (status) { status.textContent = ""; }
      } else if (status) {
        status.textContent = result.data.error || "チェックできませんでした";
      }
    }).catch(function (err) {
      if (err && err.name === "AbortError") { return; }
      if (status) { status.textContent = "チェックできませんでした（「チェック」ボタンで確認できます）"; }
    });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 500);
  });
})();
