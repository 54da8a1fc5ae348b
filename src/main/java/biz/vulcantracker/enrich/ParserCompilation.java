package biz.vulcantracker.enrich;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JVM's optimizing compiler (C2) off Yauaa's bundled ANTLR runtime; the quick compiler
 * (C1) still compiles it. ANTLR's parser simulator runs hard while Yauaa builds its matchers at
 * startup and when it parses a User-Agent it has not seen, and each parse's result is cached
 * ({@link UserAgentClassifier}), so its loops are hot for a few seconds only: C2 then spent 2.7 s
 * of CPU compiling them during a fresh node's first import of a million log lines, on cores the
 * import needed. With this the import took 12.7 and 12.5 s instead of 14.3 and 14.1 s (a fresh
 * node on running services, {@code deploy/bench/logs.sh}'s cold case).
 *
 * <p>Applied from inside the process (the {@code Compiler.directives_add} diagnostic command, as
 * {@code jcmd} would) rather than by a JVM option, so that every way of starting the node has it;
 * a JVM without the command runs as before.
 */
final class ParserCompilation {

  private static final Logger log = LoggerFactory.getLogger(ParserCompilation.class);

  /** The JVM's compiler directives format (JSON with unquoted keys): no C2 for the shaded ANTLR. */
  private static final String DIRECTIVES = """
      [{ match: ["nl/basjes/parse/useragent/yauaa/shaded/org/antlr/*.*"], c2: { Exclude: true } }]
      """;

  private ParserCompilation() {}

  /** Adds the directive to this JVM's compilers; logs and carries on if it cannot. */
  static void quickCompilerOnlyForAntlr() {
    Path file = null;
    try {
      file = Files.createTempFile("vulcan-compiler-directives", ".json");
      Files.writeString(file, DIRECTIVES);
      Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
          new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
      log.info("Compiler directive for Yauaa's ANTLR: {}", String.valueOf(answer).strip());
    } catch (IOException | JMException | RuntimeException e) {
      log.info("Compiler directive for Yauaa's ANTLR not applied ({}); parsing is unchanged", e.toString());
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file of 100 bytes left behind
        }
      }
    }
  }
}
