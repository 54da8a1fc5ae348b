package biz.vulcantracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.session.Session;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The libraries pinned in pom.xml for fixes the versions that other dependencies bring lack, read
 * from the classes that run (not from the pom): a dependency change that brings an older one back
 * fails here.
 */
class DependencyFloorsTest {

  @Test
  void jacksonIsOfThe221LineOrNewer() {
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.compareTo(
        new com.fasterxml.jackson.core.Version(2, 21, 0, null, null, null))).isGreaterThanOrEqualTo(0);
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.getMinorVersion())
        .isEqualTo(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion());
  }

  @Test
  void reactorCoreIsAtLeast387() throws IOException, URISyntaxException {
    Path jar = Path.of(Flux.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (JarFile file = new JarFile(jar.toFile())) {
      String version = file.getManifest().getMainAttributes().getValue("Bundle-Version");
      assertThat(compare(version, "3.8.7")).as(version).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void theCassandraDriverIsOfThe419Line() {
    String version = Session.OSS_DRIVER_COORDINATES.getVersion().toString();
    assertThat(version).startsWith("4.19.");
  }

  /** Compares dotted numeric versions ("3.8.8.RELEASE" with "3.8.7"), by their numbers only. */
  private static int compare(String version, String floor) {
    String[] a = version.split("\\.");
    String[] b = floor.split("\\.");
    for (int i = 0; i < b.length; i++) {
      int x = i < a.length && a[i].matches("\\d+") ? Integer.parseInt(a[i]) : 0;
      int diff = Integer.compare(x, Integer.parseInt(b[i]));
      if (diff != 0) {
        return diff;
      }
    }
    return 0;
  }
}
