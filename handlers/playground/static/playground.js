// The playground page: one Web Chat for your chat with Media Desk, one for the comms channel, as the person chosen.
// When the server stops (a restart), the page says so and, once it answers again, connects both panes afresh.
(function () {
  'use strict';
  const base = new URL('.', document.baseURI);
  const directLineDomain = new URL('directline', base).href;
  const WATCH_MS = 1500;  // how often the page checks the server is there (and is the same run)
  // Web Chat's Direct Line connection states: a refused token, a connection that failed, one ended by the server.
  const LOST = new Set([3, 4, 5]);
  let open = [];
  let shown = null;      // { person, buttons }: who the panes show now
  let instance = null;   // the server run the panes are connected to
  let down = false;
  let generation = 0;    // panes opened before the latest play() are ignored when they fail

  async function post(path, body) {
    const response = await fetch(new URL(path, base), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    if (!response.ok) { throw new Error(path + ': ' + response.status); }
    return response.json();
  }

  function say(text) {
    document.getElementById('status').textContent = text;
  }

  function initials(name) {
    return name.split(/\s+/).map(function (part) { return part.charAt(0); }).join('').slice(0, 2).toUpperCase();
  }

  async function show(pane, person, element, mine) {
    const session = await post('session', { person: person.id, pane: pane });
    const directLine = window.WebChat.createDirectLine({
      token: session.token, domain: directLineDomain, webSocket: false, pollingInterval: 400
    });
    open.push(directLine);
    directLine.connectionStatus$.subscribe(function (status) {
      if (mine === generation && LOST.has(status)) { down = true; }  // the watch below reconnects
    });
    const host = document.createElement('div');
    host.setAttribute('data-pane', pane);
    element.replaceChildren(host);
    window.WebChat.renderWebChat({
      directLine: directLine,
      userID: 'pg-' + person.id,
      username: person.name,
      locale: 'en-GB',
      styleOptions: {
        botAvatarInitials: 'MD', userAvatarInitials: initials(person.name), hideUploadButton: true,
        hideSendBox: pane === 'channel', accent: '#005eb8', bubbleMaxWidth: 600
      }
    }, host);
  }

  async function play(person, buttons) {
    const mine = ++generation;
    const ending = open;
    open = [];
    ending.forEach(function (directLine) { directLine.end(); });
    shown = { person: person, buttons: buttons };
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.person === person.id)); });
    document.getElementById('chat-title').textContent = 'Your chat with Media Desk, as ' + person.name;
    await show('chat', person, document.getElementById('chat'), mine);
    await show('channel', person, document.getElementById('channel'), mine);
    history.replaceState(null, '', '#' + encodeURIComponent(person.id));
  }

  async function serverRun() {
    try {
      const response = await fetch(new URL('alive', base), { cache: 'no-store' });
      return response.ok ? (await response.json()).instance : null;
    } catch (error) {
      return null;
    }
  }

  // Web Chat gives up when the server goes away (its tokens die with it): check, and start the panes again.
  async function watch() {
    const run = await serverRun();
    if (run === null) {
      if (!down) { say('Media Desk is not answering (is it restarting?). This page reconnects by itself.'); }
      down = true;
    } else if ((down || run !== instance) && shown) {
      try {
        await play(shown.person, shown.buttons);
        instance = run;
        down = false;
        say('Reconnected to Media Desk.');
      } catch (error) {
        down = true;  // not ready yet: the next check tries again
      }
    }
    setTimeout(watch, WATCH_MS);
  }

  async function start() {
    if (!window.WebChat) { return; }  // webchat.js explains what to do
    instance = await serverRun();
    const people = await (await fetch(new URL('people', base))).json();
    const nav = document.getElementById('people');
    const buttons = people.map(function (person) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.person = person.id;
      button.append(person.name);
      const roles = document.createElement('small');
      roles.textContent = person.roles;
      button.append(roles);
      button.addEventListener('click', function () { play(person, buttons); });
      nav.append(button);
      return button;
    });
    const wanted = decodeURIComponent(location.hash.slice(1));
    await play(people.find(function (p) { return p.id === wanted; }) || people[0], buttons);
    setTimeout(watch, WATCH_MS);
  }

  start();
}());
