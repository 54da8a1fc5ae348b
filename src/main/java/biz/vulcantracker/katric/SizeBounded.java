package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;

/**
 * A message or event whose serialized size is bounded ({@code vulcan.katric.max-message-bytes}):
 * serialized by {@link SizeBoundedSerializer}, which measures every one and refuses one over the
 * bound rather than let Artery drop it or Cassandra refuse the mutation.
 */
public interface SizeBounded extends CborSerializable {}
