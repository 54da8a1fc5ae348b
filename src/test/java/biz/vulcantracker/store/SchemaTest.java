package biz.vulcantracker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTest {

  @Test
  void appliesDeployCqlToTheConfiguredKeyspace() {
    List<String> statements = Schema.statements("it_x", 3);
    assertThat(statements).hasSize(24);
    assertThat(statements.get(0)).startsWith("CREATE KEYSPACE IF NOT EXISTS it_x\n").contains("'replication_factor': 3");
    assertThat(statements.subList(1, 24)).allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS it_x."));
    assertThat(String.join("\n", statements)).doesNotContain("vulcan.").doesNotContain("--");
  }
}
