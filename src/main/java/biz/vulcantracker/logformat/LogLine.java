package biz.vulcantracker.logformat;

/**
 * What one access-log line says, decoded to text. Fields the format does not have are null
 * (or -1 for numbers); {@code method}, {@code target} and {@code protocol} are null when the
 * request line is {@code "-"} or not a request at all (nginx logs a garbage request as-is, with 400).
 *
 * @param address the client address as written ({@code $remote_addr}), a valid IPv4 or IPv6 literal
 * @param forwardedFor the {@code X-Forwarded-For} header, or null
 * @param timestamp the request's time, epoch milliseconds UTC
 * @param method request method, e.g. {@code GET}
 * @param target request target (path and query) as sent
 * @param protocol e.g. {@code HTTP/1.1}
 * @param status response status
 * @param referrer the Referer header, or null when absent or {@code -}
 * @param userAgent the User-Agent header, or null when absent or {@code -}
 * @param host the virtual host, or null
 */
public record LogLine(
    String address,
    String forwardedFor,
    long timestamp,
    String method,
    String target,
    String protocol,
    int status,
    String referrer,
    String userAgent,
    String host) {

  /**
   * {@code text} (this line as written) without its client address and {@code X-Forwarded-For}:
   * what may be digested into an id that is kept, since a digest of a known line with its address
   * in it could be reversed by trying every IPv4 address.
   */
  public String withoutClient(String text) {
    String cut = text.replace(address, "");
    return forwardedFor == null || forwardedFor.isEmpty() ? cut : cut.replace(forwardedFor, "");
  }
}
