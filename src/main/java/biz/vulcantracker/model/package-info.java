/**
 * The vocabulary of the counting model that every stage shares: the report properties, the event
 * names with a meaning, and the visit rule. A leaf: it imports no other package of ours.
 */
package biz.vulcantracker.model;
