/**
 * The ingest edge: the beacon routes, the request parser, the site and origin check, and the
 * privacy step that turns the client address into a daily-salted visitor hash and then forgets it.
 * The edge never asks an entity: it validates, appends to the queue and answers.
 */
package biz.vulcantracker.beacon;
