package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedValuesTest {

  /** A new String each call: equal content, never the same instance. */
  private static String copyOf(String text) {
    return new String(text.toCharArray());
  }

  @Test
  void equalValuesAreOneInstanceWhateverSlotOrOrderTheyComeIn() {
    SharedValues shared = new SharedValues();
    String first = shared.shared(3, copyOf("DE"));
    assertThat(shared.shared(3, copyOf("DE"))).isSameAs(first); // the slot's last value
    assertThat(shared.shared(3, copyOf("FR"))).isEqualTo("FR");
    assertThat(shared.shared(3, copyOf("DE"))).isSameAs(first); // no longer the slot's last: from the map
    assertThat(shared.shared(7, copyOf("DE"))).isSameAs(first); // another slot, the same instance
    assertThat(shared.shared(copyOf("DE"))).isSameAs(first);
    assertThat(shared.shared(3, (String) null)).isNull();
    assertThat(shared.shared(3, copyOf("DE"))).isSameAs(first);
  }

  @Test
  void aSlotNeverAnswersAValueThatDiffersFromTheOneAskedFor() {
    SharedValues shared = new SharedValues();
    for (int i = 0; i < 1_000; i++) {
      String value = "v" + (i % 7);
      assertThat(shared.shared(i % 3, copyOf(value))).isEqualTo(value);
    }
    assertThat(shared.size()).isEqualTo(7);
  }

  @Test
  void pastItsBoundItStartsAfreshAndStaysCorrect() {
    SharedValues shared = new SharedValues();
    String kept = shared.shared(0, copyOf("kept"));
    for (int i = 0; i <= SharedValues.MAX_VALUES; i++) {
      shared.shared(1, "value " + i);
    }
    assertThat(shared.size()).isLessThanOrEqualTo(SharedValues.MAX_VALUES);
    assertThat(shared.shared(0, copyOf("kept"))).isSameAs(kept); // the slot still holds it
    assertThat(shared.shared(2, copyOf("kept"))).isEqualTo("kept");
  }
}
