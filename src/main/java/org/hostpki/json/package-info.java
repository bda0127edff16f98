/**
 * Writing JSON: {@link org.hostpki.json.JsonWriter}, the one writer behind every {@code --output
 * json} document, the saved plan and the store's JSON records. It depends on nothing but the JDK
 * and the model (for {@link org.hostpki.model.TerminalText}'s rule of what a terminal must never
 * receive raw), so every package may use it.
 *
 * <p>Why a writer of our own: a converged run prints its JSON in a few hundred milliseconds, most
 * of it JVM start-up; a data-binding library's object mapper would load hundreds of classes for
 * it. Reading JSON (a saved plan, a store record, a schema) still goes through Jackson's tree
 * model, which the desired-state schema check loads anyway.
 *
 * <p>The contract every document keeps (README, "Machine-readable output"; {@code schema/}): a
 * {@code format_version}, snake_case names, timestamps as RFC 3339 in UTC, durations as ISO 8601,
 * SHA-256 fingerprints as 64 lower-case hex digits, arrays for lists, one compact line.
 */
package org.hostpki.json;
