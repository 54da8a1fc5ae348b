package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.BeaconAnswers;
import biz.vulcantracker.common.ApiError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An answer of the front's beacon path, with the same status, headers ({@link BeaconAnswers}) and
 * JSON error body ({@link ApiError}) that {@link biz.vulcantracker.beacon.BeaconRoutes} gives in
 * Pekko HTTP, rendered straight into bytes.
 */
final class Answer {

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  /** The Date header of the current second: formatting it per answer would cost more than the answer. */
  private static volatile String dateLine = "";
  private static volatile long dateSecond = -1;
  /** The most common answer of all, a 204 without CORS on a kept connection, with its Date line. */
  private record Rendered(String dateLine, byte[] bytes) {}

  private static volatile Rendered plainAccepted = new Rendered("", new byte[0]);

  private final String statusLine;
  private final String headers;
  private final byte[] body;

  private Answer(String statusLine, String headers, byte[] body) {
    this.statusLine = statusLine;
    this.headers = headers;
    this.body = body;
  }

  /** 204 for accepted hits; {@code origin} (or null) is echoed for CORS. */
  static Answer accepted(String origin) {
    return new Answer("HTTP/1.1 204 No Content\r\n", lines(BeaconAnswers.accepted(Optional.ofNullable(origin))), null);
  }

  /** 204 for an allowed CORS preflight. */
  static Answer preflight(String origin) {
    return new Answer("HTTP/1.1 204 No Content\r\n", lines(BeaconAnswers.preflight(origin)), null);
  }

  private static String lines(List<BeaconAnswers.Header> headers) {
    StringBuilder lines = new StringBuilder();
    headers.forEach(h -> lines.append(h.name()).append(": ").append(h.value()).append("\r\n"));
    return lines.toString();
  }

  /** The JSON error answer of docs/api.md. */
  static Answer refused(ApiError error) {
    byte[] json = error.json().getBytes(StandardCharsets.UTF_8);
    return new Answer("HTTP/1.1 " + error.status().intValue() + " " + error.status().reason() + "\r\n",
        "Content-Type: application/json\r\n", json);
  }

  int status() {
    return Integer.parseInt(statusLine.substring(9, 12));
  }

  /** The answer's bytes; {@code close} adds {@code Connection: close}. */
  ByteBuf render(ByteBufAllocator allocator, boolean close) {
    if (body == null && headers.isEmpty() && !close && statusLine.startsWith("HTTP/1.1 204")) {
      String date = dateLine();
      Rendered rendered = plainAccepted;
      if (!date.equals(rendered.dateLine())) {
        rendered = new Rendered(date, (statusLine + "Server: vulcan-tracker\r\n" + date + "\r\n").getBytes(StandardCharsets.US_ASCII));
        plainAccepted = rendered;
      }
      return allocator.directBuffer(rendered.bytes().length).writeBytes(rendered.bytes());
    }
    StringBuilder head = new StringBuilder(160).append(statusLine).append("Server: vulcan-tracker\r\n")
        .append(dateLine()).append(headers);
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (close) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    ByteBuf bytes = allocator.buffer(head.length() + (body == null ? 0 : body.length));
    bytes.writeCharSequence(head, StandardCharsets.US_ASCII);
    if (body != null) {
      bytes.writeBytes(body);
    }
    return bytes;
  }

  private static String dateLine() {
    long now = System.currentTimeMillis() / 1000;
    if (now != dateSecond) {
      dateLine = "Date: " + HTTP_DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(now), ZoneOffset.UTC)) + "\r\n";
      dateSecond = now;
    }
    return dateLine;
  }
}
