// case2code page behaviour: evidence highlighting, keyboard moves, feedback without reloads.
// No HTML is ever built from note text here: the server renders and escapes the note; this
// script only toggles classes and sets textContent.
(function () {
  "use strict";

  // j/k move among the coded lines; the review route's reasons light their words on click only.
  function lines(withReasons) {
    var sel = withReasons ? ".line[data-spans]" : ".line[data-spans]:not(.reason-line)";
    return Array.prototype.slice.call(document.querySelectorAll(sel));
  }

  function highlight(line) {
    document.querySelectorAll(".line.active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll(".seg.hl").forEach(function (el) { el.classList.remove("hl"); });
    if (!line) return;
    line.classList.add("active");
    var spans = JSON.parse(line.getAttribute("data-spans") || "[]");
    var first = null;
    document.querySelectorAll(".seg").forEach(function (seg) {
      var a = +seg.getAttribute("data-a"), b = +seg.getAttribute("data-b");
      for (var i = 0; i < spans.length; i++) {
        if (spans[i][0] <= a && b <= spans[i][1]) {
          seg.classList.add("hl");
          if (!first) first = seg;
          break;
        }
      }
    });
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function move(step) {
    var all = lines(); if (!all.length) return;
    var at = all.indexOf(document.querySelector(".line.active"));
    var next = all[Math.max(0, Math.min(all.length - 1, at + step))];
    next.focus(); highlight(next);
  }

  function showVerdict(form, row) {
    var box = form.parentNode.querySelector("[data-verdict]");
    var names = { accept: "Accepted", reject: "Rejected", change: "Changed" };
    box.className = "verdict is-" + row.action;
    box.textContent = "";
    var badge = document.createElement("span");
    badge.className = "badge " + row.action;
    badge.textContent = names[row.action] + (row.new_code ? " to " + row.new_code : "");
    box.appendChild(badge);
    var sum = document.querySelector('[data-sum="' + row.kind + ":" + row.code + '"]');
    if (sum) sum.classList.toggle("rejected", row.action === "reject");
    if (row.reason) {
      var why = document.createElement("span");
      why.className = "why-verdict"; why.textContent = row.reason; box.appendChild(why);
    }
  }

  function showError(form, message) {
    var old = form.parentNode.querySelector(".fb-error"); if (old) old.remove();
    var p = document.createElement("p"); p.className = "fb-error"; p.setAttribute("role", "alert");
    p.textContent = message; form.after(p);
  }

  function sendFeedback(event) {
    var form = event.target; if (!form.classList.contains("fb")) return;
    event.preventDefault();
    var data = new FormData(form, event.submitter);
    fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (res) {
        var old = form.parentNode.querySelector(".fb-error"); if (old) old.remove();
        if (res[0]) {
          showVerdict(form, res[1]);
          form.querySelector(".reason").value = "";
          form.querySelector(".new-code").value = "";
        } else { showError(form, res[1].error.message); }
      })
      .catch(function () { showError(form, "Could not reach the server; the verdict was not saved."); });
  }

  function press(line, action) {
    var form = line.querySelector("form.fb"); if (!form) return;
    var button = form.querySelector('button[value="' + action + '"]');
    var reason = form.querySelector(".reason");
    if (action !== "accept" && !reason.value.trim()) { reason.focus(); reason.dataset.pending = action; return; }
    form.requestSubmit(button);
  }

  function onKey(event) {
    var t = event.target, typing = /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var codeForm = document.getElementById("code-form");
      if (codeForm) { event.preventDefault(); codeForm.requestSubmit(); }
      return;
    }
    if (typing) {
      if (event.key === "Enter" && t.classList.contains("reason") && t.dataset.pending) {
        event.preventDefault();
        var action = t.dataset.pending; delete t.dataset.pending;
        t.form.requestSubmit(t.form.querySelector('button[value="' + action + '"]'));
      }
      if (event.key === "Escape") t.blur();
      return;
    }
    var active = document.querySelector(".line.active");
    if (event.key === "/") { event.preventDefault(); document.getElementById("quick-search").focus(); }
    else if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (active && "arc".indexOf(event.key) >= 0 && event.key.length === 1) {
      event.preventDefault();
      press(active, { a: "accept", r: "reject", c: "change" }[event.key]);
    }
  }

  function readFile(event) {
    var file = event.target.files[0], area = document.getElementById("note-text");
    if (!file || !area) return;
    var reader = new FileReader();
    reader.onload = function () { area.value = reader.result; event.target.value = ""; };
    reader.readAsText(file);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var coding = document.querySelector("[data-coding-url]");
    if (coding && location.pathname !== coding.getAttribute("data-coding-url")) {
      history.replaceState(null, "", coding.getAttribute("data-coding-url"));
    }
    lines(true).forEach(function (line) {
      line.addEventListener("click", function (e) {
        if (e.target.closest("form, a")) return;
        highlight(line);
      });
      line.addEventListener("focus", function () { highlight(line); });
    });
    document.addEventListener("submit", sendFeedback);
    document.addEventListener("keydown", onKey);
    var file = document.getElementById("note-file");
    if (file) file.addEventListener("change", readFile);
  });
})();
