package biz.vulcantracker.scuttlebutt.people;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.store.MemberTables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * People's roles on sites (docs/api.md, "Roles"): who is a member of which site as what, and
 * invitations by link. The installation's owner is the owner of every site. A site has one owner
 * (who made it); admins invite viewers and admins, change their roles and remove them, but never
 * the owner.
 *
 * <p>An invitation's link carries {@code vi_<site>.<email>.<secret>} (site and email in base64url,
 * so the row is found without an index); the store keeps the secret's SHA-256 only, for
 * {@link #INVITATION_LIFETIME}.
 */
public final class Members {

  public static final Duration INVITATION_LIFETIME = Duration.ofDays(7);
  /** Members of one site at most, and pending invitations: both are made by people, but one of them could script it. */
  static final int MAX_MEMBERS = 500;
  static final int MAX_INVITATIONS = 200;
  static final String INVITATION_PREFIX = "vi_";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A pending invitation as its link's holder sees it before accepting. */
  public record Invitation(String siteId, String email, Role role, boolean hasAccount) {}

  /** A made invitation and its link's token (shown once). */
  public record Invited(String token, MemberTables.Invitation invitation) {}

  private final MemberTables tables;
  private final Accounts accounts;

  public Members(MemberTables tables, Accounts accounts) {
    this.tables = tables;
    this.accounts = accounts;
  }

  /** The person's role on the site, if any. */
  public CompletionStage<Optional<Role>> roleOf(Accounts.User user, String siteId) {
    if (user.owner()) {
      return CompletableFuture.completedFuture(Optional.of(Role.OWNER));
    }
    return tables.member(siteId, user.email()).thenApply(member -> member.flatMap(m -> Role.of(m.role())));
  }

  /** The sites a person belongs to, with the role on each (the installation's owner: see {@link Accounts.User#owner()}). */
  public CompletionStage<List<MemberTables.Member>> sitesOf(Accounts.User user) {
    return tables.sitesOf(user.email());
  }

  /** Makes the person who created a site its owner. */
  public CompletionStage<Void> addOwner(String siteId, String email) {
    return tables.put(new MemberTables.Member(siteId, email, Role.OWNER.key(), Instant.now())).thenApply(done -> null);
  }

  public CompletionStage<List<MemberTables.Member>> members(String siteId) {
    return tables.members(siteId);
  }

  public CompletionStage<List<MemberTables.Invitation>> invitations(String siteId) {
    return tables.invitations(siteId);
  }

  /** Invites {@code email} to the site as a viewer or an admin; 409 when they are a member already. */
  public CompletionStage<Invited> invite(String siteId, String invitedBy, String email, String roleName) {
    String address = Accounts.normalized(email);
    Role role = invitable(roleName);
    return tables.member(siteId, address).thenCompose(member -> {
      if (member.isPresent()) {
        throw new ApiError(StatusCodes.CONFLICT, "already_member", address + " is a member of '" + siteId + "' already; change their role instead");
      }
      return tables.invitations(siteId);
    }).thenCompose(pending -> {
      if (pending.size() >= MAX_INVITATIONS && pending.stream().noneMatch(i -> i.email().equals(address))) {
        throw new ApiError(StatusCodes.CONFLICT, "too_many_invitations", "a site has at most " + MAX_INVITATIONS + " pending invitations");
      }
      return tables.members(siteId);
    }).thenCompose(members -> {
      if (members.size() >= MAX_MEMBERS) {
        throw new ApiError(StatusCodes.CONFLICT, "too_many_members", "a site has at most " + MAX_MEMBERS + " members");
      }
      String secret = RandomSecret.urlSafe(24);
      String token = INVITATION_PREFIX + B64.encodeToString(siteId.getBytes(StandardCharsets.UTF_8)) + "."
          + B64.encodeToString(address.getBytes(StandardCharsets.UTF_8)) + "." + secret;
      MemberTables.Invitation invitation = new MemberTables.Invitation(siteId, address, role.key(), BearerToken.hashOf(secret),
          invitedBy, Instant.now());
      return tables.putInvitation(invitation, INVITATION_LIFETIME).thenApply(done -> new Invited(token, invitation));
    });
  }

  /** What an invitation link invites to; 404 {@code unknown_invitation} for a wrong, used, withdrawn or expired one. */
  public CompletionStage<Invitation> invitation(String token) {
    return pending(token).thenCompose(invitation -> accounts.hasAccount(invitation.email())
        .thenApply(has -> new Invitation(invitation.siteId(), invitation.email(), Role.of(invitation.role()).orElseThrow(), has)));
  }

  /**
   * Accepts an invitation: signs the invited email in (with a new account and this password when it
   * has none, else with its password, as a sign-in by {@code client}), makes it a member and uses the
   * invitation up.
   */
  public CompletionStage<Accounts.NewSession> accept(String token, String password, long client) {
    return pending(token).thenCompose(invitation -> accounts.join(invitation.email(), password, client).thenCompose(session ->
        tables.put(new MemberTables.Member(invitation.siteId(), invitation.email(), invitation.role(), Instant.now()))
            .thenCompose(done -> tables.deleteInvitation(invitation.siteId(), invitation.email()))
            .thenApply(done -> session)));
  }

  public CompletionStage<Boolean> withdraw(String siteId, String email) {
    String address = Accounts.normalized(email);
    return tables.invitation(siteId, address).thenCompose(found -> found.isEmpty()
        ? CompletableFuture.completedFuture(false)
        : tables.deleteInvitation(siteId, address).thenApply(done -> true));
  }

  /** Changes a member's role to viewer or admin; the owner's role is not changed this way (409). */
  public CompletionStage<Boolean> changeRole(String siteId, String email, String roleName) {
    String address = Accounts.normalized(email);
    Role role = invitable(roleName);
    return tables.member(siteId, address).thenCompose(member -> {
      if (member.isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      refuseOwner(member.get());
      return tables.put(new MemberTables.Member(siteId, address, role.key(), member.get().addedAt())).thenApply(done -> true);
    });
  }

  /** Removes a member; not the owner (409). */
  public CompletionStage<Boolean> remove(String siteId, String email) {
    String address = Accounts.normalized(email);
    return tables.member(siteId, address).thenCompose(member -> {
      if (member.isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      refuseOwner(member.get());
      return tables.remove(siteId, address).thenApply(done -> true);
    });
  }

  public CompletionStage<Void> forgetSite(String siteId) {
    return tables.forgetSite(siteId).thenApply(done -> null);
  }

  private static void refuseOwner(MemberTables.Member member) {
    if (Role.of(member.role()).orElse(Role.VIEWER) == Role.OWNER) {
      throw new ApiError(StatusCodes.CONFLICT, "owner_stays", "the site's owner keeps their role; only a viewer's or an admin's changes");
    }
  }

  private static Role invitable(String roleName) {
    Role role = Role.of(roleName).orElse(Role.OWNER);
    if (role == Role.OWNER) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_role", "role is viewer or admin");
    }
    return role;
  }

  /** The pending invitation a token is the link of, or 404. */
  private CompletionStage<MemberTables.Invitation> pending(String token) {
    ApiError unknown = new ApiError(StatusCodes.NOT_FOUND, "unknown_invitation",
        "this invitation link is wrong, used, withdrawn or older than " + INVITATION_LIFETIME.toDays() + " days");
    String[] parts = token == null || !token.startsWith(INVITATION_PREFIX) || token.length() > 1_000
        ? new String[0] : token.substring(INVITATION_PREFIX.length()).split("\\.", -1);
    if (parts.length != 3) {
      return CompletableFuture.failedFuture(unknown);
    }
    String siteId;
    String email;
    try {
      siteId = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
      email = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(unknown);
    }
    return tables.invitation(siteId, email).thenApply(found -> found
        .filter(invitation -> BearerToken.matchesStored(parts[2], invitation.secretHash()))
        .orElseThrow(() -> unknown));
  }
}
