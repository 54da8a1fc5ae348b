package biz.vulcantracker.scuttlebutt;

import java.time.Duration;
import org.apache.pekko.japi.function.Function2;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Passes on at most one element per {@code interval}, and always the latest: elements that arrive
 * while it waits (for the interval, or for a slow downstream) are merged into the one it holds, so
 * it never holds more than one and never sends a stale one. An element is sent at once when the
 * last was sent an interval ago or more.
 *
 * <p>Written because {@code conflate} followed by {@code throttle} sends stale data: the throttle
 * takes an element from the conflate as soon as it can and then holds it for the interval while
 * newer ones pile up behind it, so a client sees each update an interval later than it could.
 */
final class LatestAtMostEvery<T> extends GraphStage<FlowShape<T, T>> {

  private final Inlet<T> in = Inlet.create("LatestAtMostEvery.in");
  private final Outlet<T> out = Outlet.create("LatestAtMostEvery.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final long intervalNanos;
  private final Function2<T, T, T> merge;

  /** {@code merge(held, newer)} gives the element to hold instead of both. */
  LatestAtMostEvery(Duration interval, Function2<T, T, T> merge) {
    this.intervalNanos = interval.toNanos();
    this.merge = merge;
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private T held;
      private boolean sentBefore;
      private long lastSent;
      private boolean timerSet;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() throws Exception {
            T element = grab(in);
            held = held == null ? element : merge.apply(held, element);
            pull(in);
            send();
          }

          @Override
          public void onUpstreamFinish() {
            if (held == null) {
              completeStage();
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            send();
          }
        });
      }

      @Override
      public void preStart() {
        pull(in);
      }

      private void send() {
        if (held == null || !isAvailable(out)) {
          return;
        }
        long now = System.nanoTime();
        long wait = sentBefore ? lastSent + intervalNanos - now : 0;
        if (wait <= 0) {
          push(out, held);
          held = null;
          sentBefore = true;
          lastSent = now;
          if (isClosed(in)) {
            completeStage();
          }
        } else if (!timerSet) {
          timerSet = true;
          scheduleOnce("slot", Duration.ofNanos(wait));
        }
      }

      @Override
      public void onTimer(Object key) {
        timerSet = false;
        send();
      }
    };
  }
}
