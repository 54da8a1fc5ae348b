package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** Reading a goal's, funnel's or segment's fields from its JSON, each refusal a 400 with the kind's code. */
final class DefinitionFields {

  private DefinitionFields() {}

  /** The field's text, or null when absent or null; a 400 {@code code} when it is not text. */
  static String text(JsonNode body, String field, String code) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw bad(code, field + " is a string");
    }
    return value.asText();
  }

  static ApiError bad(String code, String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, code, message);
  }
}
