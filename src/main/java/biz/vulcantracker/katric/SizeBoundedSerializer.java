package biz.vulcantracker.katric;

import biz.vulcantracker.telemetry.Telemetry;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's Jackson CBOR serializer (same bytes, same manifests, same migrations), with a bound: each
 * {@link SizeBounded} message or event it writes is measured — the largest per type is on
 * {@code /metrics} — and one over {@code vulcan.katric.max-message-bytes} fails loudly (an error
 * logged, counted, thrown) instead of reaching Artery, which would drop a frame over its maximum
 * after logging it, or Cassandra, which refuses a mutation over half a commit-log segment. The
 * consumer then retries with smaller parts ({@link HitConsumer}).
 *
 * <p>Its own identifier marks what it wrote; events written by the plain {@code jackson-cbor}
 * serializer before it existed are still read by that one.
 */
public final class SizeBoundedSerializer extends SerializerWithStringManifest {

  private static final Logger log = LoggerFactory.getLogger(SizeBoundedSerializer.class);
  /** Any number not taken by Pekko (0–40) or a library; stored with every event this writes: never change it. */
  private static final int IDENTIFIER = 7_140_001;

  private final ExtendedActorSystem system;
  private final JacksonCborSerializer cbor;
  private final long maxBytes;
  /** Looked up at first use: serializers are made while the actor system starts. */
  private volatile Telemetry telemetry;

  public SizeBoundedSerializer(ExtendedActorSystem system) {
    this.system = system;
    this.cbor = new JacksonCborSerializer(system, "jackson-cbor");
    this.maxBytes = KatricSettings.create(system.settings().config()).maxMessageBytes();
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object message) {
    return cbor.manifest(message);
  }

  @Override
  public byte[] toBinary(Object message) {
    byte[] bytes = cbor.toBinary(message);
    String type = message.getClass().getSimpleName();
    telemetry().serializedSize(type, bytes.length);
    if (bytes.length > maxBytes) {
      telemetry().oversizedMessage(type);
      log.error("Refusing to serialize a {} of {} bytes: over vulcan.katric.max-message-bytes ({})", type, bytes.length, maxBytes);
      throw new IllegalArgumentException(type + " of " + bytes.length + " bytes is over the bound of " + maxBytes + " bytes");
    }
    return bytes;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    return cbor.fromBinary(bytes, manifest);
  }

  private Telemetry telemetry() {
    Telemetry known = telemetry;
    if (known == null) {
      known = Telemetry.get(Adapter.toTyped(system));
      telemetry = known;
    }
    return known;
  }
}
