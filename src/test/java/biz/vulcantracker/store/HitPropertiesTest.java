package biz.vulcantracker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HitPropertiesTest {

  /** Whatever columns a hit has, it is the same map as a HashMap of them: equal both ways, same hash, same answers. */
  @Test
  void isTheMapOfItsColumnsWhateverColumnsAHitHas() {
    Random random = new Random(7);
    List<String> columns = HitProperties.COLUMNS;
    for (int round = 0; round < 2_000; round++) {
      String[] values = new String[columns.size()];
      Map<String, String> expected = new HashMap<>();
      for (int place = 0; place < values.length; place++) {
        if (random.nextInt(3) > 0) {
          values[place] = "v" + random.nextInt(5);
          expected.put(columns.get(place), values[place]);
        }
      }
      HitProperties properties = HitProperties.of(values);
      assertThat(properties).isEqualTo(expected);
      assertThat(expected).isEqualTo(properties);
      assertThat(properties.hashCode()).isEqualTo(expected.hashCode());
      assertThat(properties.size()).isEqualTo(expected.size());
      assertThat(properties.isEmpty()).isEqualTo(expected.isEmpty());
      for (String column : columns) {
        assertThat(properties.get(column)).isEqualTo(expected.get(column));
        assertThat(properties.containsKey(column)).isEqualTo(expected.containsKey(column));
      }
      assertThat(properties.get("no such column")).isNull();
      assertThat(properties.get(null)).isNull();
      assertThat(properties.keySet()).containsExactlyElementsOf(
          columns.stream().filter(expected::containsKey).toList()); // in the columns' order
    }
  }

  @Test
  void placesAreTheColumnsOrderAndAnOtherNameHasNone() {
    for (int place = 0; place < HitProperties.COLUMNS.size(); place++) {
      assertThat(HitProperties.placeOf(HitProperties.COLUMNS.get(place))).isEqualTo(place);
    }
    assertThat(HitProperties.placeOf("event:props:plan")).isEqualTo(-1);
  }

  @Test
  void isUnmodifiableAndTakesOneValuePerColumn() {
    String[] values = new String[HitProperties.COLUMNS.size()];
    values[0] = "x";
    HitProperties properties = HitProperties.of(values);
    assertThatThrownBy(() -> properties.put("page", "/")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> properties.entrySet().iterator().next().setValue("y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> HitProperties.of(new String[3])).isInstanceOf(IllegalArgumentException.class);
  }
}
