package biz.vulcantracker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte format of the store's packed columns (visit segments, hit chunks): variable-length
 * integers (zigzag for signed values), strings as UTF-8 with their length. Hand-written rather than
 * CBOR or Smile through Jackson: the rows are columns of integers and dictionary ids, written on
 * the pipeline's hot path, where Jackson's data binding of a chunk of hits took an eighth of a
 * node's CPU in a log import (JFR); this is a loop over arrays and a few bytes per number.
 */
final class PackedBytes {

  private PackedBytes() {}

  /** A growing array rather than a ByteArrayOutputStream, whose every write takes a lock. */
  static final class Writer {
    private byte[] bytes;
    private int size;

    Writer(int expectedBytes) {
      this.bytes = new byte[Math.max(16, expectedBytes)];
    }

    void varint(int value) {
      if (value >= 0 && value < 64) { // most are dictionary ids and counts: one byte, zigzag's doubling
        room(1);
        bytes[size++] = (byte) (value << 1);
        return;
      }
      varlong(value);
    }

    void varlong(long value) {
      room(10);
      long zigzag = (value << 1) ^ (value >> 63);
      while ((zigzag & ~0x7FL) != 0) {
        bytes[size++] = (byte) ((zigzag & 0x7F) | 0x80);
        zigzag >>>= 7;
      }
      bytes[size++] = (byte) zigzag;
    }

    /** Eight bytes, for values with no small magnitude to save (a random 64-bit id takes ten as a varint). */
    void fixedLong(long value) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[size++] = (byte) (value >>> shift);
      }
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      room(utf8.length);
      System.arraycopy(utf8, 0, bytes, size, utf8.length);
      size += utf8.length;
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, size);
    }
  }

  /**
   * Reads what a {@link Writer} wrote; what does not add up is an {@link IllegalArgumentException}
   * naming {@code what} (a buffer read past its end is a {@link java.nio.BufferUnderflowException}).
   */
  static final class Reader {
    private final ByteBuffer buffer;
    private final String what;

    Reader(ByteBuffer buffer, String what) {
      this.buffer = buffer;
      this.what = what;
    }

    long varlong() {
      long zigzag = 0;
      for (int shift = 0; ; shift += 7) {
        if (shift > 63) {
          throw new IllegalArgumentException("a damaged " + what + ": an integer too long");
        }
        byte b = buffer.get();
        zigzag |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    int varint() {
      return Math.toIntExact(varlong());
    }

    long fixedLong() {
      return buffer.getLong();
    }

    /** A count of items, each at least a byte: no more than the bytes there are. */
    int count() {
      int count = varint();
      if (count < 0 || count > buffer.remaining()) {
        throw new IllegalArgumentException("a damaged " + what + ": a count of " + count);
      }
      return count;
    }

    /** An index into a dictionary of {@code size} strings, written one more than it (0 for none: -1). */
    int id(int size) {
      int id = varint() - 1;
      if (id < -1 || id >= size) {
        throw new IllegalArgumentException("a damaged " + what + ": string " + id + " of " + size);
      }
      return id;
    }

    String string() {
      byte[] utf8 = new byte[count()];
      buffer.get(utf8);
      return new String(utf8, StandardCharsets.UTF_8);
    }

    String what() {
      return what;
    }

    boolean atEnd() {
      return !buffer.hasRemaining();
    }
  }
}
