// The dashboard's script (served as /dashboard.js: the page's Content-Security-Policy runs no inline script).
(() => {
  'use strict';
  const site = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  const key = new URLSearchParams(location.hash.slice(1)).get('key') || '';
  const api = `/api/v1/sites/${encodeURIComponent(site)}`;
  const metrics = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events'];
  const labels = { visitors: 'Unique visitors', visits: 'Visits', pageviews: 'Pageviews', views_per_visit: 'Views per visit',
    bounce_rate: 'Bounce rate', visit_duration: 'Visit duration', events: 'Events' };
  const lists = [['page', 'Top pages', 'pageviews'], ['entry_page', 'Entry pages', 'visits'], ['source', 'Sources', 'visits'],
    ['country', 'Countries', 'visits'], ['browser', 'Browsers', 'visits'], ['os', 'Operating systems', 'visits'],
    ['device', 'Devices', 'visits'], ['event', 'Custom events', 'events']];
  const $ = (id) => document.getElementById(id);
  const period = $('period');
  const number = new Intl.NumberFormat('en');
  document.title = `${site} · Vulcan Tracker`;
  $('site').textContent = site;

  const format = (metric, value) => {
    if (metric === 'bounce_rate') return `${value}%`;
    if (metric === 'visit_duration') { const m = Math.floor(value / 60); return m ? `${m}m ${value % 60}s` : `${value}s`; }
    if (metric === 'views_per_visit') return Number(value).toFixed(2);
    return number.format(value);
  };
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  async function get(path) {
    const response = await fetch(api + path, { headers: { Authorization: `Bearer ${key}` } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || response.statusText);
    return body.results;
  }
  function showError(error) { $('error').style.display = 'block'; $('error').textContent = `Could not load the report: ${error.message}`; }

  function renderCards(values) {
    $('cards').innerHTML = metrics.map((m) => `<div class="card" data-metric="${m}"><div class="label">${labels[m]}</div>
      <div class="value">${format(m, values[m])}</div></div>`).join('');
  }

  function renderSeries(rows, interval) {
    const width = 720, height = 240, left = 40, bottom = 24, top = 10;
    const max = Math.max(1, ...rows.map((r) => Math.max(r.visitors, r.pageviews)));
    const x = (i) => left + (rows.length < 2 ? 0 : (i * (width - left - 10)) / (rows.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const line = (field) => rows.map((r, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(r[field]).toFixed(1)}`).join('');
    const area = (field) => `${line(field)}L${x(rows.length - 1)},${y(0)}L${x(0)},${y(0)}Z`;
    const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
    const every = Math.max(1, Math.ceil(rows.length / 8));
    const label = (d) => interval === 'hour' ? d.slice(11, 16) : interval === 'month' ? d.slice(0, 7) : d.slice(5, 10);
    $('series').innerHTML = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Visitors and pageviews">
      ${ticks.map((t) => `<line x1="${left}" x2="${width}" y1="${y(t)}" y2="${y(t)}" stroke="#eef0f5"/><text class="axis" x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${number.format(t)}</text>`).join('')}
      <path d="${area('pageviews')}" fill="var(--accent-soft)" opacity=".7"/><path d="${line('pageviews')}" fill="none" stroke="var(--accent)" stroke-width="2"/>
      <path d="${area('visitors')}" fill="var(--blue-soft)" opacity=".8"/><path d="${line('visitors')}" fill="none" stroke="var(--blue)" stroke-width="2"/>
      ${rows.map((r, i) => i % every ? '' : `<text class="axis" x="${x(i)}" y="${height - 6}" text-anchor="middle">${label(r.date)}</text>`).join('')}
    </svg>`;
    $('series-note').innerHTML = '<span style="color:var(--blue)">● visitors</span> &nbsp;<span style="color:var(--accent)">● pageviews</span>';
  }

  function renderMinutes(minutes) {
    const width = 360, height = 240, bottom = 20;
    const max = Math.max(1, ...minutes.map((m) => m.pageviews));
    const w = width / minutes.length;
    $('minutes').innerHTML = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Pageviews per minute">
      ${minutes.map((m, i) => { const h = ((height - bottom - 8) * m.pageviews) / max;
        return `<rect x="${(i * w + 1).toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${(w - 2).toFixed(1)}" height="${h.toFixed(1)}" rx="2" fill="var(--accent)"><title>${m.minute.slice(11, 16)}: ${m.pageviews}</title></rect>`; }).join('')}
      <text class="axis" x="0" y="${height - 4}">-30 min</text><text class="axis" x="${width}" y="${height - 4}" text-anchor="end">now</text>
    </svg>`;
  }

  function renderList(property, title, metric, rows) {
    const max = Math.max(1, ...rows.map((r) => r.visitors));
    const body = rows.length ? rows.map((r) => `<tr><td class="name"><div class="bar" style="width:${(100 * r.visitors) / max}%"></div>
      <span title="${escape(r[property])}">${escape(r[property])}</span></td><td class="num">${number.format(r.visitors)}</td>
      <td class="num">${number.format(r[metric])}</td></tr>`).join('') : `<tr><td class="empty" colspan="3">No data yet</td></tr>`;
    return `<section class="panel" data-list="${property}"><h2>${title}</h2><table><thead><tr><th>${property.replace('_', ' ')}</th>
      <th>Visitors</th><th>${metric[0].toUpperCase() + metric.slice(1)}</th></tr></thead><tbody>${body}</tbody></table></section>`;
  }

  // A channel other than "all" is a filter: those reports come from the hits table, not the rollups.
  const channel = $('channel');
  async function load() {
    const p = period.value + (channel.value ? `&filters=${encodeURIComponent(`channel==${channel.value}`)}` : '');
    const interval = period.value === 'day' ? 'hour' : period.value === '12mo' || period.value === '6mo' ? 'month' : 'day';
    try {
      const [aggregate, series, ...tops] = await Promise.all([
        get(`/stats/aggregate?period=${p}&metrics=${metrics.join(',')}`),
        get(`/stats/timeseries?period=${p}&interval=${interval}&metrics=visitors,pageviews`),
        ...lists.map(([property, , metric]) => get(`/stats/breakdown?period=${p}&property=${property}&metrics=visitors,${metric}&limit=10`)),
      ]);
      renderCards(Object.fromEntries(metrics.map((m) => [m, aggregate[m].value])));
      renderSeries(series, interval);
      $('lists').innerHTML = lists.map(([property, title, metric], i) => renderList(property, title, metric, tops[i])).join('');
      $('cards').dataset.channel = channel.value || 'all'; // what the figures shown are of
      $('error').style.display = 'none';
    } catch (error) { showError(error); }
  }

  // Live: a snapshot, then updates; today's cards follow them while "Today" is shown.
  let backoff = 1000;
  let refresh = null;
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The key is offered as a subprotocol beside vulcan-live, never in the URL (docs/api.md).
    const socket = new WebSocket(`${scheme}://${location.host}${api}/live`, ['vulcan-live', key]);
    socket.onopen = () => { backoff = 1000; $('live-dot').classList.add('on'); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      $('current').textContent = `${number.format(message.current_visitors)} current visitor${message.current_visitors === 1 ? '' : 's'}`;
      renderMinutes(message.minutes);
      if (period.value === 'day' && message.type === 'update') {
        if (!channel.value) renderCards(message.aggregate); // live numbers are of all channels
        clearTimeout(refresh); // the chart and lists follow a moment later, at most every 5 s
        refresh = setTimeout(load, 5000 - (Date.now() % 5000));
      }
    };
    socket.onclose = () => {
      $('live-dot').classList.remove('on');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  period.addEventListener('change', load);
  channel.addEventListener('change', load);
  $('share').addEventListener('click', async () => {
    const link = `${location.origin}${location.pathname}#key=${encodeURIComponent(key)}`;
    try { await navigator.clipboard.writeText(link); $('share').textContent = 'Link copied'; } catch { prompt('Read-only link:', link); }
    setTimeout(() => { $('share').textContent = 'Share'; }, 2000);
  });
  if (!key) { showError(new Error('add #key=<report key> to the address')); return; }
  load();
  connect();
})();
