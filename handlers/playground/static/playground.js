// The playground page: one Web Chat for your chat with Media Desk, one for the comms channel, as the person chosen.
(function () {
  'use strict';
  const base = new URL('.', document.baseURI);
  const directLineDomain = new URL('directline', base).href;
  const open = [];

  async function post(path, body) {
    const response = await fetch(new URL(path, base), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    if (!response.ok) { throw new Error(path + ': ' + response.status); }
    return response.json();
  }

  function initials(name) {
    return name.split(/\s+/).map(function (part) { return part.charAt(0); }).join('').slice(0, 2).toUpperCase();
  }

  async function show(pane, person, element) {
    const session = await post('session', { person: person.id, pane: pane });
    const directLine = window.WebChat.createDirectLine({
      token: session.token, domain: directLineDomain, webSocket: false, pollingInterval: 400
    });
    open.push(directLine);
    const host = document.createElement('div');
    host.setAttribute('data-pane', pane);
    element.replaceChildren(host);
    window.WebChat.renderWebChat({
      directLine: directLine,
      userID: "pg-" + person.id,
      username: person.name,
      locale: 'en-GB',
      styleOptions: {
        botAvatarInitials: 'MD', userAvatarInitials: initials(person.name), hideUploadButton: true,
        hideSendBox: pane === 'channel', accent: '#005eb8', bubbleMaxWidth: 600
      }
    }, host);
  }

  async function play(person, buttons) {
    while (open.length) { open.pop().end(); }
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.person === person.id)); });
    document.getElementById('chat-title').textContent = 'Your chat with Media Desk, as ' + person.name;
    await show('chat', person, document.getElementById('chat'));
    await show('channel', person, document.getElementById('channel'));
    history.replaceState(null, '', '#' + encodeURIComponent(person.id));
  }

  async function start() {
    if (!window.WebChat) { return; }  // webchat.js explains what to do
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
  }

  start();
}());
