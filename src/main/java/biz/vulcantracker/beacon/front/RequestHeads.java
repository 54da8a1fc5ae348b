package biz.vulcantracker.beacon.front;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the head of the next HTTP/1.1 request in a connection's buffer and decides who answers it.
 *
 * <p>Written by hand rather than with Netty's {@code HttpServerCodec}: a beacon's head is a request
 * line and a few headers, and the codec's request and header objects cost more than everything
 * else the front does for a beacon. It reads only what the beacon
 * needs, and anything it would have to interpret — another path or method, HTTP/1.0, a repeated
 * header, {@code Transfer-Encoding}, {@code Expect}, {@code Upgrade}, bytes outside ASCII, a
 * malformed line, more or longer headers than Pekko's parser takes — goes to Pekko HTTP, which
 * answers it by the full protocol.
 * The front never answers a request differently from Pekko: it answers fewer.
 */
final class RequestHeads {

  static final String BEACON_PATH = "/api/v1/beacon";

  private RequestHeads() {}

  /** What to do with the bytes at the buffer's reader index. */
  enum Verdict { INCOMPLETE, RELAY, NATIVE }

  /** A verdict, with the head when it is {@link Verdict#NATIVE}. */
  record Result(Verdict verdict, RequestHead head) {
    static final Result INCOMPLETE = new Result(Verdict.INCOMPLETE, null);
    static final Result RELAY = new Result(Verdict.RELAY, null);
  }

  /**
   * Reads without consuming.
   *
   * @param maxHeadBytes a head not complete within this many bytes is relayed
   * @param maxBodyBytes a POST body over this is refused (413, as Pekko's route refuses it)
   * @param limits a head over its header limits is relayed
   */
  static Result parse(ByteBuf buffer, int maxHeadBytes, int maxBodyBytes, FrontLimits limits) {
    int start = buffer.readerIndex();
    int end = start + Math.min(buffer.readableBytes(), maxHeadBytes);
    // One pass finds the empty line that ends the head and notes any byte Pekko should judge.
    boolean plain = true;
    int lineStart = start;
    for (int i = start; i < end; i++) {
      byte b = buffer.getByte(i);
      if (b == '\n') {
        int length = i - lineStart;
        if (length == 0 || (length == 1 && buffer.getByte(lineStart) == '\r')) {
          if (!plain) {
            return Result.RELAY; // non-ASCII, control bytes or a lone CR: Pekko decides what they mean
          }
          RequestHead parsed = read(buffer.toString(start, i + 1 - start, StandardCharsets.US_ASCII), i + 1 - start, maxBodyBytes, limits);
          return parsed == null ? Result.RELAY : new Result(Verdict.NATIVE, parsed);
        }
        lineStart = i + 1;
      } else if (b < 0x20 || b == 0x7f) { // also every byte over 0x7f: they are negative
        plain &= b == '\t' || (b == '\r' && i + 1 < end && buffer.getByte(i + 1) == '\n');
      }
    }
    return buffer.readableBytes() >= maxHeadBytes ? Result.RELAY : Result.INCOMPLETE;
  }

  private static RequestHead read(String head, int headLength, int maxBodyBytes, FrontLimits limits) {
    int lineEnd = head.indexOf('\n');
    String requestLine = line(head, 0, lineEnd);
    int firstSpace = requestLine.indexOf(' ');
    int lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace == firstSpace || !requestLine.startsWith("HTTP/1.1", lastSpace + 1)
        || requestLine.length() != lastSpace + 9) {
      return null;
    }
    String method = requestLine.substring(0, firstSpace);
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("OPTIONS")) {
      return null;
    }
    String target = requestLine.substring(firstSpace + 1, lastSpace);
    if (!target.startsWith(BEACON_PATH) || target.indexOf(' ') >= 0 || target.indexOf('#') >= 0
        || (target.length() > BEACON_PATH.length() && target.charAt(BEACON_PATH.length()) != '?')) {
      return null;
    }
    String rawQuery = target.length() > BEACON_PATH.length() ? target.substring(BEACON_PATH.length() + 1) : null;
    String userAgent = null;
    String origin = null;
    String forwardedFor = null;
    String contentLength = null;
    boolean close = false;
    int headers = 0;
    for (int start = lineEnd + 1; ; ) {
      int end = head.indexOf('\n', start);
      String line = line(head, start, end);
      start = end + 1;
      if (line.isEmpty()) {
        break; // the empty line that ends the head
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line, colon)) {
        return null; // folded or malformed
      }
      if (++headers > limits.maxHeaderCount() || colon > limits.maxHeaderNameLength()
          || valueLength(line, colon) > limits.maxHeaderValueLength()) {
        return null;
      }
      // Only the few headers the beacon reads are copied; the rest are matched in place.
      switch (headerOf(line, colon)) {
        case USER_AGENT -> {
          if (userAgent != null) return null;
          userAgent = value(line, colon);
        }
        case ORIGIN -> {
          if (origin != null) return null;
          origin = value(line, colon);
        }
        case X_FORWARDED_FOR -> {
          if (forwardedFor != null) return null;
          forwardedFor = value(line, colon);
        }
        case CONTENT_LENGTH -> {
          if (contentLength != null) return null;
          contentLength = value(line, colon);
        }
        case CONNECTION -> {
          for (String token : value(line, colon).split(",")) {
            String option = token.strip().toLowerCase(Locale.ROOT);
            if (option.equals("close")) {
              close = true;
            } else if (option.equals("upgrade")) {
              return null;
            }
          }
        }
        case TRANSFER_ENCODING, EXPECT, UPGRADE, CONTENT_ENCODING -> {
          return null;
        }
        case OTHER -> { }
      }
    }
    int length = contentLength == null ? 0 : parseLength(contentLength);
    if (length < 0 || (method.equals("POST") ? contentLength == null : length != 0)) {
      return null;
    }
    return new RequestHead(method, rawQuery, headLength, length, userAgent, origin, forwardedFor, close,
        method.equals("POST") && length > maxBodyBytes);
  }

  /** The line from {@code start} to the LF at {@code end}, without its CR. */
  private static String line(String head, int start, int end) {
    return head.substring(start, end > start && head.charAt(end - 1) == '\r' ? end - 1 : end);
  }

  /** The headers the front reads or refuses to interpret; {@link #OTHER} for the rest. */
  private enum Header {
    USER_AGENT("user-agent"), ORIGIN("origin"), X_FORWARDED_FOR("x-forwarded-for"), CONTENT_LENGTH("content-length"),
    CONNECTION("connection"), TRANSFER_ENCODING("transfer-encoding"), EXPECT("expect"), UPGRADE("upgrade"),
    CONTENT_ENCODING("content-encoding"), OTHER("");

    private final String name;

    Header(String name) {
      this.name = name;
    }
  }

  private static final Header[] NAMED = Arrays.stream(Header.values()).filter(h -> h != Header.OTHER).toArray(Header[]::new);

  private static Header headerOf(String line, int nameLength) {
    for (Header header : NAMED) {
      if (header.name.length() == nameLength && line.regionMatches(true, 0, header.name, 0, nameLength)) {
        return header;
      }
    }
    return Header.OTHER;
  }

  /** The length of a header's value without the white space around it, as Pekko's limit counts it. */
  private static int valueLength(String line, int colon) {
    int start = colon + 1;
    int end = line.length();
    while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    return end - start;
  }

  private static String value(String line, int colon) {
    return line.substring(colon + 1).strip();
  }

  /** RFC 9110's tchar, as a table: the check runs on every byte of every header name. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (char c = '!'; c < 0x7f; c++) {
      TOKEN[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
  }

  private static boolean isToken(String line, int end) {
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      if (c >= 128 || !TOKEN[c]) {
        return false;
      }
    }
    return true;
  }

  /** A Content-Length of at most nine digits, or -1. */
  private static int parseLength(String value) {
    if (value.isEmpty() || value.length() > 9) {
      return -1;
    }
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      length = length * 10 + (c - '0');
    }
    return length;
  }
}
