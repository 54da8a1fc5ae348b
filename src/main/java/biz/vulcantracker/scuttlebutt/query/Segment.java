package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A saved segment (docs/api.md, "Segments"): a named set of filters, in the {@code filters}
 * parameter's syntax, that any report takes as {@code filters=segment==<id>} (alone or beside other
 * filters). A segment holds no segment: its filters are checked when it is saved.
 */
public record Segment(String id, String name, String filters) {

  public Segment {
    if (name == null || name.isBlank() || name.length() > Goal.MAX_NAME_CHARS) {
      throw bad("a segment has a name of 1 to " + Goal.MAX_NAME_CHARS + " characters");
    }
    if (filters == null || Filters.parse(filters).isEmpty()) {
      throw bad("a segment has filters, in the filters parameter's syntax: page==/blog*;country==DE");
    }
    if (Filters.namesSegment(filters)) {
      throw bad("a segment's filters name no segment");
    }
  }

  public static Segment fromJson(String id, JsonNode body) {
    if (!body.isObject() || !body.path("name").isTextual() || !body.path("filters").isTextual()) {
      throw bad("a segment is {\"name\": …, \"filters\": \"page==/blog*;country==DE\"}");
    }
    return new Segment(id, body.get("name").asText(), body.get("filters").asText());
  }

  public ObjectNode toJson() {
    return Json.MAPPER.createObjectNode().put("id", id).put("name", name).put("filters", filters);
  }

  private static ApiError bad(String message) {
    return DefinitionFields.bad("bad_segment", message);
  }
}
