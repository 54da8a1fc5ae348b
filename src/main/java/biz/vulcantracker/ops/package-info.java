/**
 * Operations: the HTTP server binding (with JSON errors for every rejection), pekko-management and
 * the readiness check that Redis and Cassandra answer.
 */
package biz.vulcantracker.ops;
