package biz.vulcantracker.beacon.front;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client's connection the way web servers do after an answer that did not read the whole
 * request (a body over the limit, say): the answer is flushed, the sending side shut, and what the
 * client still sends is read and dropped for a while before the close. Closing at once, with the
 * client's bytes unread, makes the kernel reset the connection, and a reset can destroy the answer
 * before the client reads it. The caller drops what it reads meanwhile.
 */
final class Lingering {

  /** How long a closing connection still takes (and drops) what the client sends. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private Lingering() {}

  static void close(Channel channel) {
    if (!channel.isActive()) {
      return;
    }
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
      if (channel instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      }
      channel.config().setAutoRead(true);
      channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    });
  }
}
