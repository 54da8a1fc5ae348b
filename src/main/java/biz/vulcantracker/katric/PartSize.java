package biz.vulcantracker.katric;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The size a consumer splits its batches' parts at: the configured bound, halved after a part
 * failed and doubled again (up to the bound) after a batch went through. A part refused for its size
 * (see {@link SizeBoundedSerializer}) is then never sent again as it was: the retry splits smaller,
 * down to one hit per part; a failure for another reason (Cassandra away) costs smaller parts for a
 * few batches.
 */
final class PartSize {

  private final long largest;
  private final AtomicLong current;

  PartSize(long largest) {
    this.largest = largest;
    this.current = new AtomicLong(largest);
  }

  long bytes() {
    return current.get();
  }

  /** A part split at {@code used} bytes failed: at most half that from now on. */
  long failed(long used) {
    long smaller = Math.max(1, used / 2);
    return current.accumulateAndGet(smaller, Math::min);
  }

  /** A batch split at {@code used} bytes went through: up to twice that, within the bound. */
  void succeeded(long used) {
    current.set(Math.min(largest, used * 2));
  }
}
