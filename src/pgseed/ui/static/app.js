// pgseed dashboard: forms posted with fetch, runs followed with EventSource.
// Plain JS, no build step. Every POST carries the page's CSRF token.
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const pack = document.body.dataset.pack;
let pendingToken = null;

function $(sel, root) { return (root || document).querySelector(sel); }

async function post(url, body) {
  const r = await fetch(url, { method: "POST", body: body || new FormData(),
    headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
  return r;
}

function showError(text) {
  const box = $("#form-error");
  box.textContent = text || "";
  box.hidden = !text;
}

async function refreshSummary() {
  const r = await fetch(`/pack/${pack}/summary`, { credentials: "same-origin" });
  if (r.ok) $("#summary").innerHTML = await r.text();
}

function runBox(id, command) {
  let box = $(`.run[data-run="${id}"]`);
  if (!box) {
    box = document.createElement("div");
    box.className = "run";
    box.dataset.run = id;
    $("#runs").prepend(box);
  }
  box.innerHTML = `<p><code class="command"></code></p>
    <progress class="bar" max="100" value="0"></progress> <span class="pct">0%</span>
    <span class="status">running</span> <button class="cancel">Cancel</button>
    <pre class="messages"></pre>`;
  $(".command", box).textContent = command || "";
  $(".cancel", box).addEventListener("click", async () => {
    $(".cancel", box).disabled = true;
    $(".status", box).textContent = "cancelling: rolling back";
    await post(`/runs/${id}/cancel`);
  });
  return box;
}

function follow(id, command) {
  const box = runBox(id, command);
  const source = new EventSource(`/runs/${id}/events`);
  source.onmessage = (msg) => {
    const ev = JSON.parse(msg.data);
    if (ev.event === "start") $(".command", box).textContent = ev.command;
    if (typeof ev.rows_so_far === "number") {
      // A step that cannot count its rows up front (social's day loop): an
      // indeterminate bar and the rows written so far, not a percentage stuck at 0.
      $(".bar", box).removeAttribute("value");
      $(".pct", box).textContent = `${ev.rows_so_far.toLocaleString("en")} rows`;
    } else if (typeof ev.percent === "number") {
      $(".bar", box).value = ev.percent;
      $(".pct", box).textContent = `${Math.floor(ev.percent)}%`;
      box.dataset.percent = ev.percent;
    }
    if (ev.text) $(".messages", box).textContent += ev.text + "\n";
    if (ev.event === "end") {
      source.close();
      box.dataset.outcome = ev.outcome;
      $(".status", box).textContent = ev.outcome;
      // "committed (then interrupted)": the rows are in, something after the commit stopped.
      const kind = ev.outcome === "committed" ? "ok" : ev.outcome.startsWith("committed") ? "warn" : "bad";
      $(".status", box).className = "status " + kind;
      $(".cancel", box).remove();
      refreshSummary();
    }
  };
}

async function answer(r) {
  const text = await r.text();
  try { return JSON.parse(text); } catch (e) { return { error: `HTTP ${r.status}: ${text}` }; }
}

async function started(r) {
  const data = await answer(r);
  if (r.status === 202) { follow(data.run, data.command); return; }
  showError(data.error || `HTTP ${r.status}`);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = $("#config");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError("");
    $("#preview").hidden = true;
    const body = new FormData(form);
    body.set("action", e.submitter ? e.submitter.value : "generate");
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    try {
      const r = await post(form.getAttribute("action"), body);
      if (r.status === 200) {
        const data = await answer(r);
        pendingToken = data.token;
        $("#preview .command").textContent = data.command;
        $("#preview .text").textContent = data.preview;
        $("#confirm").textContent = `Confirm ${data.label}`;
        $("#preview").hidden = false;
      } else {
        await started(r);
      }
    } finally {
      for (const b of form.querySelectorAll("button")) b.disabled = false;
    }
  });
  $("#confirm").addEventListener("click", async () => {
    $("#preview").hidden = true;
    const body = new FormData();
    body.set("token", pendingToken || "");
    pendingToken = null;
    await started(await post(`/pack/${pack}/confirm`, body));
  });
  $("#dismiss").addEventListener("click", () => { $("#preview").hidden = true; pendingToken = null; });
  for (const [formId, target] of [["#verify-form", "#verify"], ["#report-form", "#report"]]) {
    const f = $(formId);
    if (!f) continue;
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      $(target).textContent = "working...";
      const body = new FormData(form);  // the config above shapes verify
      const r = await post(f.getAttribute("action"), body);
      $(target).innerHTML = await r.text();
    });
  }
  for (const box of document.querySelectorAll(".run[data-run]")) {
    follow(box.dataset.run, "");  // runs started before this page was loaded
  }
});
