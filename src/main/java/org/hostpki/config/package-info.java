/**
 * Reading desired-state files: YAML with positions, the JSON Schema in {@code
 * schema/hostpki-v1.schema.json} (on the class path as {@code /schema/hostpki-v1.schema.json}),
 * then the rules the schema cannot express, into an immutable {@link
 * org.hostpki.model.DesiredState}.
 *
 * <p>Problems are values, not exceptions: {@link org.hostpki.config.DesiredStateLoader} collects
 * every problem of a file, each with its line and column, and never throws for bad input. The
 * checks run in three phases (YAML, schema, meaning); a node with an error from an earlier phase
 * gets no second error from a later one.
 *
 * <p>Limits, all reported as problems: files of at most 1 MiB of UTF-8 text without control
 * characters; one YAML document; nesting at most 64 levels deep; no duplicate keys; no aliases
 * ({@code *name}: refused outright, which rules out alias bombs; anchors alone are harmless); no
 * merge keys ({@code <<}); no explicit tags beyond the YAML 1.2 core schema's (an Ansible {@code
 * !vault} value is refused: secrets come from {@code store.password.env} or {@code .file}), and a
 * core tag only on text of its type; durations of at most 100 years.
 */
package org.hostpki.config;
