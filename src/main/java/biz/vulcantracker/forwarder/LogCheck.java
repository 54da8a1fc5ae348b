package biz.vulcantracker.forwarder;

import biz.vulcantracker.logformat.LogFormat;
import biz.vulcantracker.logformat.LogLine;
import biz.vulcantracker.logformat.LogLineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar vulcan-tracker.jar check-log --file <log> [--format combined] [--passes 3]}: parses
 * a log with a format, on one thread, before anything is sent: how many lines parse, the first
 * reasons for those that do not, and the parser's speed in lines per second (the file is read into
 * memory first, so the figure is the parser's alone; the best of the passes, after the JIT warmed up).
 */
public final class LogCheck {

  private static final int REASONS_SHOWN = 10;

  private LogCheck() {}

  public static void main(List<String> args) throws IOException {
    String file = null;
    String format = "combined";
    int passes = 3;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--file" -> file = args.get(i + 1);
        case "--format" -> format = args.get(i + 1);
        case "--passes" -> passes = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    if (file == null) {
      System.err.println("usage: java -jar vulcan-tracker.jar check-log --file <access log> [--format combined] [--passes 3]");
      System.exit(2);
    }
    LogFormat parser = LogFormat.of(format);
    byte[] bytes = Files.readAllBytes(Path.of(file));
    double best = 0;
    for (int pass = 1; pass <= passes; pass++) {
      List<String> reasons = new ArrayList<>();
      long lines = 0;
      long rejected = 0;
      long checksum = 0;
      long started = System.nanoTime();
      int start = 0;
      while (start < bytes.length) {
        int end = start;
        while (end < bytes.length && bytes[end] != '\n') {
          end++;
        }
        if (end > start) {
          lines++;
          try {
            LogLine line = parser.parse(bytes, start, end);
            checksum += line.timestamp() + line.status(); // keeps the JIT from skipping the work
          } catch (LogLineException e) {
            rejected++;
            if (reasons.size() < REASONS_SHOWN) {
              reasons.add("line " + lines + ": " + e.getMessage());
            }
          }
        }
        start = end + 1;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double rate = lines / seconds;
      best = Math.max(best, rate);
      if (pass == 1) {
        reasons.forEach(reason -> System.out.println("rejected " + reason));
      }
      System.out.printf("pass %d: %d lines, %d parsed, %d rejected, %.2f s, %.0f lines/s (checksum %d)%n",
          pass, lines, lines - rejected, rejected, seconds, rate, checksum);
    }
    System.out.printf("parser: %.0f lines/s on one thread (best pass)%n", best);
  }
}
