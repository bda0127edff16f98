/**
 * The test kit: what many test classes need, in one place.
 *
 * <ul>
 *   <li>Outside programs: {@link org.hostpki.testkit.Tool} (openssl, certutil, curl, ...) and
 *       {@link org.hostpki.testkit.Command}, which runs any program with a timeout, its output
 *       captured, and kills it (with its children, by PID) when it overruns; {@link
 *       org.hostpki.testkit.RunningProcess} for servers left running. A program that is missing
 *       skips the test on a developer's machine and fails it under {@code CI=true} ({@link
 *       org.hostpki.testkit.Prerequisites}): that is the one rule.
 *   <li>Private namespaces: {@link org.hostpki.testkit.Namespace} runs a command in its own mount
 *       or UTS and network namespaces, so tests can bind-mount over system folders or give the
 *       host a name and addresses without changing the machine.
 *   <li>The CLI: {@link org.hostpki.testkit.Cli} runs {@code hostpki} in this JVM (through {@code
 *       Main.run}) or in a JVM of its own (the test class path, or the built jar).
 *   <li>Certificates: {@link org.hostpki.testkit.TestCa} (a root and an issuing intermediate that
 *       sign what they are asked to), {@link org.hostpki.testkit.CertificateBuilder} for any
 *       profile including the broken ones, {@link org.hostpki.testkit.TestKeys} (EC P-256 unless
 *       the test says otherwise, made once per JVM).
 *   <li>Plans: {@link org.hostpki.testkit.PlanAssert}, assertions in the plan's own terms.
 *   <li>Desired states: {@link org.hostpki.testkit.DesiredStates#of}, the seven sections engine
 *       tests vary, with no outputs and the default renewal and monitoring.
 * </ul>
 *
 * <p>Tags (see the README, "Tests"): {@link org.hostpki.testkit.Tags}.
 */
package org.hostpki.testkit;
