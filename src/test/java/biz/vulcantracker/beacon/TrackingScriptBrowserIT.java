package biz.vulcantracker.beacon;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.BrowserScripts;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real tracking script in a real browser: Debian's headless Chromium, driven by playwright-core
 * (src/test/web), opens a page served here on loopback with the one-line script tag, navigates three
 * single-page-app routes, fires a custom event with a property (queued before the script loaded) and
 * clicks an outbound link. The stats then show 4 pageviews on 4 pages, 1 visitor, 1 visit, the custom
 * event with its property and the outbound click; the same
 * tag on a host that is not the site's gets every hit refused.
 */
class TrackingScriptBrowserIT {


  @Test
  void countsWhatAVisitorDidInTheBrowser() throws Exception {
    IntegrationFixture.avoidMidnight();
    assertThat(new File("/usr/bin/chromium")).as("Debian's chromium (deploy/test.sh installs it)").exists();

    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("browser")))) {
      ApiClient api = new ApiClient(node.httpPort());
      SiteKeys site = api.createSite("shop.test", List.of("shop.test"), "UTC");
      HttpServer pages = servePages(node.httpPort());
      try {
        int port = pages.getAddress().getPort();
        JsonNode statuses = BrowserScripts.run("tracking-script.mjs", "http://shop.test:" + port + "/", "http://other.test:" + port + "/");

        assertThat(statuses.path("shop.test")).isNotEmpty().allSatisfy(status -> assertThat(status.asInt()).isEqualTo(204));
        assertThat(statuses.path("other.test")).isNotEmpty().allSatisfy(status -> assertThat(status.asInt()).isEqualTo(403));
        eventually(Duration.ofSeconds(30), () -> {
          assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(5);
          assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(1);
          assertThat(api.aggregate(site.id(), site.reportKey(), "events")).isEqualTo(3);
          assertThat(api.aggregate(site.id(), site.reportKey(), "visits")).isEqualTo(1);
        });
        var plan = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/breakdown?property=event:props:plan&metrics=events", site.reportKey()));
        assertThat(plan.path("results").toString()).isEqualTo("[{\"plan\":\"pro\",\"events\":1}]");
        var events = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/breakdown?property=event&metrics=events", site.reportKey()));
        assertThat(events.path("results").toString()).contains("\"event\":\"Signup\",\"events\":1")
            .contains("\"event\":\"Outbound Link: Click\",\"events\":1");
        var pageRows = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/breakdown?property=page&metrics=pageviews", site.reportKey()));
        assertThat(pageRows.path("results")).extracting(row -> row.path("page").asText())
            .containsExactlyInAnyOrder("/", "/pricing", "/docs", "/about", "/missing");
        // The first page was read half way down before the visitor moved on.
        eventually(Duration.ofSeconds(30), () -> {
          var depth = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/breakdown?property=page&metrics=pageviews,scroll_depth",
              site.reportKey()));
          assertThat(depth.path("results").findValues("page")).extracting(JsonNode::asText).contains("/");
          for (JsonNode row : depth.path("results")) {
            if (row.path("page").asText().equals("/")) {
              assertThat(row.path("scroll_depth").asInt()).as(depth.toString()).isEqualTo(50);
            }
          }
        });
        var notFound = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/breakdown?property=event:props:path&metrics=events"
            + "&filters=event%3D%3D404", site.reportKey()));
        assertThat(notFound.path("results").toString()).isEqualTo("[{\"path\":\"/missing\",\"events\":1}]");
      } finally {
        pages.stop(0);
      }
    }
  }

  /** The site's page (any path: it is a single-page app) and the foreign page, on one loopback port. */
  private static HttpServer servePages(int vulcanPort) throws IOException {
    String tag = "<script defer data-site=\"shop.test\" data-outbound src=\"http://127.0.0.1:" + vulcanPort + "/vulcan.js\"></script>";
    String page = """
        <!doctype html><html><head><title>Shop</title>
        <script>window.vulcan = window.vulcan || function () { (vulcan.q = vulcan.q || []).push(arguments) };
        vulcan('Signup', {props: {plan: 'pro'}});</script>
        %s
        </head><body>
        <nav><a id="to-pricing" href="/pricing">Pricing</a> <a id="to-docs" href="/docs">Docs</a> <a id="to-about" href="/about">About</a></nav>
        <a id="outbound" href="http://elsewhere.test:%d/landing">Elsewhere</a>
        <div style="height: 4000px">A long page.</div>
        <script>document.querySelectorAll('nav a').forEach(function (a) {
          a.addEventListener('click', function (e) { e.preventDefault(); history.pushState({}, '', a.getAttribute('href')); });
        });</script>
        </body></html>
        """;
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      boolean missing = exchange.getRequestURI().getPath().startsWith("/missing");
      String pageTag = missing ? tag.replace("data-outbound", "data-404") : tag;
      String html = missing ? page.replace("vulcan('Signup', {props: {plan: 'pro'}});", "") : page;
      byte[] body = html.formatted(pageTag, server.getAddress().getPort()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(missing ? 404 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

}
