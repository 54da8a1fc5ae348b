/**
 * What a node tells about itself: its meters ({@link biz.vulcantracker.telemetry.Telemetry}) and
 * the readiness conditions its stages register. A leaf, so that every stage may report into it and
 * {@code ops} may serve it without the stages and {@code ops} importing each other.
 */
package biz.vulcantracker.telemetry;
