/**
 * The processors: one stream consumer per partition (a ShardedDaemonProcess) feeding batches of
 * hits to the per-site, event-sourced {@link biz.vulcantracker.katric.SiteEntity}, which counts
 * them exactly once, persists them, writes the rollups and only then lets the consumer acknowledge.
 */
package biz.vulcantracker.katric;
