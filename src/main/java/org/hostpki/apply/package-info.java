/**
 * The edges around the pure planner: observing a store and the declared inputs (reading and
 * parsing files), executing a plan into a new set of store files, and the apply sequence (lock,
 * observe, plan, write atomically, observe again, run hooks).
 */
package org.hostpki.apply;
