/**
 * What every stage shares and none owns: the error answer, bearer tokens, the serialization
 * marker, the JSON mapper, the configuration loader and the role names. A leaf: it imports no
 * other package of ours.
 */
package biz.vulcantracker.common;
