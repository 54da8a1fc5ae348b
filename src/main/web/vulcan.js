/*
 * Vulcan Tracker's tracking script. Installed with one tag:
 *
 *   <script defer data-site="example.com" src="https://stats.example.net/vulcan.js"></script>
 *
 * Options (attributes of that tag):
 *   data-site             the site id (required)
 *   data-api              where hits go; default: the script's own origin + /api/v1/beacon
 *   data-hash             count #/route changes as pageviews (hash-routed single-page apps)
 *   data-outbound         send "Outbound Link: Click" for links to other hosts
 *   data-downloads        send "File Download" for links to files (optional comma-separated extensions)
 *   data-respect-dnt      send nothing when the browser asks not to be tracked (DNT or GPC)
 *   data-track-localhost  also count pages on localhost, 127.0.0.1 and file: (off by default)
 *   data-404              this page is a "not found" page: also send a "404" event with its path
 *
 * Custom events: vulcan('Signup', {props: {plan: 'pro'}}); with revenue: vulcan('Purchase', {revenue:
 * {amount: 19.99, currency: 'EUR'}}); vulcan('404') marks a page not found. Calls made before the script loaded are
 * queued by the stub  window.vulcan = window.vulcan || function () { (vulcan.q = vulcan.q || []).push(arguments) }
 *
 * No cookies, no localStorage, no identifiers: the server derives a daily visitor hash and forgets
 * the address. Hits go out with navigator.sendBeacon (text/plain JSON, no CORS preflight) and fall
 * back to an image GET.
 */
(function () {
  'use strict';
  var doc = document;
  var loc = location;
  var nav = navigator;
  var script = doc.currentScript;
  if (!script) return;

  function option(name) {
    return script.getAttribute('data-' + name);
  }

  var site = option('site');
  var api = option('api') || new URL(script.src).origin + '/api/v1/beacon';
  var useHash = option('hash') !== null;
  var downloadOption = option('downloads');
  var downloadExtensions = (downloadOption || 'pdf,zip,gz,tgz,dmg,exe,msi,pkg,deb,rpm,iso,csv,xlsx,docx,pptx,mp3,mp4,mov,epub')
    .split(',');

  function ignored() {
    if (option('respect-dnt') !== null && (nav.doNotTrack === '1' || nav.globalPrivacyControl)) return true;
    return option('track-localhost') === null &&
      (/^(localhost|127\.|\[::1\])/.test(loc.hostname) || loc.protocol === 'file:');
  }

  function send(hit) {
    hit.s = site;
    hit.u = hit.u || loc.href;
    hit.r = doc.referrer || undefined;
    hit.w = screen.width;
    var body = JSON.stringify(hit);
    if (!(nav.sendBeacon && nav.sendBeacon(api, body))) {
      var query = [];
      for (var key in hit) {
        var value = hit[key];
        if (value !== undefined) query.push(key + '=' + encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : value));
      }
      new Image().src = api + '?' + query.join('&');
    }
  }

  // Engagement: the time the page was visible and the deepest the visitor scrolled (percent of the
  // page's height), sent when it is left or hidden.
  var visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
  var visibleMs = 0;
  var pageUrl = null;
  var scrollDepth = 0;

  function scrolled() {
    var height = doc.documentElement.scrollHeight;
    var depth = height ? Math.min(100, Math.round((window.scrollY + window.innerHeight) * 100 / height)) : 100;
    if (depth > scrollDepth) scrollDepth = depth;
  }

  function flushEngagement() {
    if (visibleSince) visibleMs += Date.now() - visibleSince;
    visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
    if (pageUrl && visibleMs > 0) send({ n: 'engagement', u: pageUrl, e: visibleMs, sd: scrollDepth });
    visibleMs = 0;
  }

  function pageview() {
    var url = useHash ? loc.href : loc.href.split('#')[0];
    if (url === pageUrl) return;
    if (pageUrl) flushEngagement();
    pageUrl = url;
    visibleMs = 0;
    scrollDepth = 0;
    scrolled();
    visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
    send({ n: 'pageview', u: url });
  }

  function vulcan(name, options) {
    if (ignored()) return;
    var hit = { n: name };
    if (options && options.props) hit.p = options.props;
    if (options && options.revenue) hit.$ = options.revenue;
    if (name == '404') hit.p = { path: loc.pathname };
    send(hit);
    if (options && typeof options.callback === 'function') options.callback();
  }

  var queued = (window.vulcan && window.vulcan.q) || [];
  window.vulcan = vulcan;
  if (ignored()) return;

  // Single-page apps: every history change is a pageview.
  var history = window.history;
  ['pushState', 'replaceState'].forEach(function (method) {
    var original = history[method];
    if (!original) return;
    history[method] = function () {
      var result = original.apply(this, arguments);
      pageview();
      return result;
    };
  });
  window.addEventListener('popstate', pageview);
  if (useHash) window.addEventListener('hashchange', pageview);

  doc.addEventListener('visibilitychange', function () {
    if (doc.visibilityState === 'hidden') flushEngagement();
    else visibleSince = Date.now();
  });
  window.addEventListener('pagehide', flushEngagement);
  window.addEventListener('scroll', scrolled, { passive: true });

  // Opt-in link tracking: outbound links and file downloads.
  if (option('outbound') !== null || downloadOption !== null) {
    doc.addEventListener('click', function (event) {
      var link = event.target && event.target.closest && event.target.closest('a[href]');
      if (!link) return;
      var href = link.href;
      var target = new URL(href, loc.href);
      var extension = target.pathname.split('.').pop().toLowerCase();
      if (downloadOption !== null && target.pathname.indexOf('.') > 0 && downloadExtensions.indexOf(extension) >= 0) {
        vulcan('File Download', { props: { url: href } });
      } else if (option('outbound') !== null && /^https?:$/.test(target.protocol) && target.host !== loc.host) {
        vulcan('Outbound Link: Click', { props: { url: href } });
      }
    }, true);
  }

  pageview();
  if (option('404') !== null) vulcan('404');
  for (var i = 0; i < queued.length; i++) vulcan.apply(null, queued[i]);
})();
