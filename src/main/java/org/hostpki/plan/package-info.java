/**
 * The planner and the plan value. {@link org.hostpki.plan.Planner#plan} is a pure function of the
 * desired state, the observed store, the host identity and the current time: no I/O, no clock,
 * deterministic order. The plan it returns is a value (as in Terraform): an ordered list of
 * changes, each with an address, an action, reasons, and what is there before and wanted after.
 * Apply does only what a plan says; renderers format a plan and never recompute it.
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
