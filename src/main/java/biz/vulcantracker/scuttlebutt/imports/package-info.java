/**
 * Imports of other tools' exports (Plausible CE's CSV zip, GoatCounter's CSV): read and checked
 * whole before anything is written, then written as an "imported" layer under the import's id,
 * which the unfiltered reports show for the days before the site's own data starts.
 */
package biz.vulcantracker.scuttlebutt.imports;
