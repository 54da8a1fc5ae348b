package biz.vulcantracker.scuttlebutt.digest;

import static biz.vulcantracker.scuttlebutt.mail.Html.escape;

import biz.vulcantracker.scuttlebutt.mail.Mailer;
import biz.vulcantracker.scuttlebutt.query.ComparedStats;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * A digest as mail: the same figures as plain text and as HTML (inline styles only: mail clients
 * drop style sheets and scripts). Page paths and sources come from visitors, so every one of them
 * is escaped in the HTML part.
 */
final class DigestMail {

  private DigestMail() {}

  static Mailer.Mail of(DigestReport report, String to, String messageId, String dashboardUrl, String unsubscribeUrl) {
    String site = report.site().id();
    String subject = site + ": your " + report.period().frequency().key() + " report, " + report.period().label();
    return new Mailer.Mail(to, subject, text(report, dashboardUrl, unsubscribeUrl), html(report, dashboardUrl, unsubscribeUrl),
        messageId, Optional.of(unsubscribeUrl));
  }

  private static final List<String[]> TOTALS = List.of(
      new String[] {"visitors", "Unique visitors"}, new String[] {"pageviews", "Pageviews"},
      new String[] {"bounce_rate", "Bounce rate"}, new String[] {"visit_duration", "Visit duration"});

  static String text(DigestReport report, String dashboardUrl, String unsubscribeUrl) {
    StringBuilder out = new StringBuilder();
    out.append(report.site().id()).append(", ").append(report.period().label()).append(" (").append(report.period().period().from())
        .append(" to ").append(report.period().period().to()).append(")\n\n");
    for (String[] total : TOTALS) {
      ComparedStats.Compared value = report.totals().get(total[0]);
      out.append(total[1]).append(": ").append(format(total[0], value.value())).append(" (").append(change(total[0], value.change()))
          .append(" on the ").append(report.period().frequency() == DigestPeriod.Frequency.WEEKLY ? "week" : "month").append(" before)\n");
    }
    section(out, "Top pages", report.pages(), "pageviews");
    section(out, "Top sources", report.sources(), "visitors");
    if (!report.goals().isEmpty()) {
      section(out, "Goals", report.goals(), "events");
    }
    out.append("\nThe dashboard: ").append(dashboardUrl).append('\n');
    out.append("Stop these emails: ").append(unsubscribeUrl).append('\n');
    return out.toString();
  }

  private static void section(StringBuilder out, String title, List<StatsQueries.Row> rows, String metric) {
    out.append('\n').append(title).append(":\n");
    if (rows.isEmpty()) {
      out.append("  (none)\n");
    }
    for (StatsQueries.Row row : rows) {
      out.append("  ").append(row.key()).append(": ").append(row.metrics().get(metric)).append(' ').append(metric).append('\n');
    }
  }

  static String html(DigestReport report, String dashboardUrl, String unsubscribeUrl) {
    StringBuilder out = new StringBuilder();
    out.append("<!doctype html><html><body style=\"margin:0;background:#f6f7fb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
        + "color:#1d2433\"><div style=\"max-width:560px;margin:0 auto;padding:24px\">");
    out.append("<div style=\"font-weight:700;letter-spacing:.02em\">Vulcan<span style=\"color:#ff5a1f\">&#9650;</span>Tracker</div>");
    out.append("<h1 style=\"font-size:20px;margin:12px 0 4px\">").append(escape(report.site().id())).append("</h1>");
    out.append("<div style=\"color:#6b7385\">").append(escape(report.period().label())).append(", ").append(report.period().period().from())
        .append(" to ").append(report.period().period().to()).append("</div>");
    out.append("<table style=\"width:100%;border-collapse:separate;border-spacing:8px;margin:12px -8px\"><tr>");
    for (String[] total : TOTALS) {
      ComparedStats.Compared value = report.totals().get(total[0]);
      out.append("<td style=\"background:#fff;border:1px solid #e6e8ef;border-radius:10px;padding:10px\" data-metric=\"").append(total[0])
          .append("\"><div style=\"color:#6b7385;font-size:11px;text-transform:uppercase\">").append(total[1]).append("</div>")
          .append("<div style=\"font-size:22px;font-weight:650\">").append(escape(format(total[0], value.value()))).append("</div>")
          .append("<div style=\"font-size:12px;color:").append(colour(total[0], value.change())).append("\">")
          .append(escape(change(total[0], value.change()))).append("</div></td>");
    }
    out.append("</tr></table>");
    table(out, "Top pages", report.pages(), "pageviews");
    table(out, "Top sources", report.sources(), "visitors");
    if (!report.goals().isEmpty()) {
      table(out, "Goals", report.goals(), "events");
    }
    out.append("<p><a href=\"").append(escape(dashboardUrl)).append("\" style=\"color:#3366ff\">Open the dashboard</a></p>");
    out.append("<p style=\"color:#6b7385;font-size:12px\">You get this because you asked for it. <a href=\"").append(escape(unsubscribeUrl))
        .append("\" style=\"color:#6b7385\">Stop these emails</a>.</p></div></body></html>");
    return out.toString();
  }

  private static void table(StringBuilder out, String title, List<StatsQueries.Row> rows, String metric) {
    out.append("<h2 style=\"font-size:14px;margin:16px 0 6px\">").append(title).append("</h2>")
        .append("<table style=\"width:100%;border-collapse:collapse;background:#fff;border:1px solid #e6e8ef;border-radius:10px\">");
    if (rows.isEmpty()) {
      out.append("<tr><td style=\"padding:6px 10px;color:#6b7385\">None</td></tr>");
    }
    for (StatsQueries.Row row : rows) {
      out.append("<tr><td style=\"padding:6px 10px\">").append(escape(row.key())).append("</td><td style=\"padding:6px 10px;text-align:right;"
          + "color:#6b7385\">").append(row.metrics().get(metric)).append(' ').append(metric).append("</td></tr>");
    }
    out.append("</table>");
  }

  static String format(String metric, Number value) {
    return switch (metric) {
      case "bounce_rate" -> value + "%";
      case "visit_duration" -> {
        long seconds = value.longValue();
        yield seconds >= 60 ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
      }
      default -> String.format(java.util.Locale.ENGLISH, "%,d", value.longValue());
    };
  }

  /** "+25.0%" or "-3.0 points" (rates change in points). */
  static String change(String metric, BigDecimal change) {
    String sign = change.signum() > 0 ? "+" : "";
    return sign + change.toPlainString() + (metric.equals("bounce_rate") ? " points" : "%");
  }

  private static String colour(String metric, BigDecimal change) {
    boolean better = metric.equals("bounce_rate") ? change.signum() < 0 : change.signum() > 0;
    return change.signum() == 0 ? "#6b7385" : better ? "#1a7f37" : "#c62828";
  }
}
