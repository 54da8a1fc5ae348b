/**
 * The beacon role's front door: a Netty server on the public HTTP port that answers the hot path,
 * {@code GET|POST|OPTIONS /api/v1/beacon}, itself, and hands every other request (reports,
 * dashboard, WebSocket, log batches, the script, and any beacon request it cannot read exactly
 * as Pekko would) to the node's Pekko HTTP server over loopback, byte for byte.
 *
 * <p>Why: the edge must keep up with a plain web server, and on two cores Pekko HTTP's per-request
 * cost (its parser, model and streams) answers about a third of what nginx does before any hit is
 * handled; Netty reading a beacon's few header lines by hand is within a few percent of nginx.
 * What a hit goes through is the same {@link biz.vulcantracker.beacon.BeaconIntake} either way.
 */
package biz.vulcantracker.beacon.front;
