// The account page (served as /account.js: no inline script runs under the page's Content-Security-Policy).
// First run: the owner's sign-up; then sign-in; an invitation link (#invite=…) joins a site; signed in:
// the person's sites (and adding one) and their API keys. docs/api.md, "Accounts".
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  // Where to go once signed in: a dashboard that sent us here, never another origin.
  const next = (fragment.get('next') || '').startsWith('/dashboard/') ? fragment.get('next') : '';

  async function call(method, path, body) {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('vulcan_csrf='));
    const headers = { 'Content-Type': 'application/json' };
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = decodeURIComponent(csrf.slice('vulcan_csrf='.length));
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(answer.message || response.statusText), { status: response.status });
    return answer;
  }
  const fail = (error) => { $('error').textContent = error.message; };
  const show = (...ids) => ['setup', 'signin', 'invitation', 'sites', 'keys'].forEach((id) => { $(id).hidden = !ids.includes(id); });

  async function signedIn(me) {
    if (next) { location.href = next; return; }
    $('who').textContent = me.email;
    $('signout').hidden = false;
    show('sites', 'keys');
    const [sites, keys] = await Promise.all([call('GET', '/api/v1/sites'), call('GET', '/api/v1/account/keys')]);
    $('site-list').innerHTML = sites.map((s) => `<tr><td><a href="/dashboard/${encodeURIComponent(s.id)}">${escape(s.id)}</a></td>`
      + `<td class="muted">${escape(s.role)}</td><td class="muted">${escape(s.timezone)}</td></tr>`).join('')
      || '<tr><td class="muted">No sites yet: add one below.</td></tr>';
    $('key-site').innerHTML = sites.map((s) => `<option value="${escape(s.id)}">${escape(s.id)}</option>`).join('');
    $('key-list').innerHTML = keys.keys.map((k) => `<tr><td>${escape(k.name)}</td><td class="muted">${escape(k.sites.join(', '))}</td>`
      + `<td class="muted">${k.scope}</td><td><button data-revoke="${escape(k.id)}">Revoke</button></td></tr>`).join('')
      || '<tr><td class="muted">No API keys.</td></tr>';
  }

  async function start() {
    const invite = fragment.get('invite');
    if (invite) {
      const invitation = await call('POST', '/api/v1/account/invitation', { token: invite });
      $('invitation-title').textContent = `Join ${invitation.site} as ${invitation.role} (${invitation.email}): `
        + (invitation.has_account ? 'enter your password' : 'choose a password (10+ characters)');
      $('invitation-form').onsubmit = (event) => {
        event.preventDefault();
        call('POST', '/api/v1/account/invitation/accept', { token: invite, password: $('invitation-password').value })
          .then(() => { location.href = `/dashboard/${encodeURIComponent(invitation.site)}`; }).catch(fail);
      };
      show('invitation');
      return;
    }
    try {
      await signedIn(await call('GET', '/api/v1/account/me'));
    } catch (error) {
      if (error.status !== 401) throw error;
      const setup = await call('GET', '/api/v1/account/setup');
      show(setup.set_up ? 'signin' : 'setup');
    }
  }

  $('setup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('POST', '/api/v1/account/signup', { email: $('setup-email').value, password: $('setup-password').value })
      .then(() => start()).catch(fail);
  });
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('POST', '/api/v1/account/signin', { email: $('signin-email').value, password: $('signin-password').value })
      .then(() => { $('error').textContent = ''; return start(); }).catch(fail);
  });
  $('signout').addEventListener('click', () => call('POST', '/api/v1/account/signout').then(() => location.reload()).catch(fail));
  $('site-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('POST', '/api/v1/sites', { id: $('site-id').value.trim(), timezone: $('site-zone').value.trim() || 'UTC' }).then((site) => {
      $('site-made').textContent = `Added ${site.id}. Its tracking script: <script defer data-site="${site.id}" src="${location.origin}/vulcan.js"></script>`
        + ` — log forwarder token (shown once): ${site.ingestToken}`;
      $('site-id').value = '';
      return start();
    }).catch(fail);
  });
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('POST', '/api/v1/account/keys', { name: $('key-name').value, sites: [$('key-site').value], scope: $('key-scope').value })
      .then((made) => { $('key-made').textContent = `New key (shown once): ${made.key}`; $('key-name').value = ''; return start(); })
      .catch(fail);
  });
  $('key-list').addEventListener('click', (event) => {
    const revoke = event.target.closest('button[data-revoke]');
    if (revoke) call('DELETE', `/api/v1/account/keys/${encodeURIComponent(revoke.dataset.revoke)}`).then(start).catch(fail);
  });
  start().catch(fail);
})();
