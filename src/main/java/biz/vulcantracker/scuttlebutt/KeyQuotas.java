package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.common.ApiError;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What one key (a site's report key, or the admin token) may hold on this node at once: reports
 * running (more wait in line, in order, up to a bound; beyond it 429), and live sockets. A report key
 * is meant to be shared, so one holder of it must not take a node's reports or sockets from the rest.
 * Keyed by {@linkplain ReportAccess#holder the holder}, never by the secret, and only after the key
 * was accepted: the map holds one entry per site at most, plus the admin.
 */
public final class KeyQuotas {

  /** Limits per key (reference.conf, {@code vulcan.scuttlebutt.per-key}); a queued query waits at most {@code maxWait}. */
  public record Settings(int queries, int queued, int liveSockets, Duration maxWait) {
    public static Settings fromConfig(Config config) {
      Config perKey = config.getConfig("vulcan.scuttlebutt.per-key");
      return new Settings(perKey.getInt("queries"), perKey.getInt("queued"), perKey.getInt("live-sockets"),
          config.getDuration("vulcan.scuttlebutt.scans.timeout"));
    }
  }

  private final Settings settings;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  public KeyQuotas(Settings settings) {
    this.settings = settings;
  }

  /** Runs the query now if the holder has a free place, else in line; throws 429 {@code too_many_queries} when the line is full. */
  public <T> CompletionStage<T> query(String holder, Supplier<CompletionStage<T>> query) {
    return lanes.computeIfAbsent(holder, h -> new Lane()).submit(query);
  }

  /** Takes a live-socket place of the holder; false when all are taken. */
  public boolean openSocket(String holder) {
    Lane lane = lanes.computeIfAbsent(holder, h -> new Lane());
    synchronized (lane) {
      if (lane.sockets >= settings.liveSockets()) {
        return false;
      }
      lane.sockets++;
      return true;
    }
  }

  /** Whether the holder has a live-socket place free now (asked before a socket is upgraded, to answer 429). */
  public boolean hasSocketRoom(String holder) {
    Lane lane = lanes.computeIfAbsent(holder, h -> new Lane());
    synchronized (lane) {
      return lane.sockets < settings.liveSockets();
    }
  }

  public void closeSocket(String holder) {
    Lane lane = lanes.get(holder);
    synchronized (lane) {
      lane.sockets--;
    }
  }

  /** One holder's running queries, its line, and its open sockets. */
  private final class Lane {
    private int running;
    private int sockets;
    private final ArrayDeque<Waiting> line = new ArrayDeque<>();

    <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> query) {
      CompletableFuture<T> answer = new CompletableFuture<>();
      Waiting waiting = new Waiting(System.nanoTime(), () -> run(query, answer), answer);
      synchronized (this) {
        if (running < settings.queries()) {
          running++;
        } else if (line.size() < settings.queued()) {
          line.add(waiting);
          return answer;
        } else {
          throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "too_many_queries",
              "this key has " + settings.queries() + " reports running and " + settings.queued() + " waiting; retry later");
        }
      }
      waiting.start().run();
      return answer;
    }

    private <T> void run(Supplier<CompletionStage<T>> query, CompletableFuture<T> answer) {
      CompletionStage<T> result;
      try {
        result = query.get();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      result.whenComplete((value, failure) -> {
        next();
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else {
          answer.complete(value);
        }
      });
    }

    /** Hands the finished query's place to the first in line that has not waited too long. */
    private void next() {
      while (true) {
        Waiting waiting;
        synchronized (this) {
          waiting = line.poll();
          if (waiting == null) {
            running--;
            return;
          }
        }
        if (System.nanoTime() - waiting.since() <= settings.maxWait().toNanos()) {
          waiting.start().run();
          return;
        }
        waiting.answer().completeExceptionally(new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "too_busy",
            "this key's reports waited longer than " + settings.maxWait().toSeconds() + " s in line; retry later"));
      }
    }
  }

  private record Waiting(long since, Runnable start, CompletableFuture<?> answer) {}
}
