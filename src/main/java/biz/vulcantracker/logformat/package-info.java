/**
 * Access-log formats and the line parser: Apache's named formats and nginx {@code log_format}
 * strings compiled once into a matcher that turns one line's bytes into a {@link
 * biz.vulcantracker.logformat.LogLine} or a precise reason. Pure code: no I/O, no clock, no config.
 */
package biz.vulcantracker.logformat;
