/**
 * Vulcan Tracker's entry point: loading the configuration and starting a node with the roles it
 * is given (beacon, katric, scuttlebutt). Each pipeline stage lives in a package of its own.
 */
package biz.vulcantracker;
