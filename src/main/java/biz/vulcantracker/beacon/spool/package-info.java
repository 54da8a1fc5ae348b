/**
 * The edge's spool: hits taken while Redis is away are forced to a local, bounded file before they
 * are answered 204, and replayed to Redis, each record at most once, when it is back.
 */
package biz.vulcantracker.beacon.spool;
