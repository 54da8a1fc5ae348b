package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.BrowserScripts;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Script coverage end to end, as a site that sends both sees it: Debian's nginx serves the site's
 * pages (each with the tracking-script tag) and writes its access log, the forwarder follows that
 * log, and two visitors in Chromium browse known pages — one with the script, one whose browser
 * aborts the script's request (an ad-blocker). All traffic then counts each page view once, each
 * origin's view keeps its own, and coverage is the share worked out here from the pages each
 * visitor opened.
 */
class ScriptCoverageBrowserIT {

  private static final List<String> SCRIPTED = List.of("/", "/pricing", "/docs", "/pricing");
  private static final List<String> BLOCKED = List.of("/", "/about", "/docs");

  @Test
  void allTrafficCountsEachPageviewOnceAndCoverageIsTheScriptsShare() throws Exception {
    IntegrationFixture.avoidMidnight();
    assertThat(new File("/usr/bin/chromium")).as("Debian's chromium (deploy/test.sh installs it)").exists();
    Path work = Files.createTempDirectory("coverage");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx's workers read the pages
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("coverage")))) {
      ApiClient api = new ApiClient(node.httpPort());
      SiteKeys site = api.createSite("shop.test", List.of("shop.test"), "UTC");
      int port = freePort();
      Process nginx = startNginx(work, port, node.httpPort());
      Process forwarder = null;
      try {
        forwarder = forwarder(api, site, work);
        JsonNode browsed = BrowserScripts.run("coverage.mjs", "http://shop.test:" + port + "/", String.join(",", SCRIPTED),
            String.join(",", BLOCKED));
        assertThat(browsed.path("scripted")).hasSize(SCRIPTED.size());
        assertThat(browsed.path("blocked")).hasSize(BLOCKED.size());
        assertThat(browsed.path("beacons")).isNotEmpty().allSatisfy(status -> assertThat(status.asInt()).isEqualTo(204));
        assertThat(browsed.path("scriptRequestsAborted").asInt()).as("the blocked browser asked for the script").isEqualTo(BLOCKED.size());

        // What the pages opened say: every page view reached the log; the script saw the scripted visitor's.
        int views = SCRIPTED.size() + BLOCKED.size();
        eventually(Duration.ofSeconds(60), () -> {
          assertThat(pageviews(api, site, "origin==log")).as("the log's view: every line").isEqualTo(views);
          assertThat(pageviews(api, site, "origin==beacon")).as("the script's view").isEqualTo(SCRIPTED.size());
        });
        assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).as("all traffic: each view once").isEqualTo(views);
        assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(2);
        assertThat(api.aggregate(site.id(), site.reportKey(), "visits")).isEqualTo(2);
        JsonNode filtered = ApiClient.json(api.get("/api/v1/sites/shop.test/stats/aggregate?metrics=pageviews,visitors&filters="
            + "page%3D%3D*", site.reportKey()));
        assertThat(filtered.path("results").path("pageviews").path("value").asLong()).as("a filter that keeps everything").isEqualTo(views);

        JsonNode coverage = ApiClient.json(api.get("/api/v1/sites/shop.test/coverage?period=day", site.reportKey())).path("results");
        assertThat(coverage.path("visits").asLong()).isEqualTo(2);
        assertThat(coverage.path("visits_seen_by_script").asLong()).isEqualTo(1);
        assertThat(coverage.path("visit_coverage").asDouble()).isEqualTo(50.0);
        assertThat(coverage.path("pageviews").asLong()).isEqualTo(views);
        assertThat(coverage.path("pageviews_seen_by_script").asLong()).isEqualTo(SCRIPTED.size());
        assertThat(coverage.path("pageview_coverage").asDouble()).isEqualTo(percent(SCRIPTED.size(), views));
        Map<String, long[]> pages = new HashMap<>(); // page → {log views, seen by the script}
        SCRIPTED.forEach(page -> { long[] counts = pages.computeIfAbsent(page, p -> new long[2]); counts[0]++; counts[1]++; });
        BLOCKED.forEach(page -> pages.computeIfAbsent(page, p -> new long[2])[0]++);
        Set<String> reported = new HashSet<>();
        for (JsonNode row : coverage.path("pages")) {
          long[] expected = pages.get(row.path("page").asText());
          assertThat(expected).as(row.toString()).isNotNull();
          assertThat(row.path("pageviews").asLong()).as(row.toString()).isEqualTo(expected[0]);
          assertThat(row.path("pageview_coverage").asDouble()).as(row.toString()).isEqualTo(percent(expected[1], expected[0]));
          reported.add(row.path("page").asText());
        }
        assertThat(reported).isEqualTo(pages.keySet());
        Map<String, Double> browsers = new HashMap<>();
        coverage.path("browsers").forEach(row -> browsers.put(row.path("browser").asText(), row.path("visit_coverage").asDouble()));
        assertThat(browsers).isEqualTo(Map.of("Chrome", 100.0, "Firefox", 0.0));
        assertThat(coverage.path("days")).hasSize(1);

        // The dashboard's panel shows the same (screenshot: target/coverage-panel.png).
        JsonNode panel = BrowserScripts.run("coverage.mjs", "--dashboard", api.base() + "/dashboard/shop.test#key=" + site.reportKey(),
            Path.of("target/coverage-panel.png").toAbsolutePath().toString());
        assertThat(panel.path("visits").asText()).isEqualTo("50.0%");
        assertThat(panel.path("pageviews").asText()).isEqualTo(percent(SCRIPTED.size(), views) + "%");
        assertThat(panel.path("rows").toString()).contains("[\"/pricing\",\"2\",\"100.0%\"]", "[\"/about\",\"1\",\"0.0%\"]",
            "[\"Firefox\",\"3\",\"0.0%\"]");
      } finally {
        if (forwarder != null) {
          forwarder.destroy();
          forwarder.waitFor(20, TimeUnit.SECONDS);
        }
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long pageviews(ApiClient api, SiteKeys site, String filters) {
    JsonNode body = ApiClient.json(api.get("/api/v1/sites/" + site.id() + "/stats/aggregate?metrics=pageviews&filters="
        + java.net.URLEncoder.encode(filters, java.nio.charset.StandardCharsets.UTF_8), site.reportKey()));
    return body.path("results").path("pageviews").path("value").asLong();
  }

  private static double percent(long part, long whole) {
    return Math.round(part * 1000.0 / whole) / 10.0;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * nginx on loopback serving the site's pages (each path a page with the script tag) with no
   * caching, so every view is a request and a line of the combined access log.
   */
  private static Process startNginx(Path work, int port, int vulcanPort) throws Exception {
    Path root = Files.createDirectories(work.resolve("www"));
    Set<String> pages = new HashSet<>(SCRIPTED);
    pages.addAll(BLOCKED);
    for (String page : pages) {
      String name = page.equals("/") ? "index.html" : page.substring(1) + ".html";
      Files.writeString(root.resolve(name), """
          <!doctype html><html><head><title>Shop %s</title>
          <script defer data-site="shop.test" src="http://127.0.0.1:%d/vulcan.js"></script>
          </head><body><h1>%s</h1></body></html>
          """.formatted(page, vulcanPort, page));
    }
    Files.writeString(work.resolve("nginx.conf"), """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log;
        events { worker_connections 64; }
        http {
          include /etc/nginx/mime.types;
          access_log %1$s/access.log combined;
          server {
            listen 127.0.0.1:%2$d;
            root %1$s/www;
            add_header Cache-Control no-store;
            location / { try_files $uri $uri.html $uri/index.html =404; }
          }
        }
        """.formatted(work, port));
    Files.writeString(work.resolve("access.log"), "");
    Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", work.toString(), "-c", work.resolve("nginx.conf").toString(),
        "-g", "daemon off;").redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
    eventually(Duration.ofSeconds(10), () -> {
      assertThat(nginx.isAlive()).as("nginx runs: " + read(work.resolve("nginx.out")) + read(work.resolve("error.log"))).isTrue();
      try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        assertThat(socket.isConnected()).isTrue();
      } catch (java.io.IOException e) {
        throw new AssertionError("nginx is not listening yet", e);
      }
    });
    return nginx;
  }

  /** The forwarder as an operator runs it, following nginx's access log. */
  private static Process forwarder(ApiClient api, SiteKeys site, Path work) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", Path.of("target/vulcan-tracker.jar").toAbsolutePath().toString(),
        "forward", "--url", api.base() + "/api/v1/beacon/log", "--site", site.id(), "--file", work.resolve("access.log").toString(),
        "--state", work.resolve("access.state").toString(), "--follow", "--flush-interval-ms", "200"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("forwarder.out").toFile());
    builder.environment().put("VULCAN_INGEST_TOKEN", site.ingestToken());
    return builder.start();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
