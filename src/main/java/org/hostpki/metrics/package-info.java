/**
 * Monitoring output: the Prometheus text format for node_exporter's textfile collector ({@code
 * metrics.textfile}). {@link org.hostpki.metrics.StoreMetrics} renders what a run saw — every store
 * certificate's validity and next renewal, the run's time and result, pending hooks, drift and the
 * trust store's size and soonest expiry; the caller writes it as every output file is written
 * ({@link org.hostpki.store.OutputFile}: a new file in the same folder, renamed over the old one),
 * so the collector never reads half a file.
 *
 * <p>Series stay few and stable: one per certificate and metric, none per trusted certificate
 * unless {@code metrics.trustCertificates} asks for them (100,000 trusted certificates must not
 * become 300,000 series), and no label changes when a certificate is renewed.
 */
package org.hostpki.metrics;
