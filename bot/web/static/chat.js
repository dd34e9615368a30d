// The web chat: sends the question, shows the answer with its buttons and links,
// offers thumbs up/down on knowledge answers, and, while the school office has the
// visitor's request, passes what they write to the office and fetches its replies.
// Text is always inserted as text nodes (never as HTML).
"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("message");
  const label = document.getElementById("message-label");
  const status = document.getElementById("status");
  const POLL_MS = 5000;
  const SENT_TO_OFFICE = "Sent to the school office.";
  const TROUBLE = "I'm having trouble right now. Please try again in a minute.";
  // A link ends before trailing punctuation; a domain after "@" is an email address.
  const LINK =
    /(https?:\/\/[^\s)]*[^\s).,;:!?'"]|(?<![@.\w-])(?:[a-z0-9-]+\.)+(?:org|gov|com|edu)\b(?:\/[^\s)]*[^\s).,;:!?'"])?)/gi;
  const MARKUP = /(\*\*[^*]+\*\*|\[[^\]\n]+\]\(https?:\/\/[^)\s]+\))/;
  let ticketOpen = false;
  let pollTimer = null;
  // One request to the chat at a time, in order: an office reply fetched by a poll
  // and an answer to a message then appear in the order the server gave them.
  let queue = Promise.resolve();

  function serial(work) {
    const done = queue.then(work);
    queue = done.catch(function () {});
    return done;
  }

  function link(parent, href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    parent.appendChild(a);
  }

  function inline(parent, text) {
    // **bold**, [text](url) and bare links; everything else as plain text.
    text.split(MARKUP).forEach(function (part) {
      if (/^\*\*[^*]+\*\*$/.test(part)) {
        const b = document.createElement("strong");
        b.textContent = part.slice(2, -2);
        parent.appendChild(b);
        return;
      }
      const md = /^\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)$/.exec(part);
      if (md) { link(parent, md[2], md[1]); return; }
      let last = 0;
      part.replace(LINK, function (match, _g, offset) {
        parent.appendChild(document.createTextNode(part.slice(last, offset)));
        link(parent, match.startsWith("http") ? match : "https://" + match, match);
        last = offset + match.length;
        return match;
      });
      parent.appendChild(document.createTextNode(part.slice(last)));
    });
  }

  function hidden(text) {
    const span = document.createElement("span");
    span.className = "sr";
    span.textContent = text;
    return span;
  }

  function answerId() {
    // Names this answer for its feedback; unique enough per visitor.
    const bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function choices(box, buttons) {
    const group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    buttons.forEach(function (b) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      group.appendChild(btn);
    });
    box.appendChild(group);
  }

  function feedback(box, article) {
    const answer = answerId();
    const group = document.createElement("div");
    group.className = "feedback";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Was this answer helpful?");
    const ask = document.createElement("span");
    ask.className = "feedback-ask";
    ask.textContent = "Helpful?";
    ask.setAttribute("aria-hidden", "true");
    group.appendChild(ask);
    [[true, "👍", "This answer helped"], [false, "👎", "This answer did not help"]].forEach(
      function (choice) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.className = "thumb";
        btn.textContent = choice[1];
        btn.setAttribute("aria-label", choice[2]);
        btn.addEventListener("click", function () { vote(group, article, choice[0], answer); });
        group.appendChild(btn);
      }
    );
    box.appendChild(group);
  }

  async function vote(group, article, helpful, answer) {
    const buttons = Array.from(group.querySelectorAll("button"));
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      const res = await fetch("/api/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ article: article, helpful: helpful, answer: answer }),
      });
      if (!res.ok) {
        const data = await res.json().catch(function () { return {}; });
        throw new Error(data.error || "not saved");
      }
      const thanks = document.createElement("p");
      thanks.className = "thanks";
      thanks.tabIndex = -1; // focus moves here, not to the page top, when the buttons go
      thanks.textContent = "Thanks for the feedback.";
      group.replaceWith(thanks);
      thanks.focus();
    } catch (err) {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = "Your feedback was not saved. Please try again.";
    }
  }

  function add(who, text, options) {
    const opts = options || {};
    const box = document.createElement("div");
    box.className = "msg " + who;
    if (who === "office") {
      const from = document.createElement("p");
      from.className = "from";
      from.textContent = opts.author ? opts.author + ", school office" : "School office";
      box.appendChild(from);
    } else {
      box.appendChild(hidden(who === "me" ? "You:" : "Assistant:"));
    }
    String(text || "").split(/\n\s*\n/).forEach(function (para) {
      const p = document.createElement("p");
      inline(p, para);
      box.appendChild(p);
    });
    if (opts.buttons && opts.buttons.length) choices(box, opts.buttons);
    if (opts.article) feedback(box, opts.article);
    log.appendChild(box);
    box.scrollIntoView({ block: "end" });
  }

  function show(messages) {
    (messages || []).forEach(function (m) {
      if (m.from === "office") add("office", m.text, { author: m.author });
      else add("bot", m.text, { buttons: m.buttons, article: m.article });
    });
  }

  function setTicket(ticket) {
    ticketOpen = Boolean(ticket && ticket.open);
    label.textContent = ticketOpen ? "Your message to the school office" : "Your question";
    input.placeholder = ticketOpen ? "Write to the school office" : "Type your question";
    if (ticketOpen) schedulePoll();
    else if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  function schedulePoll() {
    if (!pollTimer) pollTimer = setTimeout(poll, POLL_MS);
  }

  function poll() {
    pollTimer = null;
    return serial(fetchUpdates);
  }

  async function fetchUpdates() {
    try {
      const res = await fetch("/api/updates", { credentials: "same-origin", cache: "no-store" });
      const data = await res.json();
      if (!res.ok) {
        status.textContent = data.error || TROUBLE;
        if (ticketOpen) schedulePoll();
        return;
      }
      if (status.textContent === TROUBLE) status.textContent = "";
      show(data.messages);
      setTicket(data.ticket);
    } catch (err) {
      if (ticketOpen) schedulePoll(); // the office's replies wait on the server
    }
  }

  function send(message, shown, typed) {
    add("me", shown || message);
    status.textContent = ticketOpen ? "Sending to the school office…" : "Looking that up…";
    form.setAttribute("aria-busy", "true");
    return serial(function () { return post(message, shown, typed); });
  }

  async function post(message, shown, typed) {
    const body = { message: message };
    if (shown) body.shown = shown;
    try {
      const res = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      const data = await res.json();
      show(data.messages);
      if (data.ticket) setTicket(data.ticket);
      const held = data.ticket && data.ticket.open && !(data.messages || []).length;
      status.textContent = held ? SENT_TO_OFFICE : "";
      if (!res.ok && typed && !input.value) input.value = typed; // nothing typed is lost
    } catch (err) {
      add("bot", TROUBLE);
      status.textContent = "";
      if (typed && !input.value) input.value = typed;
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { status.textContent = "Please type a question first."; input.focus(); return; }
    input.value = "";
    send(text, null, text);
    input.focus();
  });

  // A returning visitor may have office replies waiting, or a request still open.
  poll();
})();
