package biz.vulcantracker.scuttlebutt.mail;

import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails an invitation's link to the invited person when this installation sends mail. Sent in the
 * background: the answer that made the invitation carries the link as well, so an admin can pass it
 * on another way when mail does not arrive.
 */
public final class InvitationMail {

  private static final Logger log = LoggerFactory.getLogger(InvitationMail.class);

  private final Optional<Mailer> mailer;
  private final Executor blocking;

  public InvitationMail(Optional<Mailer> mailer, Executor blocking) {
    this.mailer = mailer;
    this.blocking = blocking;
  }

  /** Whether invitations are mailed here. */
  public boolean enabled() {
    return mailer.isPresent();
  }

  /** Mails the invitation (if mail is on); {@code linkPath} is the link's path and fragment, without the host. */
  public void send(String to, String siteId, String role, String invitedBy, String linkPath, String messageId) {
    mailer.ifPresent(m -> blocking.execute(() -> {
      String link = m.settings().publicUrl() + linkPath;
      String text = invitedBy + " invites you to see " + siteId + " on Vulcan Tracker as " + role + ".\n\nJoin: " + link
          + "\n\nThe link works once, for 7 days.\n";
      String html = "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;max-width:520px;margin:0 auto;padding:24px\">"
          + "<p>" + Html.escape(invitedBy) + " invites you to see <b>" + Html.escape(siteId) + "</b> on Vulcan Tracker as " + Html.escape(role) + ".</p>"
          + "<p><a href=\"" + Html.escape(link) + "\">Join " + Html.escape(siteId) + "</a></p>"
          + "<p style=\"color:#6b7385;font-size:12px\">The link works once, for 7 days.</p></body></html>";
      try {
        m.send(new Mailer.Mail(to, "You are invited to " + siteId + " on Vulcan Tracker", text, html, messageId, Optional.empty()));
      } catch (Exception e) {
        log.warn("The invitation to {} could not be mailed; the link was in the answer that made it", siteId, e);
      }
    }));
  }
}
