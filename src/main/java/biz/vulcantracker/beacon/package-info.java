/**
 * The ingest edge: one intake per channel ({@link biz.vulcantracker.beacon.BeaconIntake} for the
 * tracking script, {@link biz.vulcantracker.beacon.LogIntake} for access logs) with its routes, the
 * request parsers, the site and origin checks, and the one privacy step both share
 * ({@link biz.vulcantracker.beacon.Anonymizer}), which turns the client address into daily-salted
 * visitor ids and geo fields and then forgets it. The edge never asks an entity: it validates,
 * appends to the queue and answers.
 */
package biz.vulcantracker.beacon;
