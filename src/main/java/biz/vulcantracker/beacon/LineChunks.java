package biz.vulcantracker.beacon;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.stream.scaladsl.Framing;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a log body, as its bytes arrive, into chunks of {@code linesPerChunk} lines (each a byte array
 * without its {@code \n}; the last line of a body needs none). A line longer than
 * {@code maxLineBytes} fails the body with {@link Framing.FramingException}, as soon as that many
 * bytes came without a line end: a body without line ends holds at most one line's bytes.
 *
 * <p>The same lines as {@code Framing.delimiter} (truncation allowed) then {@code grouped} then a
 * copy per line, written here because those three took a tenth of a node's CPU in a log import (JFR:
 * a ByteString slice, compaction and copy per line, a Scala collection per chunk); this copies each
 * line once out of the bytes that arrived.
 */
final class LineChunks {

  /** Reads eight bytes of a byte array as one long, so the line ends are looked for a word at a time. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final int maxLineBytes;
  private final int linesPerChunk;
  /** The start of a line whose end has not arrived yet. */
  private byte[] partial = new byte[256];
  private int partialLength;
  private List<byte[]> chunk;

  LineChunks(int maxLineBytes, int linesPerChunk) {
    if (maxLineBytes < 1 || linesPerChunk < 1) {
      throw new IllegalArgumentException("a line and a chunk hold at least one byte and line");
    }
    this.maxLineBytes = maxLineBytes;
    this.linesPerChunk = linesPerChunk;
    this.chunk = new ArrayList<>(linesPerChunk);
  }

  /** The chunks that {@code bytes}, the body's next bytes, complete (most often none or one). */
  List<List<byte[]>> feed(ByteString bytes) {
    byte[] data = bytes.toArrayUnsafe();
    List<List<byte[]>> full = new ArrayList<>(1);
    int start = 0;
    for (int i = nextNewline(data, 0); i >= 0; i = nextNewline(data, i + 1)) {
      int length = partialLength + i - start;
      checkLength(length);
      byte[] line;
      if (partialLength == 0) {
        line = Arrays.copyOfRange(data, start, i);
      } else {
        line = Arrays.copyOf(partial, length);
        System.arraycopy(data, start, line, partialLength, i - start);
        partialLength = 0;
      }
      add(line, full);
      start = i + 1;
    }
    int rest = data.length - start;
    if (rest > 0) {
      checkLength(partialLength + rest);
      if (partialLength + rest > partial.length) {
        partial = Arrays.copyOf(partial, Math.min(maxLineBytes, Math.max(2 * partial.length, partialLength + rest)));
      }
      System.arraycopy(data, start, partial, partialLength, rest);
      partialLength += rest;
    }
    return full;
  }

  /**
   * The index of the first {@code \n} at or after {@code from}, or -1. Eight bytes at a time (the
   * classic test for a zero byte, on the word XOR'ed with newlines): a byte-by-byte loop over the
   * body was a thirtieth of a node's CPU in a log import (JFR).
   */
  static int nextNewline(byte[] data, int from) {
    int i = from;
    for (; i + Long.BYTES <= data.length; i += Long.BYTES) {
      long word = (long) WORDS.get(data, i) ^ NEWLINES;
      long zeros = (word - LOW_BITS) & ~word & HIGH_BITS;
      if (zeros != 0) {
        // The lowest flagged byte is a zero byte for certain (only bytes above a zero can be false flags).
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < data.length; i++) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The body ended: the last chunk, with a last line that had no line end; empty if nothing is left. */
  List<List<byte[]>> finish() {
    if (partialLength > 0) {
      chunk.add(Arrays.copyOf(partial, partialLength));
      partialLength = 0;
    }
    List<List<byte[]>> last = chunk.isEmpty() ? List.of() : List.of(chunk);
    chunk = new ArrayList<>();
    return last;
  }

  private void add(byte[] line, List<List<byte[]>> full) {
    chunk.add(line);
    if (chunk.size() == linesPerChunk) {
      full.add(chunk);
      chunk = new ArrayList<>(linesPerChunk);
    }
  }

  private void checkLength(int length) {
    if (length > maxLineBytes) {
      throw new Framing.FramingException("a line of more than " + maxLineBytes + " bytes (vulcan.beacon.log.max-line-bytes)");
    }
  }
}
