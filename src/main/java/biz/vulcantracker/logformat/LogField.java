package biz.vulcantracker.logformat;

import java.util.Locale;
import java.util.Map;

/**
 * The variables a format may use, by their nginx names. Apache's named formats are written in
 * the same vocabulary (see {@link LogFormat#NAMED}). A variable the parser does not know is read
 * and ignored, as {@link #IGNORED}: formats with extra fields still parse.
 */
public enum LogField {
  REMOTE_ADDR,
  REMOTE_USER,
  TIME_LOCAL,
  TIME_ISO8601,
  MSEC,
  REQUEST,
  STATUS,
  BODY_BYTES_SENT,
  BYTES_SENT,
  HTTP_REFERER,
  HTTP_USER_AGENT,
  HOST,
  SERVER_PORT,
  HTTP_X_FORWARDED_FOR,
  REQUEST_TIME,
  IGNORED;

  private static final Map<String, LogField> BY_NAME = Map.ofEntries(
      Map.entry("remote_addr", REMOTE_ADDR),
      Map.entry("remote_user", REMOTE_USER),
      Map.entry("time_local", TIME_LOCAL),
      Map.entry("time_iso8601", TIME_ISO8601),
      Map.entry("msec", MSEC),
      Map.entry("request", REQUEST),
      Map.entry("status", STATUS),
      Map.entry("body_bytes_sent", BODY_BYTES_SENT),
      Map.entry("bytes_sent", BYTES_SENT),
      Map.entry("http_referer", HTTP_REFERER),
      Map.entry("http_user_agent", HTTP_USER_AGENT),
      Map.entry("host", HOST),
      Map.entry("server_name", HOST),
      Map.entry("server_port", SERVER_PORT),
      Map.entry("http_x_forwarded_for", HTTP_X_FORWARDED_FOR),
      Map.entry("request_time", REQUEST_TIME));

  /** The field of an nginx variable name (without {@code $}); unknown names are {@link #IGNORED}. */
  static LogField ofVariable(String name) {
    return BY_NAME.getOrDefault(name.toLowerCase(Locale.ROOT), IGNORED);
  }

  /** The name used in reasons: the nginx variable. */
  String variable() {
    return this == IGNORED ? "ignored field" : "$" + name().toLowerCase(Locale.ROOT);
  }
}
