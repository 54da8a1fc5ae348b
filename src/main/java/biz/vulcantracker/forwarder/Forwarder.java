package biz.vulcantracker.forwarder;

import biz.vulcantracker.logformat.LogFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar vulcan-tracker.jar forward ...}: ships an access log to the endpoint.
 *
 * <p>Exactly once, end to end: a batch covers bytes {@code [start, end)} of a file and its id is
 * {@code fingerprint-start-end}; the position moves to {@code end} in the state file only after the
 * endpoint accepted the batch. A crash before that resends the same bytes under the same id, which
 * the endpoint counts once. Batches are cut by size at line ends, and when following also after
 * {@code flush-interval} of quiet, so a quiet log is not held back.
 *
 * <p>Following ({@code --follow}) survives rotation by rename (the old file is read to its end
 * before the new one is opened) and by copytruncate (a file shorter than the position, or with a new
 * first line, is read again from its start under its new fingerprint). While a file has more lines than a
 * batch, two batches are in flight at once ({@link #sendAhead}). SIGTERM finishes the batches in flight and exits 0.
 */
public final class Forwarder {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final int MAX_REJECTIONS_SHOWN = 20;

  private final ForwarderOptions options;
  private final BatchSender sender;
  private final LogFormat format;
  /** Runs the sending of batches sent ahead ({@link #sendAhead}). */
  private final ExecutorService sending = Executors.newFixedThreadPool(2, task -> {
    Thread thread = new Thread(task, "forward-send");
    thread.setDaemon(true);
    return thread;
  });
  /** The batch sent and not yet answered, or null. */
  private Ahead ahead;
  private volatile boolean stopping;
  private long linesReceived;
  private long linesQueued;
  private long linesNotFound;
  private long linesRejected;

  Forwarder(ForwarderOptions options) {
    this.options = options;
    this.sender = new BatchSender(options);
    this.format = LogFormat.of(options.format());
  }

  /** The {@code forward} subcommand; exits the JVM with 0 (done or stopped), 1 (refused) or 2 (usage). */
  public static void main(List<String> args) {
    ForwarderOptions options;
    try {
      options = ForwarderOptions.parse(args);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("forward: " + e.getMessage());
      System.err.println(ForwarderOptions.USAGE);
      System.exit(2);
      return;
    }
    Forwarder forwarder = new Forwarder(options);
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      forwarder.stopping = true;
      try {
        finished.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "forward-shutdown"));
    int status = 0;
    try {
      forwarder.run();
    } catch (ForwarderException e) {
      System.err.println("forward: " + e.getMessage());
      status = 1;
    } catch (IOException e) {
      System.err.println("forward: " + e);
      status = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.countDown();
    }
    if (!forwarder.stopping) {
      System.exit(status);
    }
  }

  void run() throws IOException, InterruptedException {
    Path path = options.file();
    LogFile file = waitForFile(path);
    if (file == null) {
      return;
    }
    String fingerprint = waitForFingerprint(file);
    if (fingerprint == null) {
      return;
    }
    long offset = 0;
    Optional<ForwarderState> saved = ForwarderState.read(options.state());
    if (saved.isPresent()) {
      if (saved.get().fingerprint().equals(fingerprint)) {
        offset = saved.get().offset() <= file.size() ? saved.get().offset() : 0;
      } else {
        finishRotated(path, saved.get());
      }
    }
    System.err.println("forward: " + path + " from byte " + offset + " (file " + fingerprint + ")");
    long started = System.nanoTime();
    long lastProgress = started;
    long partialSince = -1;
    boolean drainedAfterRotation = false;
    while (!stopping) {
      LogFile.LineBatch batch = file.read(offset, options.batchBytes(), !options.follow());
      boolean more = !batch.isEmpty() && batch.full();
      if (!more && !awaitAhead()) {
        break; // stopping while the endpoint was unreachable: the state still has the last accepted batch
      }
      if (!batch.isEmpty()) {
        boolean quietLongEnough = partialSince >= 0 && System.nanoTime() - partialSince >= options.flushInterval().toNanos();
        if (batch.full() || !options.follow() || quietLongEnough) {
          if (more ? !sendAhead(fingerprint, batch) : !send(fingerprint, batch)) {
            break; // stopping while the endpoint was unreachable: the state still has the last accepted batch
          }
          offset = batch.end();
          partialSince = -1;
          drainedAfterRotation = false;
          if (!options.follow() && System.nanoTime() - lastProgress >= PROGRESS_EVERY.toNanos()) {
            lastProgress = System.nanoTime();
            progress(offset, file.size(), started);
          }
          continue;
        }
        if (partialSince < 0) {
          partialSince = System.nanoTime();
        }
      } else if (!options.follow()) {
        break;
      } else if (!file.isStillAtPath() && batch.isEmpty()) {
        // Rotated by rename: the writer may still add to the old file until it reopens; read it once more.
        if (!drainedAfterRotation) {
          drainedAfterRotation = true;
          Thread.sleep(POLL.toMillis());
          continue;
        }
        Optional<LogFile> next = LogFile.open(path);
        if (next.isPresent()) {
          Optional<String> nextFingerprint = next.get().fingerprint(format);
          if (nextFingerprint.isPresent()) {
            file.close();
            file = next.get();
            fingerprint = nextFingerprint.get();
            offset = 0;
            drainedAfterRotation = false;
            System.err.println("forward: " + path + " was rotated; now reading the new file " + fingerprint);
            continue;
          }
          next.get().close();
        }
      } else {
        // Truncated (copytruncate): shorter than the position, or already refilled past it with new
        // content, which a new first line gives away.
        Optional<String> nextFingerprint = file.fingerprint(format);
        if (nextFingerprint.isPresent() && (file.size() < offset || !nextFingerprint.get().equals(fingerprint))) {
          fingerprint = nextFingerprint.get();
          offset = 0;
          System.err.println("forward: " + path + " was truncated; reading it from the start as " + fingerprint);
          continue;
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    awaitAhead();
    sending.shutdown();
    file.close();
    if (!options.follow() && !stopping) {
      progress(offset, offset, started);
    }
    System.err.printf("forward: %s; %d lines received, %d queued as pageviews, %d as pages not found, %d rejected%n",
        stopping ? "stopped" : "done", linesReceived, linesQueued - linesNotFound, linesNotFound, linesRejected);
  }

  /**
   * The saved position belongs to another file: if that file is the rotated {@code <file>.1}, the
   * lines written to it after the position was saved are sent before the new file is started.
   */
  private void finishRotated(Path path, ForwarderState saved) throws IOException, InterruptedException {
    Path rotated = path.resolveSibling(path.getFileName() + ".1");
    Optional<LogFile> old = LogFile.open(rotated);
    if (old.isEmpty()) {
      return;
    }
    try (LogFile file = old.get()) {
      if (!file.fingerprint(format).map(saved.fingerprint()::equals).orElse(false)) {
        return;
      }
      System.err.println("forward: finishing the rotated " + rotated + " from byte " + saved.offset());
      long offset = saved.offset();
      while (!stopping) {
        LogFile.LineBatch batch = file.read(offset, options.batchBytes(), true);
        if (batch.isEmpty() || !send(saved.fingerprint(), batch)) {
          return;
        }
        offset = batch.end();
      }
    }
  }

  /**
   * Sends a batch that has more lines right behind it without waiting for its answer, then waits for
   * the batch sent ahead before it (if any), whose position it saves: two batches are in flight, so
   * the endpoint reads the next one while it finishes the last (each answer waits for the batch's
   * last chunk to be queued). The position still moves in order, batch by batch, and only past
   * accepted ones. False if stopped first.
   */
  private boolean sendAhead(String fingerprint, LogFile.LineBatch batch) throws IOException, InterruptedException {
    String batchId = idOf(fingerprint, batch);
    Future<JsonNode> answer = sending.submit(() -> sender.send(batch.bytes(), batchId, batch.start(), () -> stopping));
    Ahead sent = new Ahead(fingerprint, batch, answer);
    if (!awaitAhead()) {
      // Stopped before the batch before it was accepted: the position must not pass that one.
      // This one is resent after a restart under its same id, which the endpoint counts once.
      try {
        answer.get();
      } catch (ExecutionException e) {
        // stopping anyway; the state still has the last accepted batch
      }
      return false;
    }
    ahead = sent;
    return true;
  }

  /** Waits for the batch sent ahead, if any, and saves its position; false if stopped first. */
  private boolean awaitAhead() throws IOException, InterruptedException {
    Ahead last = ahead;
    if (last == null) {
      return true;
    }
    ahead = null;
    JsonNode answer;
    try {
      answer = last.answer().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ForwarderException refused) {
        throw refused;
      }
      throw new IOException("sending batch " + idOf(last.fingerprint(), last.batch()) + " failed", e.getCause());
    }
    return answer != null && accepted(last.fingerprint(), last.batch(), answer);
  }

  private static String idOf(String fingerprint, LogFile.LineBatch batch) {
    return fingerprint + "-" + batch.start() + "-" + batch.end();
  }

  /** Sends one batch until accepted and saves the new position; false if stopped first. */
  private boolean send(String fingerprint, LogFile.LineBatch batch) throws IOException, InterruptedException {
    JsonNode answer = sender.send(batch.bytes(), idOf(fingerprint, batch), batch.start(), () -> stopping);
    return answer != null && accepted(fingerprint, batch, answer);
  }

  /** The endpoint accepted the batch: its end is the new position; its counts are added. */
  private boolean accepted(String fingerprint, LogFile.LineBatch batch, JsonNode answer) throws IOException {
    String batchId = idOf(fingerprint, batch);
    new ForwarderState(fingerprint, batch.end()).write(options.state());
    linesReceived += answer.path("received").asLong();
    linesQueued += answer.path("queued").asLong();
    linesNotFound += answer.path("notFound").asLong();
    long before = linesRejected;
    linesRejected += answer.path("rejectedCount").asLong();
    for (JsonNode rejected : answer.path("rejected")) {
      if (before++ >= MAX_REJECTIONS_SHOWN) {
        break;
      }
      System.err.println("forward: rejected line " + rejected.path("line").asLong() + " of batch " + batchId + ": "
          + rejected.path("error").asText());
    }
    return true;
  }

  private void progress(long offset, long size, long started) {
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    System.err.printf("forward: %.1f MB of %.1f MB (%d%%), %d lines, %.0f lines/s%n",
        offset / 1e6, size / 1e6, size == 0 ? 100 : offset * 100 / size, linesReceived, linesReceived / seconds);
  }

  private record Ahead(String fingerprint, LogFile.LineBatch batch, Future<JsonNode> answer) {}

  private LogFile waitForFile(Path path) throws IOException, InterruptedException {
    while (!stopping) {
      Optional<LogFile> file = LogFile.open(path);
      if (file.isPresent()) {
        return file.get();
      }
      if (!options.follow()) {
        throw new ForwarderException(path + " does not exist");
      }
      Thread.sleep(POLL.toMillis());
    }
    return null;
  }

  private String waitForFingerprint(LogFile file) throws IOException, InterruptedException {
    while (!stopping) {
      Optional<String> fingerprint = file.fingerprint(format);
      if (fingerprint.isPresent()) {
        return fingerprint.get();
      }
      if (!options.follow()) {
        if (file.size() == 0) {
          System.err.println("forward: " + file.path() + " is empty");
          return null;
        }
        // A one-line file without a newline: its whole content identifies it.
        return "short-" + file.size();
      }
      Thread.sleep(POLL.toMillis());
    }
    return null;
  }
}
