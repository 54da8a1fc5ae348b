package biz.vulcantracker.beacon;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.ReservedProps;
import biz.vulcantracker.model.Revenue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Reads beacon fields (docs/api.md: s, u, n, r, w, p, e, i) from a GET query or a POST body, and
 * rejects anything outside the contract with a 400 {@link ApiError} naming what is wrong.
 */
public final class BeaconParser {

  static final int MAX_EVENT_NAME = 64;
  static final int MAX_PROPS = 30;
  static final int MAX_PROP_KEY = 64;
  static final int MAX_PROP_VALUE = 256;
  static final int MAX_CLIENT_EVENT_ID = 128;
  static final int MAX_SCREEN_WIDTH = 100_000;


  private final BeaconSettings settings;

  public BeaconParser(BeaconSettings settings) {
    this.settings = settings;
  }

  /** A GET's query parameters; {@code p} is a JSON object in text. */
  public BeaconRequest fromQuery(Map<String, String> params) {
    return fromFields(new QueryFields(params));
  }

  /** A POST body: one JSON object or an array of at most {@code max-batch-hits}. */
  public List<BeaconRequest> fromBody(String body) {
    JsonNode json = readJson(body, "bad_json", "the body is not JSON");
    if (json.isObject()) {
      return List.of(fromFields(new JsonFields(json)));
    }
    if (!json.isArray()) {
      throw badRequest("bad_json", "the body must be a JSON object or an array of objects");
    }
    if (json.isEmpty()) {
      throw badRequest("empty_batch", "the array holds no hit");
    }
    if (json.size() > settings.maxBatchHits()) {
      throw badRequest("too_many_hits", "an array holds at most " + settings.maxBatchHits() + " hits");
    }
    List<BeaconRequest> hits = new ArrayList<>(json.size());
    for (JsonNode element : json) {
      if (!element.isObject()) {
        throw badRequest("bad_json", "every array element must be a JSON object");
      }
      hits.add(fromFields(new JsonFields(element)));
    }
    return hits;
  }

  private BeaconRequest fromFields(Fields fields) {
    String siteId = requiredText(fields, "s");
    String url = requiredText(fields, "u");
    if (url.length() > settings.maxUrlLength()) {
      throw badRequest("bad_url", "u is longer than " + settings.maxUrlLength() + " characters");
    }
    String host = httpHost(url).orElseThrow(() -> badRequest("bad_url", "u must be an absolute http or https URL"));
    String eventName = fields.text("n", "bad_event_name");
    if (eventName == null || eventName.isBlank()) {
      eventName = EventNames.PAGEVIEW;
    } else if (eventName.length() > MAX_EVENT_NAME) {
      throw badRequest("bad_event_name", "n is longer than " + MAX_EVENT_NAME + " characters");
    }
    String referrer = fields.text("r", "bad_referrer");
    if (referrer != null && referrer.length() > settings.maxUrlLength()) {
      throw badRequest("bad_referrer", "r is longer than " + settings.maxUrlLength() + " characters");
    }
    Long width = fields.number("w", "bad_screen_width");
    if (width != null && (width < 0 || width > MAX_SCREEN_WIDTH)) {
      throw badRequest("bad_screen_width", "w must be between 0 and " + MAX_SCREEN_WIDTH);
    }
    Long engagement = fields.number("e", "bad_engagement");
    if (engagement != null && engagement < 0) {
      throw badRequest("bad_engagement", "e must not be negative");
    }
    String clientEventId = fields.text("i", "bad_event_id");
    if (clientEventId != null && clientEventId.length() > MAX_CLIENT_EVENT_ID) {
      throw badRequest("bad_event_id", "i is longer than " + MAX_CLIENT_EVENT_ID + " characters");
    }
    Map<String, String> props = props(fields.props());
    JsonNode revenue = fields.revenue();
    if (revenue != null && !revenue.isNull()) {
      props = withRevenue(props, revenue);
    }
    Long scrollDepth = fields.number("sd", "bad_scroll_depth");
    if (scrollDepth != null) {
      if (scrollDepth < 0 || scrollDepth > 100) {
        throw badRequest("bad_scroll_depth", "sd is a percentage from 0 to 100");
      }
      props = new LinkedHashMap<>(props == null ? Map.of() : props);
      props.put(ReservedProps.SCROLL_DEPTH, Long.toString(scrollDepth));
    }
    return new BeaconRequest(
        siteId, url, host, eventName, emptyToNull(referrer),
        width == null ? null : width.intValue(), props, engagement, emptyToNull(clientEventId));
  }

  /** The event's properties with its revenue ({@code $}: {@code {"amount": 19.99, "currency": "EUR"}}) among them. */
  private static Map<String, String> withRevenue(Map<String, String> props, JsonNode revenue) {
    if (!revenue.isObject()) {
      throw badRequest("bad_revenue", "$ is {\"amount\": 19.99, \"currency\": \"EUR\"}");
    }
    JsonNode amountNode = revenue.get("amount");
    BigDecimal amount = amountNode == null || !(amountNode.isNumber() || amountNode.isTextual()) ? null
        : Revenue.amountOf(amountNode.isNumber() ? amountNode.decimalValue().toPlainString() : amountNode.asText());
    if (amount == null) {
      throw badRequest("bad_revenue", "$.amount is a decimal number of at most " + Revenue.MAX_SCALE + " decimals, below 10^12");
    }
    String currency = revenue.path("currency").asText("");
    if (!Revenue.isCurrency(currency)) {
      throw badRequest("bad_revenue", "$.currency is an ISO 4217 code such as EUR");
    }
    Map<String, String> with = new LinkedHashMap<>(props == null ? Map.of() : props);
    with.put(ReservedProps.AMOUNT, amount.toPlainString());
    with.put(ReservedProps.CURRENCY, currency);
    return with;
  }

  /**
   * A hit's fields as they came: a JSON object's members, or a GET's decoded query, where every
   * value is text. A query is read as it is rather than copied into a JSON tree first: that copy
   * was a measurable part of the edge's cost per hit.
   */
  private interface Fields {

    /** The field's text, or null when absent (or JSON null); {@code error} when it is not text. */
    String text(String name, String error);

    /** The field as a whole number, or null when absent or empty; {@code error} when it is not one. */
    Long number(String name, String error);

    /** The {@code p} object, or null when absent. */
    JsonNode props();

    /** The {@code $} object (an event's revenue), or null when absent. */
    JsonNode revenue();
  }

  private record JsonFields(JsonNode json) implements Fields {

    @Override
    public String text(String name, String error) {
      JsonNode node = json.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isTextual()) {
        throw badRequest(error, "the field '" + name + "' must be a string");
      }
      return node.asText();
    }

    @Override
    public Long number(String name, String error) {
      JsonNode node = json.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return node.asLong();
      }
      if (!node.isTextual()) {
        throw notWholeNumber(name, error);
      }
      return wholeNumber(node.asText(), name, error);
    }

    @Override
    public JsonNode props() {
      return json.get("p");
    }

    @Override
    public JsonNode revenue() {
      return json.get("$");
    }
  }

  private record QueryFields(Map<String, String> params) implements Fields {

    @Override
    public String text(String name, String error) {
      return params.get(name);
    }

    @Override
    public Long number(String name, String error) {
      String text = params.get(name);
      return text == null ? null : wholeNumber(text, name, error);
    }

    @Override
    public JsonNode props() {
      String text = params.get("p");
      return text == null ? null : readJson(text, "bad_props", "p is not JSON");
    }

    @Override
    public JsonNode revenue() {
      String text = params.get("$");
      return text == null ? null : readJson(text, "bad_revenue", "$ is not JSON");
    }
  }

  private static Map<String, String> props(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw badRequest("bad_props", "p must be a flat JSON object");
    }
    if (node.size() > MAX_PROPS) {
      throw badRequest("too_many_props", "p holds at most " + MAX_PROPS + " properties");
    }
    Map<String, String> props = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (field.getKey().isEmpty() || field.getKey().length() > MAX_PROP_KEY) {
        throw badRequest("bad_props", "property names are 1 to " + MAX_PROP_KEY + " characters");
      }
      if (ReservedProps.isReserved(field.getKey())) {
        throw badRequest("bad_props", "property names starting with " + ReservedProps.PREFIX + " are reserved (revenue goes in $)");
      }
      if (!value.isValueNode() || value.isNull()) {
        throw badRequest("bad_props", "property '" + field.getKey() + "' must be a string, number or boolean");
      }
      String text = value.asText();
      if (text.length() > MAX_PROP_VALUE) {
        throw badRequest("bad_props", "property '" + field.getKey() + "' is longer than " + MAX_PROP_VALUE + " characters");
      }
      props.put(field.getKey(), text);
    }
    return props.isEmpty() ? null : props;
  }

  /** The lower-case host of an absolute http(s) URL. */
  static java.util.Optional<String> httpHost(String url) {
    String host = plainHttpHost(url);
    return host != null ? java.util.Optional.of(host) : uriHttpHost(url);
  }

  /** The host as {@link URI} reads it, for every URL {@link #plainHttpHost} leaves to it. */
  static java.util.Optional<String> uriHttpHost(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.ofNullable(uri.getHost()).map(h -> h.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The host of the URLs pages really send — {@code http(s)://} a host name, then a path, query and
   * fragment of plain ASCII URI characters — or null for anything else, which {@link URI} then
   * reads. Parsing every beacon's URL with {@link URI} was a twentieth of the edge's cost per hit;
   * this accepts only what URI accepts with the same host (held to that by a test on random URLs).
   */
  static String plainHttpHost(String url) {
    int hostStart = url.regionMatches(true, 0, "https://", 0, 8) ? 8
        : url.regionMatches(true, 0, "http://", 0, 7) ? 7 : -1;
    if (hostStart < 0) {
      return null;
    }
    int hostEnd = hostNameEnd(url, hostStart);
    if (hostEnd < 0 || !(hostEnd == url.length() || "/?#".indexOf(url.charAt(hostEnd)) >= 0)) {
      return null; // a port, user info, an address literal, an odd name: URI knows them all
    }
    boolean fragment = false;
    for (int i = hostEnd; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '%') {
        if (i + 2 >= url.length() || Character.digit(url.charAt(i + 1), 16) < 0 || Character.digit(url.charAt(i + 2), 16) < 0) {
          return null;
        }
        i += 2;
      } else if (c == '#') {
        if (fragment) {
          return null;
        }
        fragment = true;
      } else if (c >= 128 || !URL_CHARACTER[c]) {
        return null;
      }
    }
    return url.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT);
  }

  /**
   * The end of a host name of RFC 2396 labels ({@code a-z0-9}, inner {@code -}, dot-separated,
   * the last starting with a letter, as URI requires) from {@code start}, or -1.
   */
  private static int hostNameEnd(String url, int start) {
    int i = start;
    while (true) {
      int labelStart = i;
      while (i < url.length() && (isAsciiLetterOrDigit(url.charAt(i)) || url.charAt(i) == '-')) {
        i++;
      }
      if (i == labelStart || url.charAt(labelStart) == '-' || url.charAt(i - 1) == '-') {
        return -1;
      }
      if (i < url.length() && url.charAt(i) == '.') {
        i++;
        continue;
      }
      char first = url.charAt(labelStart);
      return (first >= '0' && first <= '9') ? -1 : i;
    }
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** ASCII characters URI allows in a path, query and fragment, without {@code %}, {@code #}, {@code [}, {@code ]}. */
  private static final boolean[] URL_CHARACTER = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      URL_CHARACTER[c] = isAsciiLetterOrDigit(c) || "-_.!~*'();/?:@&=+$,".indexOf(c) >= 0;
    }
  }

  private static String requiredText(Fields fields, String name) {
    String text = fields.text(name, "bad_field");
    if (text == null || text.isBlank()) {
      throw badRequest("missing_field", "the field '" + name + "' is required");
    }
    return text;
  }

  /** Null for empty text, the number for a whole number, else {@code error}. */
  private static Long wholeNumber(String text, String name, String error) {
    if (text.isEmpty()) {
      return null;
    }
    if (isWholeNumber(text)) {
      return Long.parseLong(text);
    }
    throw notWholeNumber(name, error);
  }

  private static ApiError notWholeNumber(String name, String error) {
    return badRequest(error, "the field '" + name + "' must be a whole number");
  }

  /** {@code -?\\d{1,18}}, checked by hand: every beacon field passes here, and a regular expression costs a visible share of the edge's CPU. */
  private static boolean isWholeNumber(String text) {
    int digits = text.startsWith("-") ? 1 : 0;
    if (text.length() == digits || text.length() - digits > 18) {
      return false;
    }
    for (int i = digits; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static JsonNode readJson(String text, String error, String message) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw badRequest(error, message);
    }
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static ApiError badRequest(String code, String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, code, message);
  }
}
