// Beatplan's only script: copy buttons, the print button and the solve progress page.
// Every page works without it (forms post, the progress page can be reloaded by hand).
"use strict";

document.addEventListener("click", async (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const field = document.getElementById(copy.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy");
    }
    const label = copy.firstChild;
    label.textContent = "Copied";
    setTimeout(() => { label.textContent = "Copy"; }, 2000);
  }
  if (event.target.closest("[data-print]")) window.print();
});

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function follow(box) {
  const done = ["succeeded", "failed", "cancelled", "infeasible"];
  let retry = 1000;  // after a network error or a server error: 1 s, 2 s, 4 s ... 30 s
  for (;;) {
    let state;
    try {
      const reply = await fetch(box.dataset.poll, { headers: { Accept: "application/json" } });
      if (reply.status === 401 || reply.redirected) {
        // Signed out meanwhile: the sign-in page, then back to this page (never the poll).
        window.location.assign("/signin?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      if (reply.status === 403 || reply.status === 404) {
        // The job was deleted, or this user may no longer see it: asking again will not
        // change that. Stop, and say so with the way back.
        const stop = document.getElementById("job-stop");
        if (stop) stop.hidden = true;
        document.getElementById("job-gone").hidden = false;
        return;
      }
      if (!reply.ok) throw new Error(String(reply.status));
      state = await reply.json();
    } catch {
      await pause(retry);
      retry = Math.min(retry * 2, 30000);
      continue;
    }
    retry = 1000;
    document.getElementById("job-status").textContent = state.status;
    document.getElementById("job-quality").textContent = state.quality;
    document.getElementById("job-elapsed").textContent = state.time_taken;
    document.getElementById("job-message").textContent = state.message || "";
    if (done.includes(state.status)) {
      const stop = document.getElementById("job-stop");
      if (stop) stop.hidden = true;
      if (state.next) {  // a new draft: go to it
        document.querySelector("#job-done a").href = state.next;
        document.getElementById("job-done").hidden = false;
        window.location.assign(state.next);
      } else {  // failed or cancelled: no draft, say so with the way back to the week
        document.getElementById("job-outcome").className = "notice problem";
        document.getElementById("job-back").hidden = false;
      }
      return;
    }
    await pause(700);
  }
}

const box = document.getElementById("job");
if (box && box.dataset.poll) follow(box);
