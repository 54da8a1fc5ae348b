/**
 * Cassandra/ScyllaDB: the schema (deploy/cql/), the site registry and its per-node cache, and the
 * rollup tables and the hits table (hits in chunks per visitor bucket) that the site entities write
 * and the reports read.
 */
package biz.vulcantracker.store;
