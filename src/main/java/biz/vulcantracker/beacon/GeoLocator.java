package biz.vulcantracker.beacon;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country, region and city of a client address, looked up in a MaxMind-format database with
 * MaxMind's reader. Reads both record shapes in use: the flat one of the DB-IP Lite files from
 * ip-location-db ({@code country_code}, {@code state1}, {@code city}) and GeoIP2/GeoLite2's nested
 * one ({@code country.iso_code}, {@code subdivisions[0].names.en}, {@code city.names.en}).
 * Private, reserved and unknown addresses have no location.
 */
public final class GeoLocator {

  private static final Logger log = LoggerFactory.getLogger(GeoLocator.class);
  static final String BUNDLED = "/geoip/dbip-country.mmdb";

  /** A location; any field may be null. */
  public record Location(String country, String region, String city) {
    static final Location NONE = new Location(null, null, null);
  }

  private final List<Reader> readers;

  private GeoLocator(List<Reader> readers) {
    this.readers = readers;
  }

  /**
   * The databases at {@code paths} (comma-separated; DB-IP's city database comes as one IPv4 and one
   * IPv6 file), or the bundled country database when none is given.
   */
  public static GeoLocator open(String paths) {
    List<String> files = biz.vulcantracker.common.VulcanConfig.commaSeparated(paths == null ? "" : paths);
    try {
      if (files.isEmpty()) {
        try (InputStream bundled = GeoLocator.class.getResourceAsStream(BUNDLED)) {
          if (bundled == null) {
            log.warn("No GeoIP database configured and none bundled: hits get no country, region or city");
            return new GeoLocator(List.of());
          }
          return new GeoLocator(List.of(new Reader(bundled, new CHMCache())));
        }
      }
      List<Reader> readers = new java.util.ArrayList<>();
      for (String path : files) {
        Reader file = new Reader(new File(path), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
        log.info("GeoIP database {} ({})", path, file.getMetadata().getDatabaseType());
        readers.add(file);
      }
      return new GeoLocator(List.copyOf(readers));
    } catch (IOException | RuntimeException e) {
      log.warn("GeoIP database {} cannot be read ({}): hits get no country, region or city", paths, e.toString());
      return new GeoLocator(List.of());
    }
  }

  /**
   * The address's location. The readers keep the records they decoded (MaxMind's {@link CHMCache},
   * keyed by the record's place in the database, never by an address): without it every hit decoded
   * its country's record again, names in every language included, a twentieth of an edge's work in a
   * log import (JFR).
   */
  public Location locate(InetAddress address) {
    if (!isPublic(address)) {
      return Location.NONE;
    }
    for (Reader reader : readers) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> record = reader.get(address, Map.class);
        if (record != null) {
          return fromRecord(record);
        }
      } catch (IOException | RuntimeException e) {
        // An IPv4-only file asked for an IPv6 address, say: try the next file.
      }
    }
    return Location.NONE;
  }

  static Location fromRecord(Map<String, Object> record) {
    if (record.containsKey("country_code")) {
      return new Location(text(record.get("country_code")), text(record.get("state1")), text(record.get("city")));
    }
    String country = text(path(record, "country", "iso_code"));
    String city = text(path(record, "city", "names", "en"));
    String region = null;
    if (record.get("subdivisions") instanceof List<?> subdivisions && !subdivisions.isEmpty()
        && subdivisions.get(0) instanceof Map<?, ?> first) {
      region = text(path(first, "names", "en"));
    }
    return new Location(country, region, city);
  }

  private static Object path(Map<?, ?> map, String... keys) {
    Object current = map;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isBlank() ? s : null;
  }

  /** False for loopback, private, link-local, carrier-grade NAT, unique-local and documentation ranges. */
  static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      boolean uniqueLocal = (b[0] & 0xFE) == 0xFC;
      boolean documentation = (b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8;
      return !uniqueLocal && !documentation;
    }
    int first = b[0] & 0xFF;
    int second = b[1] & 0xFF;
    boolean carrierNat = first == 100 && second >= 64 && second < 128;
    boolean documentation = (first == 192 && second == 0 && (b[2] & 0xFF) == 2)
        || (first == 198 && second == 51 && (b[2] & 0xFF) == 100)
        || (first == 203 && second == 0 && (b[2] & 0xFF) == 113);
    return !carrierNat && !documentation && first != 0 && first < 224;
  }
}
