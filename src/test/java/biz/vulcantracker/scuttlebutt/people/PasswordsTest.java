package biz.vulcantracker.scuttlebutt.people;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordsTest {

  /** RFC 9106, section 5.3: Argon2id, version 0x13, 32 KiB, 3 passes, 4 lanes, with a secret and associated data. */
  @Test
  void argon2idGivesTheRfcTestVector() {
    byte[] password = filled(32, 0x01);
    byte[] salt = filled(16, 0x02);
    byte[] secret = filled(8, 0x03);
    byte[] associated = filled(12, 0x04);
    byte[] tag = Passwords.argon2id(password, salt, secret, associated, 32, 3, 4, 32);
    assertThat(HexFormat.of().formatHex(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void aHashVerifiesItsPasswordOnly() {
    String stored = Passwords.hash("correct horse battery");
    assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(Passwords.verify("correct horse battery", stored)).isTrue();
    assertThat(Passwords.verify("correct horse batterz", stored)).isFalse();
    assertThat(Passwords.hash("correct horse battery")).as("a fresh salt each time").isNotEqualTo(stored);
    assertThat(Passwords.needsRehash(stored)).isFalse();
  }

  @Test
  void aHashOfOtherCostStillVerifiesAndAsksForANewOne() {
    byte[] salt = filled(16, 0x07);
    byte[] hash = Passwords.argon2id("an older password".getBytes(java.nio.charset.StandardCharsets.UTF_8), salt, 4096, 3, 1, 32);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
    String stored = "$argon2id$v=19$m=4096,t=3,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    assertThat(Passwords.verify("an older password", stored)).isTrue();
    assertThat(Passwords.needsRehash(stored)).isTrue();
  }

  @Test
  void storedHashesThatAreNotOursOrTooCostlyNeverVerify() {
    String stored = Passwords.hash("correct horse battery");
    assertThat(Passwords.verify("correct horse battery", stored.replace("m=19456", "m=99999999"))).isFalse();
    assertThat(Passwords.verify("correct horse battery", stored.replace("t=2", "t=99"))).isFalse();
    assertThat(Passwords.verify("correct horse battery", stored.replace("argon2id", "argon2i"))).isFalse();
    assertThat(Passwords.verify("correct horse battery", "")).isFalse();
    assertThat(Passwords.verify("correct horse battery", null)).isFalse();
    assertThat(Passwords.verify("x".repeat(Passwords.MAX_PASSWORD_CHARS + 1), stored)).isFalse();
  }

  @Test
  void newPasswordsAreJudgedByLengthOnly() {
    assertThat(Passwords.weakness("short")).isPresent();
    assertThat(Passwords.weakness("ten chars!")).isEmpty();
    assertThat(Passwords.weakness("x".repeat(Passwords.MAX_PASSWORD_CHARS + 1))).isPresent();
    assertThat(Passwords.weakness(null)).isPresent();
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
