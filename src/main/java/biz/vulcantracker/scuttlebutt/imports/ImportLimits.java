package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * How much one import may be ({@code vulcan.imports}): an export is attacker-chosen input, read
 * whole into memory before anything is written.
 *
 * @param maxBytes the upload, as sent (a zip, a gzip or a CSV)
 * @param maxUncompressedBytes the export's files unpacked, together
 * @param maxRows distinct (property, day, value) rows and days
 * @param maxAge the oldest day an import may give ({@code vulcan.katric.max-age}, as for hits)
 */
public record ImportLimits(long maxBytes, long maxUncompressedBytes, int maxRows, Duration maxAge) {

  public static ImportLimits fromConfig(Config config) {
    Config imports = config.getConfig("vulcan.imports");
    return new ImportLimits(imports.getBytes("max-bytes"), imports.getBytes("max-uncompressed-bytes"), imports.getInt("max-rows"),
        config.getDuration("vulcan.katric.max-age"));
  }

  /**
   * Unpacks the rest of {@code in}, of which {@code unpacked} bytes were read before (other files of
   * the same zip): refused once the export passes {@link #maxUncompressedBytes} (a zip or gzip bomb),
   * without reading further.
   */
  byte[] unpack(InputStream in, long unpacked) throws IOException {
    long room = Math.max(0, maxUncompressedBytes - unpacked);
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, room + 1));
    if (bytes.length > room) {
      throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "import_too_large", "the export is larger than "
          + maxUncompressedBytes + " bytes uncompressed (vulcan.imports.max-uncompressed-bytes)");
    }
    return bytes;
  }

  /** The days an import for a site of {@code zone} may give: from {@link #maxAge} ago to today. */
  Days days(ZoneId zone) {
    LocalDate today = LocalDate.now(zone);
    return new Days(today.minusDays(maxAge.toDays()), today);
  }

  /** The first and last day an import may give. */
  record Days(LocalDate oldest, LocalDate newest) {

    /** The line's date in {@code column}, refused outside the days. */
    LocalDate of(CsvFile.Line line, String column) {
      return of(line, column, line.date(column));
    }

    /** {@code day}, read from the line's {@code column}, refused outside the days. */
    LocalDate of(CsvFile.Line line, String column, LocalDate day) {
      if (day.isBefore(oldest) || day.isAfter(newest)) {
        throw line.at(column, day + " is not between " + oldest + " and today (" + newest + ")");
      }
      return day;
    }
  }
}
