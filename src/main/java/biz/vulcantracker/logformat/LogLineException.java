package biz.vulcantracker.logformat;

/**
 * A line that does not match its format, with the reason: which field, and what was expected.
 * Without a stack trace: it is an answer to the sender, not a fault, and garbage input may be common.
 */
public final class LogLineException extends Exception {

  LogLineException(String reason) {
    super(reason, null, false, false);
  }
}
