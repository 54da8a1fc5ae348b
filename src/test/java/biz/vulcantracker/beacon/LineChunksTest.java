package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.pekko.stream.scaladsl.Framing;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class LineChunksTest {

  /** The word-at-a-time search against a byte-by-byte one: every byte value around a line end, every offset and length. */
  @Test
  void findsEveryLineEndAWordAtATimeAsAByteByByteSearchDoes() {
    Random random = new Random(11);
    for (int round = 0; round < 20_000; round++) {
      byte[] data = new byte[random.nextInt(40)];
      for (int i = 0; i < data.length; i++) {
        // Mostly the bytes that could fool the test for a zero byte: \n's neighbours, 0x8A, 0x00, 0xFF.
        int[] tricky = {'\n', '\n' - 1, '\n' + 1, 0x8A, 0x0B, 0x00, 0xFF, 0x80};
        data[i] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : tricky[random.nextInt(tricky.length)]);
      }
      int from = data.length == 0 ? 0 : random.nextInt(data.length + 1);
      int expected = -1;
      for (int i = from; i < data.length; i++) {
        if (data[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertThat(LineChunks.nextNewline(data, from)).as("%s from %d", Arrays.toString(data), from).isEqualTo(expected);
    }
  }

  @Test
  void cutsAnyBodyIntoTheLinesOfASplitOnLineEndsWhereverItsBytesArePartedInTransit() {
    Random random = new Random(7);
    String[] pieces = {"GET / HTTP/1.1", "", "\r", "zürich ☃", "x", "a b c"};
    for (int round = 0; round < 2_000; round++) {
      StringBuilder body = new StringBuilder();
      int lines = random.nextInt(30);
      for (int i = 0; i < lines; i++) {
        body.append(pieces[random.nextInt(pieces.length)]).append(random.nextInt(3) == 0 ? "" : "" + i);
        if (i < lines - 1 || random.nextBoolean()) {
          body.append('\n');
        }
      }
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      int perChunk = 1 + random.nextInt(7);
      LineChunks chunks = new LineChunks(64, perChunk);
      List<List<byte[]>> got = new ArrayList<>();
      int at = 0;
      while (at < bytes.length) {
        int size = Math.min(bytes.length - at, random.nextInt(12)); // empty pieces too
        got.addAll(chunks.feed(ByteString.fromArray(bytes, at, size)));
        at += size;
      }
      got.addAll(chunks.finish());

      List<String> expected = new ArrayList<>(Arrays.asList(body.toString().split("\n", -1)));
      if (expected.get(expected.size() - 1).isEmpty()) {
        expected.remove(expected.size() - 1); // a body's last line end starts no line
      }
      List<String> flat = got.stream().flatMap(List::stream).map(line -> new String(line, StandardCharsets.UTF_8)).toList();
      assertThat(flat).as("body %s", body).isEqualTo(expected);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).size()).isEqualTo(i < got.size() - 1 ? perChunk : Math.max(1, expected.size() - i * perChunk));
      }
    }
  }

  @Test
  void aLineOfTheLimitPassesAndOneByteMoreFailsEvenBeforeItsEndOrTheBodysArrives() {
    LineChunks chunks = new LineChunks(10, 100);
    chunks.feed(ByteString.fromString("0123456"));
    chunks.feed(ByteString.fromString("789\n"));
    assertThat(chunks.finish()).singleElement().satisfies(chunk -> assertThat(chunk).singleElement()
        .satisfies(line -> assertThat(new String(line, StandardCharsets.US_ASCII)).isEqualTo("0123456789")));

    LineChunks endless = new LineChunks(10, 100);
    endless.feed(ByteString.fromString("0123456789"));
    assertThatThrownBy(() -> endless.feed(ByteString.fromString("a")))
        .isInstanceOf(Framing.FramingException.class).hasMessageContaining("more than 10 bytes");

    LineChunks ended = new LineChunks(10, 100);
    assertThatThrownBy(() -> ended.feed(ByteString.fromString("ok\n0123456789a\n")))
        .isInstanceOf(Framing.FramingException.class);
  }
}
