package biz.vulcantracker.beacon.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The edge's spool on disk: an append-only file of records (length, CRC-32, payload), a read
 * position saved beside it, and the spool's own id. Every append is forced to disk before it
 * returns, so a record that was appended survives a crash of the process or the machine. A record
 * torn by a crash (short, or failing its CRC) ends the file: it is cut off when the spool opens.
 * Not thread-safe: {@link EdgeSpool} calls it from one thread.
 */
final class SpoolFile implements AutoCloseable {

  private static final int HEADER_BYTES = 8;

  private final Path data;
  private final Path position;
  private final FileChannel channel;
  private final String id;
  private long readPosition;

  private SpoolFile(Path data, Path position, FileChannel channel, String id, long readPosition) {
    this.data = data;
    this.position = position;
    this.channel = channel;
    this.id = id;
    this.readPosition = readPosition;
  }

  /** Opens (or creates) the spool in {@code directory}, cutting off a torn last record. */
  static SpoolFile open(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path idFile = directory.resolve("spool.id");
    if (!Files.exists(idFile)) {
      writeAtomically(idFile, UUID.randomUUID().toString());
    }
    String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
    Path data = directory.resolve("hits.spool");
    Path position = directory.resolve("hits.spool.position");
    FileChannel channel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long read = Files.exists(position) ? Long.parseLong(Files.readString(position, StandardCharsets.UTF_8).strip()) : 0;
    SpoolFile spool = new SpoolFile(data, position, channel, id, Math.min(read, channel.size()));
    spool.cutTornTail();
    return spool;
  }

  /** Unique per spool directory: replays are marked done in Redis under it. */
  String id() {
    return id;
  }

  long size() throws IOException {
    return channel.size();
  }

  /** Bytes appended but not yet replayed. */
  long backlog() throws IOException {
    return channel.size() - readPosition;
  }

  long readPosition() {
    return readPosition;
  }

  /** Appends one record and forces it to disk. */
  void append(byte[] payload) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    record.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
    long at = channel.size();
    while (record.hasRemaining()) {
      at += channel.write(record, at);
    }
    channel.force(false);
  }

  /** The record at the read position, if one is there. */
  Optional<byte[]> next() throws IOException {
    return recordAt(readPosition);
  }

  /**
   * Moves the read position past the record just replayed and saves it; once everything is
   * replayed the file is emptied, so the spool takes no room while Redis is up.
   */
  void advance(int payloadBytes) throws IOException {
    readPosition += HEADER_BYTES + payloadBytes;
    if (readPosition >= channel.size()) {
      channel.truncate(0);
      channel.force(true);
      readPosition = 0;
    }
    writeAtomically(position, Long.toString(readPosition));
  }

  private Optional<byte[]> recordAt(long at) throws IOException {
    if (at + HEADER_BYTES > channel.size()) {
      return Optional.empty();
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    channel.read(header, at);
    header.flip();
    int length = header.getInt();
    int crc = header.getInt();
    if (length < 0 || at + HEADER_BYTES + length > channel.size()) {
      return Optional.empty();
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    while (payload.hasRemaining() && channel.read(payload, at + HEADER_BYTES + payload.position()) > 0) {
      // read until full
    }
    return crc(payload.array()) == crc ? Optional.of(payload.array()) : Optional.empty();
  }

  private void cutTornTail() throws IOException {
    long at = readPosition;
    Optional<byte[]> record;
    while ((record = recordAt(at)).isPresent()) {
      at += HEADER_BYTES + record.get().length;
    }
    if (at < channel.size()) {
      channel.truncate(at);
      channel.force(true);
    }
  }

  private static int crc(byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(payload);
    return (int) crc.getValue();
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  Path path() {
    return data;
  }
}
