/**
 * Redis Streams between the edge and the processors: the hit's wire format in the stream, the
 * producer that appends hits, the per-partition reader (own pending entries first, then entries
 * claimed from other consumer names, then new ones) and the acknowledgement after persist.
 */
package biz.vulcantracker.queue;
