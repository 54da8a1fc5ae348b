/**
 * The log forwarder ({@code java -jar vulcan-tracker.jar forward ...}): reads an access log from the
 * start or follows it through rotation, posts batches of lines to {@code /api/v1/beacon/log} with
 * batch ids derived from the file's identity and offsets, retries with backoff, and keeps its
 * position in a state file so that a crash or restart neither loses nor repeats a line.
 */
package biz.vulcantracker.forwarder;
