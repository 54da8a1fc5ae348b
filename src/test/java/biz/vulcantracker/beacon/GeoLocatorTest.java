package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.beacon.GeoLocator.Location;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Against the DB-IP Lite country database bundled by the build (no mock of the reader). */
class GeoLocatorTest {

  private static final GeoLocator BUNDLED = GeoLocator.open("");

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(nullValues = "-", value = {
      "8.8.8.8,                US",   // Google's resolver
      "2a01:4f8::1,            DE",   // Hetzner
      "81.169.145.105,         DE",   // a Strato address in Berlin
      "10.1.2.3,               -",    // private
      "192.168.0.1,            -",
      "127.0.0.1,              -",
      "100.64.0.1,             -",    // carrier-grade NAT
      "fd12:3456::1,           -",    // unique local
      "203.0.113.9,            -",    // documentation
      "::1,                    -"})
  void findsCountriesOfPublicAddressesOnly(String address, String country) throws Exception {
    Location location = BUNDLED.locate(InetAddress.getByName(address));
    assertThat(location.country()).isEqualTo(country);
    assertThat(location.city()).isNull(); // the bundled database has countries only
  }

  @Test
  void aMissingDatabaseMeansNoLocationAndNoFailure() throws Exception {
    GeoLocator missing = GeoLocator.open("/nonexistent/GeoLite2-City.mmdb");
    assertThat(missing.locate(InetAddress.getByName("8.8.8.8"))).isEqualTo(new Location(null, null, null));
  }

  @Test
  void asksEachFileInTurn() throws Exception {
    // The bundled file extracted twice stands for DB-IP city's IPv4 and IPv6 pair.
    java.nio.file.Path copy = java.nio.file.Files.createTempFile("dbip-country", ".mmdb");
    try (var in = GeoLocator.class.getResourceAsStream(GeoLocator.BUNDLED)) {
      java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    GeoLocator pair = GeoLocator.open(copy + "," + copy);
    assertThat(pair.locate(InetAddress.getByName("8.8.8.8")).country()).isEqualTo("US");
    assertThat(pair.locate(InetAddress.getByName("2a01:4f8::1")).country()).isEqualTo("DE");
    java.nio.file.Files.delete(copy);
  }

  @Test
  void readsTheFlatDbIpCityRecord() {
    assertThat(GeoLocator.fromRecord(Map.of("country_code", "DE", "state1", "Berlin", "city", "Berlin", "latitude", 52.5f)))
        .isEqualTo(new Location("DE", "Berlin", "Berlin"));
  }

  @Test
  void readsTheNestedGeoIp2Record() {
    Map<String, Object> record = Map.of(
        "country", Map.of("iso_code", "FR", "names", Map.of("en", "France")),
        "subdivisions", List.of(Map.of("iso_code", "IDF", "names", Map.of("en", "Île-de-France"))),
        "city", Map.of("names", Map.of("en", "Paris", "de", "Paris")));
    assertThat(GeoLocator.fromRecord(record)).isEqualTo(new Location("FR", "Île-de-France", "Paris"));
  }
}
