package biz.vulcantracker.logformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogFormatTest {

  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
  private static final long T = Instant.parse("2026-11-27T10:15:32Z").toEpochMilli();
  private static final String NGINX_CUSTOM = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
      + " \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time $upstream_response_time";

  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET /blog?x=1 HTTP/1.1\" 200 512"
                + " \"https://www.google.com/\" \"" + FIREFOX + "\"",
            new LogLine("203.0.113.7", null, T, "GET", "/blog?x=1", "HTTP/1.1", 200, "https://www.google.com/", FIREFOX, null)),
        Arguments.of("common", "203.0.113.7 - frank [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.0\" 304 -",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.0", 304, null, null, null)),
        Arguments.of("vcombined", "shop.example:443 203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"HEAD /a HTTP/2.0\" 200 0"
                + " \"-\" \"curl/8.0\"",
            new LogLine("203.0.113.7", null, T, "HEAD", "/a", "HTTP/2.0", 200, null, "curl/8.0", "shop.example")),
        Arguments.of("vcommon", "shop.example:80 203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET /a HTTP/1.1\" 404 9",
            new LogLine("203.0.113.7", null, T, "GET", "/a", "HTTP/1.1", 404, null, null, "shop.example")),
        // +0530: local 15:45:32 is 10:15:32 UTC.
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:15:45:32 +0530] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, null, null)),
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:05:15:32 -0500] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, null, null)),
        // IPv6, CRLF.
        Arguments.of("combined", "2001:db8::7 - - [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"\r\n",
            new LogLine("2001:db8::7", null, T, "GET", "/", "HTTP/1.1", 200, null, "ua", null)),
        Arguments.of("combined", "::ffff:192.0.2.1 - - [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"",
            new LogLine("::ffff:192.0.2.1", null, T, "GET", "/", "HTTP/1.1", 200, null, "ua", null)),
        // nginx escapes: \x22 for a quote, \xHH bytes that form UTF-8, \x5C for a backslash.
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET /caf\\xC3\\xA9 HTTP/1.1\" 200 1"
                + " \"-\" \"say \\x22hi\\x22 \\x5C o/\"",
            new LogLine("203.0.113.7", null, T, "GET", "/café", "HTTP/1.1", 200, null, "say \"hi\" \\ o/", null)),
        // Apache escapes: \" and \\ inside a quoted field do not end it.
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 1"
                + " \"-\" \"say \\\"hi\\\" \\\\ o/\"",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, "say \"hi\" \\ o/", null)),
        // UTF-8 written raw (Apache leaves high bytes unescaped in some builds).
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET /über HTTP/1.1\" 200 1 \"-\" \"ua\"",
            new LogLine("203.0.113.7", null, T, "GET", "/über", "HTTP/1.1", 200, null, "ua", null)),
        // nginx's "-" request of a 400, and a garbage request: valid lines without a method.
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"-\" 400 0 \"-\" \"-\"",
            new LogLine("203.0.113.7", null, T, null, null, null, 400, null, null, null)),
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"\\x16\\x03\\x01\" 400 157 \"-\" \"-\"",
            new LogLine("203.0.113.7", null, T, null, null, null, 400, null, null, null)),
        // Extra fields after a named format are ignored.
        Arguments.of("combined", "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\" \"10.0.0.1\" 0.004",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, "ua", null)),
        // nginx custom formats.
        Arguments.of(NGINX_CUSTOM, "10.0.0.2 - - [27/Nov/2026:10:15:32 +0000] \"GET /x HTTP/1.1\" 200 5 \"-\" \"ua\""
                + " \"198.51.100.4, 10.0.0.9\" 0.012 0.010",
            new LogLine("10.0.0.2", "198.51.100.4, 10.0.0.9", T, "GET", "/x", "HTTP/1.1", 200, null, "ua", null)),
        Arguments.of("$host $remote_addr [$time_iso8601] \"$request\" $status $bytes_sent \"$http_user_agent\"",
            "shop.example 203.0.113.7 [2026-11-27T11:15:32+01:00] \"GET / HTTP/1.1\" 200 77 \"ua\"",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, "ua", "shop.example")),
        Arguments.of("${msec}|${remote_addr}|${request}|${status}|${http_user_agent}",
            "1795774532.250|203.0.113.7|GET /m HTTP/1.1|201|ua",
            new LogLine("203.0.113.7", null, Instant.parse("2026-11-27T10:15:32.250Z").toEpochMilli(), "GET", "/m", "HTTP/1.1",
                201, null, "ua", null)),
        Arguments.of("$remote_addr [$time_iso8601] \"$request\" $status", "203.0.113.7 [2026-11-27T10:15:32Z] \"GET / HTTP/1.1\" 200",
            new LogLine("203.0.113.7", null, T, "GET", "/", "HTTP/1.1", 200, null, null, null)));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void parsesEveryFormatAndEscape(String format, String line, LogLine expected) throws Exception {
    assertThat(LogFormat.of(format).parse(line)).isEqualTo(expected);
  }

  static Stream<Arguments> badLines() {
    String ok = "203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"";
    return Stream.of(
        Arguments.of("", "line ends inside $remote_addr (no ' ' after it)"),
        Arguments.of("garbage", "line ends inside $remote_addr (no ' ' after it)"),
        Arguments.of("hello world this is not a log line", "$remote_addr: expected an IPv4 or IPv6 address, got 'hello'"),
        Arguments.of(ok.replace("203.0.113.7", "203.0.113.300"), "$remote_addr: expected an IPv4 or IPv6 address, got '203.0.113.300'"),
        Arguments.of(ok.replace("203.0.113.7", "2001:db8:::1"), "$remote_addr: expected an IPv4 or IPv6 address"),
        Arguments.of(ok.replace("27/Nov/2026", "27/Foo/2026"), "$time_local: expected dd/Mon/yyyy:HH:mm:ss +hhmm, got '27/Foo/2026:10:15:32 +0000'"),
        Arguments.of(ok.replace(" +0000", ""), "$time_local: expected dd/Mon/yyyy:HH:mm:ss +hhmm"),
        Arguments.of(ok.replace(" 200 ", " 2000 "), "$status: expected a 3-digit HTTP status, got '2000'"),
        Arguments.of(ok.replace(" 200 1 ", " 200 12x "), "$body_bytes_sent: expected a byte count, got '12x'"),
        Arguments.of(ok.replace("[27", "27"), "line ends inside $remote_user (no ' [' after it)"),
        // Truncated lines.
        Arguments.of(ok.substring(0, 60), "line ends inside $request (no '\" ' after it)"),
        Arguments.of(ok.substring(0, ok.length() - 1), "line ends inside $http_user_agent (no '\"' after it)"),
        Arguments.of(ok.substring(0, 30), "line ends inside $time_local (no '] \"' after it)"));
  }

  @ParameterizedTest
  @MethodSource("badLines")
  void rejectsWithAPreciseReason(String line, String reason) {
    assertThatThrownBy(() -> LogFormat.of("combined").parse(line))
        .isInstanceOf(LogLineException.class)
        .hasMessageStartingWith(reason);
  }

  @Test
  void rejectsFormatsItCannotUse() {
    assertThatThrownBy(() -> LogFormat.of("$remote_addr $status")).hasMessageContaining("needs $remote_addr, $status, $request");
    assertThatThrownBy(() -> LogFormat.of("$remote_addr$status [$time_local] \"$request\""))
        .hasMessageContaining("$status follows another variable");
    assertThatThrownBy(() -> LogFormat.of("${remote_addr [$time_local]")).hasMessageContaining("without a closing");
  }

  @Test
  void readsBytesWithinABuffer() throws Exception {
    byte[] buffer = ("xx203.0.113.7 - - [27/Nov/2026:10:15:32 +0000] \"GET /b HTTP/1.1\" 200 1 \"-\" \"ua\"\nyy").getBytes();
    LogLine line = LogFormat.of("combined").parse(buffer, 2, buffer.length - 2);
    assertThat(line.target()).isEqualTo("/b");
    assertThat(line.userAgent()).isEqualTo("ua");
  }

  @Test
  void timestampsMatchJavaTime() {
    for (String local : new String[] {"01/Jan/1970:00:00:00 +0000", "29/Feb/2028:23:59:59 -1130", "31/Dec/2026:12:00:00 +1400"}) {
      byte[] b = local.getBytes();
      long expected = java.time.OffsetDateTime.parse(local,
          java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH)).toInstant().toEpochMilli();
      assertThat(LogTimes.timeLocal(b, 0, b.length)).as(local).isEqualTo(expected);
    }
  }
}
