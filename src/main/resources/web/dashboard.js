// The dashboard's script (served as /dashboard.js: the page's Content-Security-Policy runs no inline script).
// What it shows is kept in the address (?period=…&filters=…&compare=…), so a view can be bookmarked and
// shared. A report key or a share link's token stays in the fragment (#key=…), which the browser never
// sends anywhere; without one, the signed-in session's cookies are the credential (docs/api.md, "Access and roles").
(() => {
  'use strict';
  const site = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  let key = new URLSearchParams(location.hash.slice(1)).get('key') || '';
  let access = { role: 'viewer', via: 'report_key', segment: '' }; // what this credential may do (GET …/access)
  const api = `/api/v1/sites/${encodeURIComponent(site)}`;
  const metrics = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events'];
  const labels = { visitors: 'Unique visitors', visits: 'Visits', pageviews: 'Pageviews', views_per_visit: 'Views per visit',
    bounce_rate: 'Bounce rate', visit_duration: 'Visit duration', events: 'Events' };
  // Each panel and the views it switches between: [property, title, second metric].
  const panels = [
    [['page', 'Top pages', 'pageviews'], ['entry_page', 'Entry pages', 'visits'], ['exit_page', 'Exit pages', 'visits'],
      ['page', 'Engagement', 'time_on_page,scroll_depth']],
    [['channel', 'Channels', 'visits'], ['source', 'Sources', 'visits'], ['referrer', 'Referrers', 'visits'], ['utm_source', 'UTM source', 'visits'],
      ['utm_medium', 'UTM medium', 'visits'], ['utm_campaign', 'UTM campaign', 'visits'], ['utm_term', 'UTM term', 'visits'],
      ['utm_content', 'UTM content', 'visits']],
    [['country', 'Countries', 'visits'], ['region', 'Regions', 'visits'], ['city', 'Cities', 'visits']],
    [['browser', 'Browsers', 'visits'], ['browser_version', 'Browser versions', 'visits'], ['os', 'Operating systems', 'visits'],
      ['os_version', 'OS versions', 'visits']],
    [['device', 'Devices', 'visits'], ['screen', 'Screen sizes', 'visits']],
    [['event', 'Custom events', 'events'], ['event:props:path', 'Not found', 'events', 'event==404']],
  ];
  const filterKeys = ['page', 'entry_page', 'exit_page', 'hostname', 'channel', 'source', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign',
    'utm_term', 'utm_content', 'country', 'region', 'city', 'browser', 'browser_version', 'os', 'os_version', 'device', 'screen', 'event', 'goal'];
  const $ = (id) => document.getElementById(id);
  // How the address names a panel's view: its property, or for the engagement view of pages, "engagement".
  const viewName = (property, metric) => (metric.includes('time_on_page') ? 'engagement' : property);
  const number = new Intl.NumberFormat('en');
  document.title = `${site} · Vulcan Tracker`;
  $('site').textContent = site;

  // The filters of the address, cut at each ; that no backslash makes plain.
  function splitFilters(text) {
    const filters = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === ';') { filters.push(text.slice(start, i)); start = i + 1; }
    }
    filters.push(text.slice(start));
    return filters.filter(Boolean);
  }

  // The view: read from the address, written back on every change.
  const query = new URLSearchParams(location.search);
  const state = {
    period: query.get('period') || 'day', from: query.get('from') || '', to: query.get('to') || '',
    compare: query.get('compare') || '', filters: splitFilters(query.get('filters') || ''),
    views: panels.map((views, i) => Math.max(0, views.findIndex(([p, , m]) => viewName(p, m) === query.get(`view${i}`)))),
    funnel: query.get('funnel') || '',
  };
  function saveState() {
    const out = new URLSearchParams();
    out.set('period', state.period);
    if (state.period === 'custom') { out.set('from', state.from); out.set('to', state.to); }
    if (state.compare) out.set('compare', state.compare);
    if (state.filters.length) out.set('filters', state.filters.join(';'));
    state.views.forEach((v, i) => { if (v) out.set(`view${i}`, viewName(panels[i][v][0], panels[i][v][2])); });
    if (state.funnel) out.set('funnel', state.funnel);
    history.replaceState(null, '', `${location.pathname}?${out}${location.hash}`);
  }

  const format = (metric, value) => {
    if (metric === 'bounce_rate') return `${value}%`;
    if (metric === 'conversion_rate') return `${Number(value).toFixed(1)}%`;
    if (metric === 'visit_duration' || metric === 'time_on_page') { const m = Math.floor(value / 60); return m ? `${m}m ${value % 60}s` : `${value}s`; }
    if (metric === 'scroll_depth') return `${value}%`;
    if (metric === 'views_per_visit') return Number(value).toFixed(2);
    return number.format(value);
  };
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  // A key goes as a bearer token; a session's changes carry its CSRF token (the cookie the page may read).
  function headers(changes) {
    if (key) return { Authorization: `Bearer ${key}` };
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('vulcan_csrf='));
    return changes && csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf.slice('vulcan_csrf='.length)) } : {};
  }
  async function fetchJson(path) {
    const response = await fetch(api + path, { headers: headers(false) });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || response.statusText);
    return body;
  }
  async function change(method, path, body) {
    const response = await fetch(api + path, { method, headers: { ...headers(true), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = response.status === 204 ? {} : await response.json();
    if (!response.ok) throw new Error(answer.message || response.statusText);
    return answer;
  }
  const get = async (path) => (await fetchJson(path)).results;
  function showError(error) { $('error').style.display = 'block'; $('error').textContent = `Could not load the report: ${error.message}`; }

  // The filters every report takes: the filter bar's and the traffic switch's.
  function filterText(extra) {
    const all = [...state.filters];
    if (extra) all.push(extra);
    if ($('channel').value) all.push(`origin==${$('channel').value}`);
    return all.join(';');
  }
  function filterParam(extra) {
    const text = filterText(extra);
    return text ? `&filters=${encodeURIComponent(text)}` : '';
  }
  function periodParam() {
    return state.period === 'custom' ? `period=custom&from=${state.from}&to=${state.to}` : `period=${state.period}`;
  }
  const compareParam = () => (state.compare ? `&compare=${state.compare}` : '');

  // A filter value's |, *, ; and backslash are plain after a backslash (docs/api.md): a clicked or
  // typed value selects exactly itself; "contains" puts stars around the escaped text.
  function plain(value) { return value.replace(/[\\|*;]/g, (c) => `\\${c}`); }
  function unescapeValue(value) { return value.replace(/\\([\\|*;])/g, '$1'); }

  function describeFilter(filter) {
    if (filter.startsWith('segment==')) {
      const segment = segments.find((s) => s.id === filter.slice(9));
      return `segment ${segment ? segment.name : filter.slice(9)}`;
    }
    const at = filter.search(/==|!=/);
    const name = filter.slice(0, at).replace('_', ' ');
    const value = filter.slice(at + 2);
    if (filter[at] === '!') return `${name} is not ${unescapeValue(value)}`;
    if (/^\*.+[^\\]\*$/.test(value)) return `${name} contains ${unescapeValue(value.slice(1, -1))}`;
    return `${name} is ${unescapeValue(value)}`;
  }
  function renderFilterBar() {
    $('filters').innerHTML = state.filters.map((f, i) => `<span class="chip" data-filter="${escape(f)}">${escape(describeFilter(f))}
      <button class="remove" data-remove="${i}" aria-label="Remove filter">×</button></span>`).join('');
  }
  function addFilter(filter) {
    if (!state.filters.includes(filter)) state.filters.push(filter);
    changed();
  }

  function changeBadge(metric, change) {
    if (change === undefined || change === null) return '';
    const good = metric === 'bounce_rate' ? change < 0 : change > 0;
    const unit = metric === 'bounce_rate' || metric === 'conversion_rate' ? ' pp' : '%';
    const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '=';
    return `<div class="change ${change === 0 ? '' : good ? 'up' : 'down'}">${arrow} ${Math.abs(change)}${unit}</div>`;
  }
  function renderCards(values) {
    $('cards').innerHTML = metrics.map((m) => `<div class="card" data-metric="${m}"><div class="label">${labels[m]}</div>
      <div class="value">${format(m, values[m].value)}</div>${changeBadge(m, values[m].change)}</div>`).join('');
  }

  function renderSeries(rows, interval) {
    const width = 720, height = 240, left = 40, bottom = 24, top = 10;
    const earlier = rows.map((r) => (r.comparison ? r.comparison.visitors : null));
    const max = Math.max(1, ...rows.map((r) => Math.max(r.visitors, r.pageviews)), ...earlier.filter((v) => v !== null));
    const x = (i) => left + (rows.length < 2 ? 0 : (i * (width - left - 10)) / (rows.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const line = (values) => values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
    const area = (values) => `${line(values)}L${x(values.length - 1)},${y(0)}L${x(0)},${y(0)}Z`;
    const visitors = rows.map((r) => r.visitors), pageviews = rows.map((r) => r.pageviews);
    const compared = earlier.filter((v) => v !== null);
    const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
    const every = Math.max(1, Math.ceil(rows.length / 8));
    const label = (d) => interval === 'hour' ? d.slice(11, 16) : interval === 'month' ? d.slice(0, 7) : d.slice(5, 10);
    $('series').innerHTML = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Visitors and pageviews">
      ${ticks.map((t) => `<line x1="${left}" x2="${width}" y1="${y(t)}" y2="${y(t)}" stroke="#eef0f5"/><text class="axis" x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${number.format(t)}</text>`).join('')}
      <path d="${area(pageviews)}" fill="var(--accent-soft)" opacity=".7"/><path d="${line(pageviews)}" fill="none" stroke="var(--accent)" stroke-width="2"/>
      <path d="${area(visitors)}" fill="var(--blue-soft)" opacity=".8"/><path d="${line(visitors)}" fill="none" stroke="var(--blue)" stroke-width="2"/>
      ${compared.length ? `<path id="comparison-line" d="${line(compared)}" fill="none" stroke="var(--muted)" stroke-width="2" stroke-dasharray="5 4"/>` : ''}
      ${rows.map((r, i) => i % every ? '' : `<text class="axis" x="${x(i)}" y="${height - 6}" text-anchor="middle">${label(r.date)}</text>`).join('')}
    </svg>`;
    $('series-note').innerHTML = '<span style="color:var(--blue)">● visitors</span> &nbsp;<span style="color:var(--accent)">● pageviews</span>'
      + (compared.length ? ' &nbsp;<span style="color:var(--muted)">┅ visitors, earlier period</span>' : '');
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

  // A value that the filter syntax can carry (';' separates filters): only those rows filter on a click.
  const filterable = (value) => typeof value === 'string';
  const columnTitles = { pageviews: 'Pageviews', visits: 'Visits', events: 'Events', time_on_page: 'Time on page', scroll_depth: 'Scroll depth' };
  function renderList(panel, rows) {
    const [property, , metric] = panels[panel][state.views[panel]];
    const columns = metric.split(',');
    const column = property.startsWith('event:props:') ? property.slice(12) : property; // how the API names its values
    const max = Math.max(1, ...rows.map((r) => r.visitors));
    const tabs = panels[panel].map(([p, title], v) =>
      `<button class="tab${v === state.views[panel] ? ' on' : ''}" data-panel="${panel}" data-view="${v}">${title}</button>`).join('');
    const body = rows.length ? rows.map((r) => `<tr${filterable(r[column]) ? ` class="row" data-filter="${escape(`${property}==${plain(r[column])}`)}"` : ''}>
      <td class="name"><div class="bar" style="width:${(100 * r.visitors) / max}%"></div>
      <span title="${escape(r[column])}">${escape(r[column])}</span></td><td class="num">${number.format(r.visitors)}</td>
      ${columns.map((m) => `<td class="num">${format(m, r[m])}</td>`).join('')}</tr>`).join('')
      : `<tr><td class="empty" colspan="${2 + columns.length}">No data yet</td></tr>`;
    return `<section class="panel" data-list="${property}" data-view="${escape(metric)}"><h2><span class="tabs">${tabs}</span></h2><table><thead><tr>
      <th>${column.replace('_', ' ')}</th><th>Visitors</th>${columns.map((m) => `<th>${columnTitles[m]}</th>`).join('')}</tr></thead>
      <tbody>${body}</tbody></table></section>`;
  }

  function renderGoals(rows) {
    if (!goals.length) { $('goals').innerHTML = ''; return; }
    const max = Math.max(1, ...rows.map((r) => r.visitors));
    const body = rows.length ? rows.map((r) => `<tr class="row" data-filter="${escape(`goal==${plain(r.goal)}`)}"><td class="name">
      <div class="bar" style="width:${(100 * r.visitors) / max}%"></div><span>${escape(r.goal)}</span></td>
      <td class="num">${number.format(r.visitors)}</td><td class="num">${number.format(r.events)}</td>
      <td class="num">${format('conversion_rate', r.conversion_rate)}</td></tr>`).join('')
      : '<tr><td class="empty" colspan="4">No conversions in this period</td></tr>';
    $('goals').innerHTML = `<section class="panel" data-list="goal"><h2>Goals <small>${goals.length} defined</small></h2><table><thead>
      <tr><th>goal</th><th>Uniques</th><th>Total</th><th>CR</th></tr></thead><tbody>${body}</tbody></table></section>`;
  }

  function renderFunnel(steps) {
    if (!funnels.length) { $('funnel').innerHTML = ''; return; }
    const options = funnels.map((f) => `<option value="${escape(f.id)}"${f.id === state.funnel ? ' selected' : ''}>${escape(f.name)}</option>`).join('');
    const max = Math.max(1, ...steps.map((s) => s.visitors));
    const body = steps.map((s, i) => `<div class="step" data-step="${i}"><div class="step-label">${i + 1}. ${escape(s.label)}</div>
      <div class="step-bar"><div class="bar" style="width:${(100 * s.visitors) / max}%"></div>
      <span>${number.format(s.visitors)} visitors · ${format('conversion_rate', s.conversion_rate)}</span></div>
      <div class="num">${i ? `−${number.format(s.dropoff)} (${format('conversion_rate', s.conversion_rate_step)} of the step before)` : ''}</div></div>`).join('');
    $('funnel').innerHTML = `<section class="panel" data-funnel="${escape(state.funnel)}"><h2>Funnel
      <select id="funnel-select" class="light" aria-label="Funnel">${options}</select></h2>${body}</section>`;
  }

  function renderBots(rows) {
    const total = rows.reduce((sum, r) => sum + r.bots, 0);
    $('bots').innerHTML = total ? `<section class="panel" data-list="bot"><h2>Bots <small>not counted in any report</small></h2>
      <table><thead><tr><th>bot</th><th>Hits</th></tr></thead><tbody>${rows.map((r) =>
        `<tr><td class="name"><span>${escape(r.bot)}</span></td><td class="num">${number.format(r.bots)}</td></tr>`).join('')}</tbody></table></section>` : '';
  }

  // Where the period's hits went (docs/api.md, "The ledger"): every line summed over its days.
  function renderLedger(days) {
    const total = { received: 0, counted: 0, bots: 0 };
    const groups = { duplicates: {}, refused: {}, skipped: {} };
    days.forEach((day) => {
      ['received', 'counted', 'bots'].forEach((line) => { total[line] += day[line]; });
      Object.keys(groups).forEach((group) => Object.entries(day[group]).forEach(([key, n]) => {
        groups[group][key] = (groups[group][key] || 0) + n;
      }));
    });
    if (!total.received) { $('ledger').innerHTML = ''; return; }
    const row = (label, n, line) => `<tr data-line="${escape(line)}"><td class="name"><span>${escape(label)}</span></td>`
      + `<td class="num">${number.format(n)}</td></tr>`;
    const rows = [row('Counted', total.counted, 'counted'), row('Bots', total.bots, 'bots')];
    [['duplicates', 'Duplicate'], ['refused', 'Refused'], ['skipped', 'Skipped']].forEach(([group, label]) =>
      Object.entries(groups[group]).sort((a, b) => b[1] - a[1]).forEach(([key, n]) =>
        rows.push(row(`${label}: ${key.replaceAll('_', ' ')}`, n, `${group}.${key}`))));
    $('ledger').innerHTML = `<section class="panel" data-list="ledger"><h2>Where the hits went
      <small>${number.format(total.received)} received</small></h2>
      <table><thead><tr><th>line</th><th>Hits</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
  }

  // Script coverage (docs/api.md): of the visits and pageviews the server log saw, the share the script saw too.
  // Shown for sites that send their log; pages and browsers with the most log pageviews first.
  function renderCoverage(coverage) {
    if (!coverage.visits) { $('coverage').innerHTML = ''; return; }
    const percent = (value) => `${value.toFixed(1)}%`;
    const row = (label, share, kind) => `<tr data-${kind}="${escape(label)}"><td class="name"><span>${escape(label)}</span></td>`
      + `<td class="num">${number.format(share.pageviews)}</td><td class="num">${percent(share.pageview_coverage)}</td></tr>`;
    const group = (label) => `<tr><td class="name" colspan="3"><small>${label}</small></td></tr>`;
    const rows = [...coverage.pages.slice(0, 5).map((p) => row(p.page, p, 'page')), group('By browser'),
      ...coverage.browsers.slice(0, 5).map((b) => row(b.browser, b, 'browser'))];
    $('coverage').innerHTML = `<section class="panel" data-list="coverage"><h2>Script coverage
      <small><span data-coverage="visits">${percent(coverage.visit_coverage)}</span> of ${number.format(coverage.visits)} log visits,
      <span data-coverage="pageviews">${percent(coverage.pageview_coverage)}</span> of pageviews</small></h2>
      <table><thead><tr><th>page</th><th>Log views</th><th>Script saw</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
  }

  // Alerts: the site's rules, and their latest firings as the live socket brings them (newest first).
  let alerts = [];
  let firings = [];
  function describeAlert(rule) {
    switch (rule.kind) {
      case 'goal': return `goal reached ${number.format(rule.count)} times in a day`;
      case 'visitors': return `more than ${number.format(rule.above)} current visitors`;
      case 'not_found': return `${number.format(rule.count)}+ pages not found in ${rule.minutes} min`;
      default: return `${rule.kind} ×${rule.factor} against ${rule.weeks} weeks`;
    }
  }
  function renderAlerts() {
    if (!alerts.length && !firings.length) { $('alerts').innerHTML = ''; return; }
    const rules = alerts.map((rule) => `<tr data-alert="${escape(rule.id)}"><td class="name"><span>${escape(rule.name)}</span></td>`
      + `<td>${escape(describeAlert(rule))}</td></tr>`);
    const fired = firings.map((f) => `<tr class="firing" data-delivery="${escape(f.delivery)}"><td class="name">`
      + `<span>${escape(f.alert.name)}</span></td><td>fired ${escape(new Date(f.fired_at).toLocaleTimeString())}: `
      + `${number.format(f.value)}</td></tr>`);
    $('alerts').innerHTML = `<section class="panel" data-list="alerts"><h2>Alerts <small>${alerts.length} rule${alerts.length === 1 ? "" : "s"}</small></h2>
      <table><thead><tr><th>rule</th><th>when</th></tr></thead><tbody>${fired.join('')}${rules.join('')}</tbody></table></section>`;
  }

  let goals = [];
  let funnels = [];
  let segments = [];
  async function loadDefinitions() {
    [goals, funnels, segments, alerts] = await Promise.all(['goals', 'funnels', 'segments', 'alerts']
      .map((kind) => fetchJson(`/${kind}`).then((b) => b[kind])));
    renderAlerts();
    if (funnels.length && !funnels.some((f) => f.id === state.funnel)) state.funnel = funnels[0].id;
    $('segment').innerHTML = '<option value="">Segments…</option>'
      + segments.map((s) => `<option value="${escape(s.id)}">${escape(s.name)}</option>`).join('');
    $('segment').style.display = segments.length ? '' : 'none';
    renderFilterBar();
  }

  let loading = 0;
  let wholeSite = true;
  async function load() {
    const mine = ++loading;
    const p = periodParam() + filterParam();
    const interval = state.period === 'day' ? 'hour' : state.period === '12mo' || state.period === '6mo' ? 'month' : 'day';
    try {
      const [aggregate, series, goalRows, funnel, bots, ledger, coverage, ...tops] = await Promise.all([
        get(`/stats/aggregate?${p}${compareParam()}&metrics=${metrics.join(',')}`),
        get(`/stats/timeseries?${p}${compareParam()}&interval=${interval}&metrics=visitors,pageviews`),
        goals.length ? get(`/stats/breakdown?${p}&property=goal&metrics=visitors,events,conversion_rate&limit=20`) : [],
        state.funnel ? fetchJson(`/stats/funnel?${p}&funnel=${encodeURIComponent(state.funnel)}`).then((b) => b.steps) : [],
        // Bots, the ledger and script coverage are of the whole site: not shown through a link kept to a segment.
        wholeSite ? get(`/stats/breakdown?${periodParam()}&property=bot&metrics=bots&limit=5`) : [], // bots take no filters
        wholeSite ? get(`/ledger?${periodParam()}`) : [], // nor does the ledger
        // Nor script coverage, which compares the two origins; it reads the period's hits, so a
        // period too long or too slow for it leaves its panel out rather than the whole view.
        wholeSite ? get(`/coverage?${periodParam()}`).catch(() => ({ visits: 0 })) : { visits: 0 },
        ...panels.map((views, i) => { const [property, , metric, only] = views[state.views[i]];
          const filters = only ? periodParam() + filterParam(only) : p; // a view of some events only (the 404s)
          return get(`/stats/breakdown?${filters}&property=${encodeURIComponent(property)}&metrics=visitors,${metric}&limit=10`); }),
      ]);
      if (mine !== loading) return; // a later view's answers are on their way
      renderCards(aggregate);
      renderSeries(series, interval);
      renderGoals(goalRows);
      renderFunnel(funnel);
      renderBots(bots);
      renderLedger(ledger);
      renderCoverage(coverage);
      $('lists').innerHTML = panels.map((views, i) => renderList(i, tops[i])).join('');
      $('cards').dataset.channel = $('channel').value || 'all'; // what the figures shown are of
      $('cards').dataset.view = location.search; // what view they are of, for whoever waits on them
      $('error').style.display = 'none';
    } catch (error) { showError(error); }
  }

  function changed() {
    sendFilters();
    saveState();
    renderFilterBar();
    $('dates').style.display = state.period === 'custom' ? '' : 'none';
    load();
  }

  // Live: a snapshot, then updates; today's cards follow them while "Today" is shown unfiltered.
  let backoff = 1000;
  let refresh = null;
  let liveSocket = null;
  // The socket's aggregate follows the view's filters (docs/api.md): today's cards stay live when filtered.
  function sendFilters() {
    if (liveSocket && liveSocket.readyState === WebSocket.OPEN) liveSocket.send(JSON.stringify({ type: 'filters', filters: filterText() }));
  }
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The key is offered as a subprotocol beside vulcan-live, never in the URL (docs/api.md).
    const socket = new WebSocket(`${scheme}://${location.host}${api}/live`, key ? ['vulcan-live', key] : ['vulcan-live']);
    liveSocket = socket;
    socket.onopen = () => { backoff = 1000; $('live-dot').classList.add('on'); sendFilters(); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (JSON.stringify(message.alerts) !== JSON.stringify(firings)) { firings = message.alerts; renderAlerts(); }
      $('current').textContent = `${number.format(message.current_visitors)} current visitor${message.current_visitors === 1 ? '' : 's'}`;
      renderMinutes(message.minutes);
      if (state.period === 'day' && message.type === 'update') {
        if (!state.compare && (message.filters || '') === filterText()) { // live numbers of today, under the view's filters
          renderCards(Object.fromEntries(metrics.map((m) => [m, { value: message.aggregate[m] }])));
        }
        clearTimeout(refresh); // the rest follows a moment later, at most every 5 s
        refresh = setTimeout(load, 5000 - (Date.now() % 5000));
      }
    };
    socket.onclose = () => {
      $('live-dot').classList.remove('on');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  // Controls.
  $('period').value = state.period;
  $('compare').value = state.compare;
  $('from').value = state.from;
  $('to').value = state.to;
  $('filter-key').innerHTML = filterKeys.map((k) => `<option value="${k}">${k.replace('_', ' ')}</option>`).join('');
  $('period').addEventListener('change', () => {
    state.period = $('period').value;
    if (state.period === 'custom' && !state.from) {
      const today = new Date().toISOString().slice(0, 10);
      state.from = today; state.to = today; $('from').value = today; $('to').value = today;
    }
    changed();
  });
  for (const id of ['from', 'to']) $(id).addEventListener('change', () => { state[id] = $(id).value; if (state.from && state.to) changed(); });
  $('compare').addEventListener('change', () => { state.compare = $('compare').value; changed(); });
  $('channel').addEventListener('change', () => { sendFilters(); load(); });
  $('filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('filter-value').value.trim();
    if (!value) return;
    const op = $('filter-op').value;
    addFilter(`${$('filter-key').value}${op === 'not' ? '!=' : '=='}${op === 'contains' ? `*${plain(value)}*` : plain(value)}`);
    $('filter-value').value = '';
  });
  $('segment').addEventListener('change', () => {
    if ($('segment').value) addFilter(`segment==${$('segment').value}`);
    $('segment').value = '';
  });
  $('filters').addEventListener('click', (event) => {
    const remove = event.target.closest('[data-remove]');
    if (remove) { state.filters.splice(Number(remove.dataset.remove), 1); changed(); }
  });
  document.querySelector('main').addEventListener('click', (event) => {
    const tab = event.target.closest('.tab');
    if (tab) { state.views[Number(tab.dataset.panel)] = Number(tab.dataset.view); changed(); return; }
    const row = event.target.closest('tr.row');
    if (row) addFilter(row.dataset.filter);
  });
  document.querySelector('main').addEventListener('change', (event) => {
    if (event.target.id === 'funnel-select') { state.funnel = event.target.value; changed(); }
  });
  $('export').addEventListener('click', async () => {
    try {
      const response = await fetch(`${api}/export?${periodParam()}${filterParam()}${compareParam()}`, { headers: headers(false) });
      if (!response.ok) throw new Error((await response.json()).message || response.statusText);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = `${site}-${state.period}.zip`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (error) { showError(error); }
  });
  $('share').addEventListener('click', async () => {
    if (access.via === 'session') { $('settings').scrollIntoView(); return; } // people share through links they can revoke
    const link = `${location.origin}${location.pathname}${location.search}#key=${encodeURIComponent(key)}`;
    try { await navigator.clipboard.writeText(link); $('share').textContent = 'Link copied'; } catch { prompt('Read-only link:', link); }
    setTimeout(() => { $('share').textContent = 'Share'; }, 2000);
  });

  // Settings (admins and the owner, signed in): members, invitations, share links and imports.
  async function loadSettings() {
    const [people, links] = await Promise.all([fetchJson('/members'), fetchJson('/shares'), loadImports()]);
    $('members').innerHTML = people.members.map((m) => `<tr><td class="name"><span>${escape(m.email)}</span></td><td class="num">${m.role}</td>`
      + `<td>${m.role === 'owner' ? '' : `<button class="light" data-remove-member="${escape(m.email)}">Remove</button>`}</td></tr>`).join('')
      + people.invitations.map((i) => `<tr><td class="name"><span>${escape(i.email)}</span></td><td class="num">invited as ${i.role}</td>`
      + `<td><button class="light" data-withdraw="${escape(i.email)}">Withdraw</button></td></tr>`).join('')
      || '<tr><td class="empty">No members yet: invite someone</td></tr>';
    $('shares').innerHTML = links.shares.map((l) => `<tr><td class="name"><span>${escape(l.label || 'Untitled')}</span></td>`
      + `<td class="num">${l.password ? 'password' : ''} ${escape(l.filters)}</td>`
      + `<td><button class="light" data-revoke="${escape(l.id)}">Revoke</button></td></tr>`).join('') || '<tr><td class="empty">No share links yet</td></tr>';
  }
  const settingsError = (error) => { $('settings-note').textContent = error.message; };

  // Imports: the list with each one's progress, looked at again every second while one is written;
  // the reports load again once the one started here (or watched running) is no longer running,
  // even when it finished before the list was first looked at.
  let importsPoll = null;
  let importAwaited = false;
  async function loadImports() {
    const { imports } = await fetchJson('/imports');
    const owner = access.role === 'owner';
    $('imports').innerHTML = imports.map((i) => `<tr data-import="${escape(i.id)}"><td class="name"><span>`
      + `${escape(i.source)} ${escape(i.file || '')}</span></td><td class="num">${escape(i.first_day)} – ${escape(i.last_day)}</td>`
      + `<td class="num import-state">${i.state === 'importing' ? `importing ${i.progress}%` : escape(i.state)}${i.error ? `: ${escape(i.error)}` : ''}</td>`
      + `<td>${owner && i.state !== 'importing' ? `<button class="light" data-delete-import="${escape(i.id)}">Delete</button>` : ''}</td></tr>`)
      .join('') || '<tr><td class="empty">Nothing imported</td></tr>';
    $('import-form').hidden = !owner;
    const running = imports.some((i) => i.state === 'importing');
    if (running && !importsPoll) {
      importsPoll = setInterval(() => loadImports().catch(settingsError), 1000);
    } else if (!running && importsPoll) {
      clearInterval(importsPoll);
      importsPoll = null;
    }
    if (running) {
      importAwaited = true;
    } else if (importAwaited) {
      importAwaited = false;
      load(); // what finished is in the reports now
    }
    return imports;
  }
  $('import-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = $('import-file').files[0];
    if (!file) return;
    $('import-note').textContent = `Reading ${file.name}…`;
    try {
      const response = await fetch(`${api}/imports?source=${encodeURIComponent($('import-source').value)}&name=${encodeURIComponent(file.name)}`,
        { method: 'POST', headers: { ...headers(true), 'Content-Type': 'application/octet-stream' }, body: file });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.message || response.statusText);
      $('import-note').textContent = `Importing ${answer.first_day} to ${answer.last_day}`;
      $('import-file').value = '';
      importAwaited = true;
      await loadImports();
    } catch (error) { $('import-note').textContent = `Not imported: ${error.message}`; }
  });
  $('invite-form').addEventListener('submit', (event) => {
    event.preventDefault();
    change('POST', '/invitations', { email: $('invite-email').value, role: $('invite-role').value }).then((made) => {
      $('invite-link').textContent = `${location.origin}${made.link}`;
      $('invite-email').value = '';
      return loadSettings();
    }).catch(settingsError);
  });
  $('share-form').addEventListener('submit', (event) => {
    event.preventDefault();
    change('POST', '/shares', { label: $('share-label').value, password: $('share-password').value,
      filters: $('share-filtered').checked ? filterText() : '' }).then((made) => {
      $('share-link').textContent = `${location.origin}${made.link}`;
      $('share-label').value = ''; $('share-password').value = '';
      return loadSettings();
    }).catch(settingsError);
  });
  $('settings').addEventListener('click', (event) => {
    const target = event.target.closest('button[data-remove-member], button[data-withdraw], button[data-revoke], button[data-delete-import]');
    if (!target) return;
    const { removeMember, withdraw, revoke, deleteImport } = target.dataset;
    const path = removeMember ? `/members/${encodeURIComponent(removeMember)}`
      : withdraw ? `/invitations/${encodeURIComponent(withdraw)}`
        : deleteImport ? `/imports/${encodeURIComponent(deleteImport)}` : `/shares/${encodeURIComponent(revoke)}`;
    change('DELETE', path).then(loadSettings).then(() => { if (deleteImport) load(); }).catch(settingsError);
  });

  // A share link with a password: unlocked once, then its unlock token is the key (in the fragment).
  $('unlock').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const unlocked = await change('POST', '/shares/unlock', { token: key, password: $('unlock-password').value });
      key = unlocked.token;
      history.replaceState(null, '', `${location.pathname}${location.search}#key=${encodeURIComponent(key)}`);
      $('unlock').hidden = true;
      start();
    } catch (error) { $('unlock-note').textContent = error.message; }
  });

  // What this credential may do decides what is shown: no settings through a link, a key or to a viewer.
  async function start() {
    const response = await fetch(`${api}/access`, { headers: headers(false) });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401 && answer.error === 'password_required') { $('unlock').hidden = false; return; }
    if (response.status === 401 && !key) { location.href = `/account#next=${encodeURIComponent(location.pathname + location.search)}`; return; }
    if (!response.ok) { showError(new Error(answer.message || response.statusText)); return; }
    access = answer;
    document.body.dataset.role = access.role;
    document.body.dataset.via = access.via;
    wholeSite = !access.segment;
    $('shared-note').textContent = access.via === 'share_link' ? `Shared view${access.segment ? ` of ${access.segment}` : ''}` : '';
    $('account').hidden = access.via !== 'session';
    $('share').hidden = access.via === 'session' && access.role === 'viewer';
    const settings = access.via === 'session' && access.role !== 'viewer';
    $('settings').hidden = !settings;
    if (settings) loadSettings().catch(settingsError);
    saveState();
    renderFilterBar();
    $('dates').style.display = state.period === 'custom' ? '' : 'none';
    loadDefinitions().catch(showError).finally(load);
    if (wholeSite) connect(); // the live picture is of the whole site
    else $('current').textContent = 'not live';
  }
  start().catch(showError);
})();
