/**
 * System tests: whole nodes (several, as separate processes where a kill must be real) against the
 * real Redis and Cassandra, under faults — a node killed mid-stream, Redis or Cassandra gone, a
 * backlog larger than any message, hostile input at volume — checking that every hit answered 204
 * is counted once, pageviews and visitors alike.
 */
package biz.vulcantracker.system;
