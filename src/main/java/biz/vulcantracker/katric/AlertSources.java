package biz.vulcantracker.katric;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a site entity's alerts read and where they send: the site's rules, hours' pageviews, webhooks. */
public interface AlertSources {

  /** The site's alert rules as stored now. */
  CompletionStage<List<AlertRule>> rules(String siteId);

  /** The pageviews of each of these hours (hour start → pageviews) that has a row. */
  CompletionStage<Map<Instant, Long>> pageviews(String siteId, List<Instant> hours);

  /** POSTs a firing to a webhook, answering with the receiver's status ({@link WebhookSender}). */
  CompletionStage<Integer> post(String url, String secret, String deliveryId, String body);

  /** No rules: a site entity that never alerts. */
  AlertSources NONE = new AlertSources() {
    @Override
    public CompletionStage<List<AlertRule>> rules(String siteId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Map<Instant, Long>> pageviews(String siteId, List<Instant> hours) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletionStage<Integer> post(String url, String secret, String deliveryId, String body) {
      return CompletableFuture.failedFuture(new IllegalStateException("no webhooks here"));
    }
  };
}
