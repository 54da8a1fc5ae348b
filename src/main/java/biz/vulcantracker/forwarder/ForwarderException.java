package biz.vulcantracker.forwarder;

/** A failure the forwarder cannot retry its way out of (a refused batch, a bad option): it stops with this message. */
final class ForwarderException extends RuntimeException {

  ForwarderException(String message) {
    super(message);
  }
}
