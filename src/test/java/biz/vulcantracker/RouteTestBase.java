package biz.vulcantracker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Objects;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;

/**
 * Pekko HTTP's route testkit for JUnit 5 (the testkit ships a JUnit 4 base only): a route is run
 * against a request in memory, no port bound and no node started. One actor system per test class,
 * with the production configuration (reference.conf) under {@link #overrides()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RouteTestBase extends RouteTest {

  private ActorSystem system;

  /** Settings this test class changes from reference.conf; none unless overridden. */
  protected Config overrides() {
    return ConfigFactory.empty();
  }

  @Override
  public ActorSystem system() {
    if (system == null) {
      system = ActorSystem.create(getClass().getSimpleName(), overrides().withFallback(ConfigFactory.load()));
    }
    return system;
  }

  @Override
  public Materializer materializer() {
    return SystemMaterializer.get(system()).materializer();
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertTrue(Objects.equals(expected, actual), message + ": expected " + expected + ", was " + actual);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }

  @AfterAll
  void stopSystem() {
    if (system != null) {
      system.terminate();
    }
  }
}
