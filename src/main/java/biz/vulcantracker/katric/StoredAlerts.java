package biz.vulcantracker.katric;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.HourlyTotals;
import biz.vulcantracker.store.HourlyTotalsTable;
import biz.vulcantracker.store.SiteDefinitions;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The alert sources of a node: rules from {@code site_definitions}, pageviews from {@code hourly_totals}, a {@link WebhookSender}. */
public final class StoredAlerts implements AlertSources {

  private static final Logger log = LoggerFactory.getLogger(StoredAlerts.class);

  private final SiteDefinitions definitions;
  private final HourlyTotalsTable hours;
  private final WebhookSender webhooks;

  public StoredAlerts(SiteDefinitions definitions, HourlyTotalsTable hours, WebhookSender webhooks) {
    this.definitions = definitions;
    this.hours = hours;
    this.webhooks = webhooks;
  }

  @Override
  public CompletionStage<List<AlertRule>> rules(String siteId) {
    return definitions.list(siteId, AlertRule.DEFINITION_KIND).thenApply(rows -> {
      List<AlertRule> rules = new ArrayList<>();
      for (SiteDefinitions.Stored row : rows) {
        try {
          rules.add(AlertRule.fromStored(row.id(), Json.MAPPER.readTree(row.json())));
        } catch (JsonProcessingException | RuntimeException e) {
          log.warn("Site {}: alert rule {} is not readable, skipped: {}", siteId, row.id(), e.getMessage());
        }
      }
      return rules;
    });
  }

  @Override
  public CompletionStage<Map<Instant, Long>> pageviews(String siteId, List<Instant> hourStarts) {
    List<CompletableFuture<List<HourlyTotals>>> reads = hourStarts.stream()
        .map(hour -> hours.read(siteId, hour, hour.plus(Duration.ofHours(1))).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> {
      Map<Instant, Long> pageviews = new HashMap<>();
      reads.forEach(read -> read.join().forEach(row -> pageviews.merge(row.hour(), row.pageviews(), Long::sum)));
      return pageviews;
    });
  }

  @Override
  public CompletionStage<Integer> post(String url, String secret, String deliveryId, String body) {
    return webhooks.post(url, secret, deliveryId, body);
  }
}
