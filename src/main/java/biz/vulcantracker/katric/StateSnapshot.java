package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

/**
 * A snapshot of a {@link SiteState} as bytes, taken on the entity's own thread. The state is
 * mutable (copying it per batch would cost more than the counting), and the snapshot store
 * serializes what it is given later, on its own thread, while the entity goes on changing the
 * state: a snapshot could then hold events after its sequence number, and a recovery from it would
 * count them twice. Serializing here, with the system's configured serializer, freezes it.
 */
public record StateSnapshot(byte[] bytes, int serializerId, String manifest) implements CborSerializable {

  /** The adapter a {@link SiteEntity} snapshots through; reads older snapshots of the plain state too. */
  static SnapshotAdapter<SiteState> adapter(ActorSystem<?> system) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(SiteState state) {
        var serializer = serialization.findSerializerFor(state);
        return new StateSnapshot(serialization.serialize(state).get(), serializer.identifier(),
            Serializers.manifestFor(serializer, state));
      }

      @Override
      public SiteState fromJournal(Object from) {
        if (from instanceof SiteState state) {
          return state; // written before snapshots were frozen
        }
        StateSnapshot snapshot = (StateSnapshot) from;
        return (SiteState) serialization.deserialize(snapshot.bytes(), snapshot.serializerId(), snapshot.manifest()).get();
      }
    };
  }
}
