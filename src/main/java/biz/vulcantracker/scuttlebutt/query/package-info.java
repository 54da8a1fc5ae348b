/**
 * The report queries, apart from the surfaces that show them: aggregates, series and breakdowns
 * from the rollups or from a scan of the hits table (visits sequenced by the same rule as katric's),
 * and the live model asked of the site entities. The stats API, the export, the realtime endpoint
 * and the live socket all read through here.
 */
package biz.vulcantracker.scuttlebutt.query;
