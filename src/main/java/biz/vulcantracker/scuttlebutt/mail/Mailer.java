package biz.vulcantracker.scuttlebutt.mail;

import com.typesafe.config.Config;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends mail through the configured SMTP server ({@code vulcan.mail}; Eclipse Angus, the Jakarta
 * Mail implementation): a plain-text and an HTML part as alternatives, the caller's Message-ID (a
 * delivery sent again after a crash carries the same one, so a receiver can tell it is the same
 * message), and an unsubscribe link as {@code List-Unsubscribe} with RFC 8058's one-click POST.
 * Blocking: call it from a thread that may block.
 */
public final class Mailer {

  /** SMTP settings; an empty host leaves mail off. {@code starttls}: required, optional or off. */
  public record Settings(String host, int port, String username, String password, String starttls, String from, String publicUrl,
      Duration timeout) {

    public static Settings fromConfig(Config config) {
      Config mail = config.getConfig("vulcan.mail");
      return new Settings(mail.getString("smtp-host"), mail.getInt("smtp-port"), mail.getString("username"), mail.getString("password"),
          mail.getString("starttls"), mail.getString("from"), mail.getString("public-url").replaceAll("/+$", ""),
          mail.getDuration("timeout"));
    }

    public boolean enabled() {
      return !host.isEmpty();
    }
  }

  /** One message to one recipient. */
  public record Mail(String to, String subject, String text, String html, String messageId, Optional<String> unsubscribeUrl) {}

  private final Settings settings;
  private final Session session;

  public Mailer(Settings settings) {
    if (!java.util.List.of("required", "optional", "off").contains(settings.starttls())) {
      throw new IllegalArgumentException("vulcan.mail.starttls (VULCAN_SMTP_STARTTLS) is required, optional or off");
    }
    this.settings = settings;
    Properties props = new Properties();
    props.put("mail.smtp.host", settings.host());
    props.put("mail.smtp.port", Integer.toString(settings.port()));
    props.put("mail.smtp.starttls.enable", Boolean.toString(!settings.starttls().equals("off")));
    props.put("mail.smtp.starttls.required", Boolean.toString(settings.starttls().equals("required")));
    String millis = Long.toString(settings.timeout().toMillis());
    props.put("mail.smtp.connectiontimeout", millis);
    props.put("mail.smtp.timeout", millis);
    props.put("mail.smtp.writetimeout", millis);
    boolean auth = !settings.username().isEmpty();
    props.put("mail.smtp.auth", Boolean.toString(auth));
    this.session = Session.getInstance(props, auth ? new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(settings.username(), settings.password());
      }
    } : null);
  }

  public Settings settings() {
    return settings;
  }

  /** Sends the mail; throws when the SMTP server did not take it. */
  public void send(Mail mail) throws MessagingException {
    MimeMessage message = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", mail.messageId()); // ours, the same on every attempt of a delivery
      }
    };
    message.setFrom(new InternetAddress(settings.from()));
    message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(mail.to()));
    message.setSubject(mail.subject(), "UTF-8");
    message.setSentDate(new Date());
    if (mail.unsubscribeUrl().isPresent()) {
      message.setHeader("List-Unsubscribe", "<" + mail.unsubscribeUrl().get() + ">");
      message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    MimeBodyPart text = new MimeBodyPart();
    text.setText(mail.text(), "UTF-8", "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(mail.html(), "UTF-8", "html");
    MimeMultipart alternatives = new MimeMultipart("alternative");
    alternatives.addBodyPart(text);
    alternatives.addBodyPart(html);
    message.setContent(alternatives);
    Transport.send(message);
  }
}
