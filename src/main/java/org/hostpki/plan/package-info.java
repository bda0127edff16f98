/**
 * The planner and the plan value. {@link org.hostpki.plan.Planner#plan} is a pure function of the
 * desired state, the observed store, the host identity and the current time: no I/O, no clock,
 * deterministic order. The plan it returns is a value (as in Terraform): an ordered list of
 * changes, each with an address, an action, reasons, and what is there before and wanted after.
 * Apply does only what a plan says; renderers format a plan and never recompute it.
 *
 * <p>{@link org.hostpki.plan.Planner} only orders the parts, each the home of one resource: the CA
 * and its rotation ({@code CaRotation}), the server certificate ({@code ServerPlan}, with {@code
 * ExternalIssuer} for an outside CA and {@code ServerNameConstraints} for the names the signing
 * CA's name constraints allow), its request ({@code RequestPlan}), the trusted
 * certificates ({@code TrustPlan}) and the files derived from them all ({@code OutputPlan}). They
 * write into one draft ({@code PlanDraft}); the checks they share are {@code CertificateChecks}
 * and {@code NameChanges} (the one rule for {@code san-changed} and {@code
 * host-identity-changed}), their wording {@code PlanWords}. Each {@link
 * org.hostpki.plan.ReasonCode} carries its policy (does a phased rotation wait for it, does
 * {@code watch} apply it at once), and the plan schema's enums are held to the codes by a test.
 *
 * <p>A derived output's intent says what the file holds ({@link org.hostpki.plan.Held}: a store
 * file, a trusted certificate by name, an issuer of the imported chain), in its order and under
 * its aliases: the bundle order and which alias wins are decided here, once, and apply only
 * looks the certificates up in the set it makes.
 *
 * <p>Time-driven steps need no state file either: a phased CA rotation ({@link
 * org.hostpki.plan.CaRotation}) reads its phase and dates from {@code ca-next.crt} and {@code
 * ca-previous.crt} in the store ({@link org.hostpki.plan.RotationSchedule}). When a certificate
 * is due for renewal is the renewal package's rule ({@link org.hostpki.renewal}); {@link
 * org.hostpki.plan.Renewals} says which rule applies to which store certificate, for the planner,
 * {@code status} and the metrics alike. Whether a person runs the plan is an input too ({@link
 * org.hostpki.plan.PlanInput#unattended}): an unattended run waits for maintenance windows.
 */
package org.hostpki.plan;
