package biz.vulcantracker.queue;

import java.util.Map;

/** One stream entry as read: its id ({@code <ms>-<seq>}) and its fields (null if deleted). */
public record StreamEntry(String id, Map<String, String> fields) {}
