package biz.vulcantracker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** project-config/logback.xml: plain text by default, one JSON object per line with VULCAN_LOG_FORMAT=json. */
class LogFormatOptionTest {

  @ParameterizedTest
  @ValueSource(strings = {"text", "json"})
  void theFormatOptionChoosesTheEncoder(String format) throws Exception {
    String output = logOnce(format, "Consuming partition 7");
    if (format.equals("json")) {
      JsonNode line = new ObjectMapper().readTree(output.strip());
      assertThat(line.path("level").asText()).isEqualTo("INFO");
      assertThat(line.path("loggerName").asText()).isEqualTo("biz.vulcantracker.katric.HitConsumer");
      assertThat(line.path("message").asText()).isEqualTo("Consuming partition 7");
      assertThat(line.path("timestamp").asLong()).isPositive();
    } else {
      assertThat(output).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  b\\.vulcantracker\\.katric\\.HitConsumer - Consuming partition 7\\R");
    }
  }

  /**
   * Configures a fresh logging context from the project's file and encodes one event with the
   * console appender that the async appender was given.
   */
  private static String logOnce(String format, String message) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.putProperty("VULCAN_LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of("project-config/logback.xml").toFile());
    // No warning or error while configuring: logback would print its status to the console.
    assertThat(context.getStatusManager().getCopyOfStatusList()).allSatisfy(status -> assertThat(status.getLevel()).isZero());
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
    assertThat(async.iteratorForAppenders()).toIterable().hasSize(1);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) async.getAppender("CONSOLE");
    Logger logger = context.getLogger("biz.vulcantracker.katric.HitConsumer");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, null, null);
    byte[] encoded = console.getEncoder().encode(event);
    context.stop();
    return new String(encoded, StandardCharsets.UTF_8);
  }
}
