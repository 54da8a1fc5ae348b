package biz.vulcantracker.common;

/**
 * Marker for every message and persisted type that crosses the cluster or goes to the journal;
 * bound once to Jackson CBOR in application.conf's {@code serialization-bindings}.
 */
public interface CborSerializable {}
