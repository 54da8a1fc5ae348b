package biz.vulcantracker.logformat;

/**
 * Checks that a field is an IPv4 or IPv6 address literal, by hand: {@code InetAddress.getByName}
 * would resolve anything else through DNS, which a parser must never do.
 */
final class AddressLiterals {

  private AddressLiterals() {}

  static boolean isAddress(byte[] b, int from, int to) {
    return isIpv4(b, from, to) || isIpv6(b, from, to);
  }

  static boolean isIpv4(byte[] b, int from, int to) {
    int parts = 0;
    int i = from;
    while (parts < 4) {
      int start = i;
      int value = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9' && i - start < 3) {
        value = value * 10 + (b[i] - '0');
        i++;
      }
      if (i == start || value > 255) {
        return false;
      }
      parts++;
      if (parts < 4) {
        if (i >= to || b[i] != '.') {
          return false;
        }
        i++;
      }
    }
    return i == to;
  }

  /** Up to eight groups of 1–4 hex digits, one {@code ::} at most, an IPv4 tail and a {@code %zone} allowed. */
  static boolean isIpv6(byte[] b, int from, int to) {
    int zone = from;
    while (zone < to && b[zone] != '%') {
      zone++;
    }
    to = zone;
    if (to - from < 2) {
      return false;
    }
    int groups = 0;
    boolean compressed = false;
    int i = from;
    if (b[i] == ':') {
      if (b[i + 1] != ':') {
        return false;
      }
      compressed = true;
      i += 2;
      if (i == to) {
        return true; // "::"
      }
    }
    while (i < to) {
      int start = i;
      while (i < to && Character.digit(b[i], 16) >= 0 && i - start < 4) {
        i++;
      }
      if (i < to && b[i] == '.') {
        // An IPv4 tail counts as two groups.
        return isIpv4(b, start, to) && (compressed ? groups + 2 <= 7 : groups + 2 == 8);
      }
      if (i == start) {
        return false;
      }
      groups++;
      if (i == to) {
        break;
      }
      if (b[i] != ':') {
        return false;
      }
      i++;
      if (i < to && b[i] == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return false; // a trailing single colon
      }
    }
    return compressed ? groups <= 7 : groups == 8;
  }
}
