package biz.vulcantracker.scuttlebutt.people;

import java.util.Locale;
import java.util.Optional;

/**
 * What a person may do with a site (docs/api.md, "Roles"), each role all that the one before it may:
 * a viewer reads reports; an admin also changes the site's settings, goals, funnels, segments,
 * alerts, members and share links; the owner also deletes the site.
 */
public enum Role {
  VIEWER, ADMIN, OWNER;

  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The lesser of two roles: what an API key of a user may do is the lesser of its scope and the user's role. */
  public Role capped(Role cap) {
    return atLeast(cap) ? cap : this;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a stored or sent name names, if any. */
  public static Optional<Role> of(String key) {
    for (Role role : values()) {
      if (role.key().equals(key)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
