/**
 * Reports and administration: the stats API read from the rollups, the admin API of the site
 * registry, and the bearer-token checks (a site's report key reads that site only).
 */
package biz.vulcantracker.scuttlebutt;
