package biz.vulcantracker.telemetry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What a node's stages add to its readiness, beyond the services each role needs (which the
 * readiness check pings itself): each stage registers its own conditions here, so that the check,
 * in {@code ops}, reads them without knowing the stages.
 */
public final class Readiness implements Extension {

  private static final ExtensionId<Readiness> ID = new ExtensionId<>() {
    @Override
    public Readiness createExtension(ActorSystem<?> system) {
      return new Readiness();
    }
  };

  private final List<BooleanSupplier> required = new CopyOnWriteArrayList<>();
  private final List<BooleanSupplier> redisStandIns = new CopyOnWriteArrayList<>();

  private Readiness() {}

  public static Readiness get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** A condition the node is ready only while it holds (katric: its consumers make progress). */
  public void require(BooleanSupplier condition) {
    required.add(condition);
  }

  /**
   * A way for the edge to take hits while Redis is away (its spool, while it has room): the edge
   * stays ready, behind its load balancer, as long as one holds.
   */
  public void standInForRedis(BooleanSupplier hasRoom) {
    redisStandIns.add(hasRoom);
  }

  public boolean requiredHold() {
    return required.stream().allMatch(BooleanSupplier::getAsBoolean);
  }

  public boolean standsInForRedis() {
    return redisStandIns.stream().anyMatch(BooleanSupplier::getAsBoolean);
  }
}
