package biz.vulcantracker.logformat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A log format compiled into a matcher: the format string is split once into literals and fields,
 * and a line is read left to right against them, each field ending where the next literal starts
 * (inside quotes, a backslash-escaped byte never ends a field). Escapes written by nginx
 * ({@code \xHH}, {@code \"}, {@code \\}) and Apache (the same plus {@code \n}, {@code \t}) are
 * decoded back to bytes and then read as UTF-8.
 *
 * <p>Written by hand over the line's bytes, not with a regular expression or a log-parsing library:
 * a backtracking regex over a combined line costs several microseconds and gives no reason when it
 * fails, while this reads each byte once and says which field broke and why. Text after the last
 * field of a line is ignored (servers often append fields to a standard format).
 */
public final class LogFormat {

  /** Apache's named formats, written as nginx strings ({@code %l}, the ident, is ignored). */
  public static final Map<String, String> NAMED = Map.of(
      "common", "$remote_addr $ignored $remote_user [$time_local] \"$request\" $status $body_bytes_sent",
      "combined", "$remote_addr $ignored $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\"",
      "vcommon", "$host:$server_port $remote_addr $ignored $remote_user [$time_local] \"$request\" $status"
          + " $body_bytes_sent",
      "vcombined", "$host:$server_port $remote_addr $ignored $remote_user [$time_local] \"$request\" $status"
          + " $body_bytes_sent \"$http_referer\" \"$http_user_agent\"");

  private final String spec;
  /** Literal bytes before each field; {@code literals[fields.length]} follows the last field. */
  private final byte[][] literals;
  private final LogField[] fields;
  private final boolean[] quoted;

  private LogFormat(String spec, List<byte[]> literals, List<LogField> fields) {
    this.spec = spec;
    this.literals = literals.toArray(byte[][]::new);
    this.fields = fields.toArray(LogField[]::new);
    this.quoted = new boolean[this.fields.length];
    for (int i = 0; i < this.fields.length; i++) {
      byte[] before = this.literals[i];
      quoted[i] = before.length > 0 && before[before.length - 1] == '"';
    }
  }

  /**
   * A named format ({@code combined}, {@code common}, {@code vcombined}, {@code vcommon}) or an
   * nginx {@code log_format} string. Throws {@link IllegalArgumentException} with the reason when
   * the string cannot be used: no time or no request field, or two fields with nothing between them.
   */
  public static LogFormat of(String nameOrNginxFormat) {
    String spec = NAMED.getOrDefault(nameOrNginxFormat, nameOrNginxFormat);
    List<byte[]> literals = new ArrayList<>();
    List<LogField> fields = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < spec.length()) {
      char c = spec.charAt(i);
      if (c != '$') {
        literal.append(c);
        i++;
        continue;
      }
      int start = i + 1;
      boolean braced = start < spec.length() && spec.charAt(start) == '{';
      int end = braced ? spec.indexOf('}', start) : start;
      if (braced && end < 0) {
        throw new IllegalArgumentException("format: '${' without a closing '}'");
      }
      if (!braced) {
        while (end < spec.length() && (Character.isLetterOrDigit(spec.charAt(end)) || spec.charAt(end) == '_')) {
          end++;
        }
      }
      String name = spec.substring(braced ? start + 1 : start, end);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("format: '$' at position " + i + " is not followed by a variable name");
      }
      if (!fields.isEmpty() && literal.length() == 0) {
        throw new IllegalArgumentException("format: $" + name + " follows another variable with nothing between them");
      }
      literals.add(literal.toString().getBytes(StandardCharsets.UTF_8));
      literal.setLength(0);
      fields.add(LogField.ofVariable(name));
      i = braced ? end + 1 : end;
    }
    literals.add(literal.toString().getBytes(StandardCharsets.UTF_8));
    boolean hasTime = fields.contains(LogField.TIME_LOCAL) || fields.contains(LogField.TIME_ISO8601) || fields.contains(LogField.MSEC);
    if (!hasTime || !fields.contains(LogField.REQUEST) || !fields.contains(LogField.REMOTE_ADDR) || !fields.contains(LogField.STATUS)) {
      throw new IllegalArgumentException(
          "format: needs $remote_addr, $status, $request and one of $time_local, $time_iso8601, $msec");
    }
    return new LogFormat(nameOrNginxFormat, literals, fields);
  }

  /** The format as it was given (a name or an nginx string). */
  public String spec() {
    return spec;
  }

  /** Parses a line given as text (tests, tools); a trailing CR or LF is ignored. */
  public LogLine parse(String line) throws LogLineException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return parse(bytes, 0, bytes.length);
  }

  /** Parses {@code line[from, to)}; a trailing CR or LF is ignored. */
  public LogLine parse(byte[] line, int from, int to) throws LogLineException {
    while (to > from && (line[to - 1] == '\n' || line[to - 1] == '\r')) {
      to--;
    }
    Builder out = new Builder();
    int pos = from;
    for (int f = 0; f < fields.length; f++) {
      pos = expectLiteral(line, pos, to, literals[f], f);
      int end = fieldEnd(line, pos, to, f);
      read(fields[f], line, pos, end, out);
      pos = end;
    }
    byte[] last = literals[fields.length];
    if (last.length > 0) {
      expectLiteral(line, pos, to, last, fields.length);
    }
    return out.build();
  }

  private int expectLiteral(byte[] line, int pos, int to, byte[] literal, int fieldIndex) throws LogLineException {
    for (int k = 0; k < literal.length; k++, pos++) {
      if (pos >= to) {
        throw new LogLineException("line ends early: expected '" + text(literal) + "' " + where(fieldIndex)
            + " at column " + (pos + 1));
      }
      if (line[pos] != literal[k]) {
        throw new LogLineException("expected '" + text(literal) + "' " + where(fieldIndex) + " at column " + (pos + 1)
            + ", found '" + (char) (line[pos] & 0xff) + "'");
      }
    }
    return pos;
  }

  private String where(int fieldIndex) {
    return fieldIndex < fields.length ? "before " + fields[fieldIndex].variable() : "after " + fields[fieldIndex - 1].variable();
  }

  /** Where field {@code f} starting at {@code pos} ends: at the next literal, or the line's end for the last field. */
  private int fieldEnd(byte[] line, int pos, int to, int f) throws LogLineException {
    byte[] next = literals[f + 1];
    if (next.length == 0) {
      return to; // the last field takes the rest of the line
    }
    boolean escapes = quoted[f];
    for (int i = pos; i < to; i++) {
      byte b = line[i];
      if (escapes && b == '\\') {
        i++;
      } else if (b == next[0] && startsWith(line, i, to, next)) {
        return i;
      }
    }
    throw new LogLineException("line ends inside " + fields[f].variable() + " (no '" + text(next) + "' after it)");
  }

  private static boolean startsWith(byte[] line, int at, int to, byte[] literal) {
    if (to - at < literal.length) {
      return false;
    }
    for (int k = 1; k < literal.length; k++) {
      if (line[at + k] != literal[k]) {
        return false;
      }
    }
    return true;
  }

  private static void read(LogField field, byte[] b, int from, int to, Builder out) throws LogLineException {
    switch (field) {
      case REMOTE_ADDR -> {
        if (!AddressLiterals.isAddress(b, from, to)) {
          throw new LogLineException("$remote_addr: expected an IPv4 or IPv6 address, got '" + clip(b, from, to) + "'");
        }
        out.address = new String(b, from, to - from, StandardCharsets.US_ASCII);
      }
      case TIME_LOCAL -> out.timestamp = time(LogTimes.timeLocal(b, from, to), field, "dd/Mon/yyyy:HH:mm:ss +hhmm", b, from, to);
      case TIME_ISO8601 -> out.timestamp = time(LogTimes.timeIso8601(b, from, to), field, "yyyy-MM-ddTHH:mm:ss+hh:mm", b, from, to);
      case MSEC -> out.timestamp = time(LogTimes.msec(b, from, to), field, "seconds.milliseconds", b, from, to);
      case REQUEST -> readRequest(b, from, to, out);
      case STATUS -> {
        int status = to - from == 3 ? LogTimes.digits(b, from, 3) : -1;
        if (status < 100 || status > 599) {
          throw new LogLineException("$status: expected a 3-digit HTTP status, got '" + clip(b, from, to) + "'");
        }
        out.status = status;
      }
      case BODY_BYTES_SENT, BYTES_SENT -> {
        if (!(to - from == 1 && b[from] == '-') && !allDigits(b, from, to)) {
          throw new LogLineException(field.variable() + ": expected a byte count, got '" + clip(b, from, to) + "'");
        }
      }
      case HTTP_REFERER -> out.referrer = dashIsNull(b, from, to);
      case HTTP_USER_AGENT -> out.userAgent = dashIsNull(b, from, to);
      case HOST -> out.host = dashIsNull(b, from, to);
      case HTTP_X_FORWARDED_FOR -> out.forwardedFor = dashIsNull(b, from, to);
      case REMOTE_USER, SERVER_PORT, REQUEST_TIME, IGNORED -> {
        // read past, not kept: a user name is personal data and the rest is not reported
      }
    }
  }

  private static long time(long millis, LogField field, String expected, byte[] b, int from, int to) throws LogLineException {
    if (millis < 0) {
      throw new LogLineException(field.variable() + ": expected " + expected + ", got '" + clip(b, from, to) + "'");
    }
    return millis;
  }

  /** {@code METHOD target PROTOCOL}; anything else (nginx's "-" or a garbage request) keeps no parts. */
  private static void readRequest(byte[] b, int from, int to, Builder out) {
    int firstSpace = indexOf(b, from, to, (byte) ' ');
    if (firstSpace <= from) {
      return;
    }
    int lastSpace = lastIndexOf(b, firstSpace + 1, to, (byte) ' ');
    int targetEnd = lastSpace < 0 ? to : lastSpace;
    if (targetEnd <= firstSpace + 1) {
      return;
    }
    out.method = new String(b, from, firstSpace - from, StandardCharsets.US_ASCII);
    out.target = decode(b, firstSpace + 1, targetEnd);
    out.protocol = lastSpace < 0 ? null : new String(b, lastSpace + 1, to - lastSpace - 1, StandardCharsets.US_ASCII);
  }

  private static String dashIsNull(byte[] b, int from, int to) {
    return to == from || (to - from == 1 && b[from] == '-') ? null : decode(b, from, to);
  }

  /** The field's text with nginx/Apache escapes undone, as UTF-8 (invalid sequences become U+FFFD). */
  static String decode(byte[] b, int from, int to) {
    if (indexOf(b, from, to, (byte) '\\') < 0) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != '\\' || i + 1 >= to) {
        out.write(c);
        continue;
      }
      byte next = b[i + 1];
      int hex = next == 'x' && i + 3 < to ? hexByte(b[i + 2], b[i + 3]) : -1;
      if (hex >= 0) {
        out.write(hex);
        i += 3;
      } else if (next == '"' || next == '\\') {
        out.write(next);
        i++;
      } else if (next == 'n' || next == 't' || next == 'r') {
        out.write(next == 'n' ? '\n' : next == 't' ? '\t' : '\r');
        i++;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hexByte(byte high, byte low) {
    int h = Character.digit(high, 16);
    int l = Character.digit(low, 16);
    return h < 0 || l < 0 ? -1 : h * 16 + l;
  }

  private static boolean allDigits(byte[] b, int from, int to) {
    if (to == from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte wanted) {
    for (int i = from; i < to; i++) {
      if (b[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int from, int to, byte wanted) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** A field's text for a reason: at most 40 characters, escapes left as they are. */
  private static String clip(byte[] b, int from, int to) {
    String text = new String(b, from, Math.min(to - from, 40), StandardCharsets.UTF_8);
    return to - from > 40 ? text + "…" : text;
  }

  private static String text(byte[] literal) {
    return new String(literal, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return spec;
  }

  /** Collects one line's fields. */
  private static final class Builder {
    String address;
    String forwardedFor;
    long timestamp = -1;
    String method;
    String target;
    String protocol;
    int status = -1;
    String referrer;
    String userAgent;
    String host;

    LogLine build() {
      return new LogLine(address, forwardedFor, timestamp, method, target, protocol, status, referrer, userAgent, host);
    }
  }
}
