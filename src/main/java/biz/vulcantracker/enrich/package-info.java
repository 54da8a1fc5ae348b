/**
 * Lookups from a raw hit's fields to report values, shared by the edge (the log channel's bot rule)
 * and katric (enrichment): the User-Agent classifier and the referrer sources. A leaf.
 */
package biz.vulcantracker.enrich;
