package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * A snapshot of the earlier model's state, frozen to bytes: read on recovery of a journal written
 * before the counts moved to {@link SiteModel} (its watermarks are kept, every other field of it is
 * ignored). New snapshots are the small immutable {@link SiteState} itself.
 */
public record StateSnapshot(byte[] bytes, int serializerId, String manifest) implements CborSerializable {

  /** The adapter a {@link SiteEntity} snapshots through; reads the earlier model's frozen snapshots too. */
  static SnapshotAdapter<SiteState> adapter(ActorSystem<?> system) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(SiteState state) {
        return state;
      }

      @Override
      public SiteState fromJournal(Object from) {
        if (from instanceof SiteState state) {
          return state;
        }
        StateSnapshot snapshot = (StateSnapshot) from;
        return (SiteState) serialization.deserialize(snapshot.bytes(), snapshot.serializerId(), snapshot.manifest()).get();
      }
    };
  }
}
