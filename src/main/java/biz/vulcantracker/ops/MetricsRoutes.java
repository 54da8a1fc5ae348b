package biz.vulcantracker.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import biz.vulcantracker.telemetry.Telemetry;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port: the node's {@link Telemetry} in Prometheus' text
 * exposition format (0.0.4, which Prometheus assumes for text/plain). Registered with pekko-management in application.conf, which makes it with
 * the actor system, as it makes its own route providers.
 */
public final class MetricsRoutes implements ManagementRouteProvider {

  private final Telemetry telemetry;

  public MetricsRoutes(ExtendedActorSystem system) {
    this.telemetry = Telemetry.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() ->
        complete(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, telemetry.registry().scrape()))));
  }
}
