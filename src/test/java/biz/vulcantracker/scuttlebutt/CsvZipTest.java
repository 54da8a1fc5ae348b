package biz.vulcantracker.scuttlebutt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cells that a spreadsheet would run as formulas are neutralised; plain values and signed numbers are not. */
class CsvZipTest {

  @Test
  void formulasAreNeutralised() {
    Map<String, String> cells = Map.of(
        "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"",
        "+1+cmd", "'+1+cmd",
        "-2+3", "'-2+3",
        "@SUM(A1)", "'@SUM(A1)",
        "\t=1+2", "'\t=1+2",
        "\t5", "'\t5",
        "\r=1", "\"'\r=1\"");
    cells.forEach((value, cell) -> assertThat(CsvZip.cell(value)).as(value).isEqualTo(cell));
  }

  @Test
  void plainValuesAndSignedNumbersStayAsTheyAre() {
    for (String value : new String[] {"/blog", "-12.5", "+7", "Hacker News", ""}) {
      assertThat(CsvZip.cell(value)).isEqualTo(value);
    }
  }
}
