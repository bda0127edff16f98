/**
 * {@code hostpki check}: the store, judged for monitoring without a person watching. A {@link
 * org.hostpki.check.Verdict} is a pure function of what one observation saw (the desired state,
 * the store, the plan with its pending hooks and hold) and two thresholds: each certificate hostpki
 * keeps is OK while something renews it in time ({@link org.hostpki.plan.Expiries}), and WARNING or
 * CRITICAL once it is within a threshold of its expiry with nothing to renew it; pending hooks
 * and a hold that keeps changes back are WARNING, a plan apply refuses CRITICAL. The verdict also
 * carries the contract's exit code (0 nothing due, 1 error or a certificate at risk, 2 changes
 * pending, 3 a hook pending) and the one summary line a monitoring system shows.
 */
package org.hostpki.check;
