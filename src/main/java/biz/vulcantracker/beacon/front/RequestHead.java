package biz.vulcantracker.beacon.front;

/**
 * The head of a beacon request the front answers itself (see {@link RequestHeads} for which).
 *
 * @param method GET, POST or OPTIONS
 * @param rawQuery the query string as sent (no {@code ?}), or null
 * @param headLength bytes from the request line through the empty line
 * @param contentLength the body's length, 0 without one
 * @param close the client asked to close the connection after the answer
 * @param tooLarge a POST whose body is over the limit: answered 413 at once, the body skipped
 */
record RequestHead(
    String method, String rawQuery, int headLength, int contentLength,
    String userAgent, String origin, String forwardedFor, boolean close, boolean tooLarge) {}
