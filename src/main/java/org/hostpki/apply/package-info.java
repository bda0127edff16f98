/**
 * The edges around the pure planner: observing a store and the declared inputs (reading and
 * parsing files), executing a plan into a new set of store files, and the apply sequence (lock,
 * observe, plan, write atomically, observe again, run hooks).
 *
 * <p>{@link org.hostpki.apply.Reconciler} is the sequence; what it is given from outside (host
 * probe, clock, randomness, secrets, hooks, progress, trust host, ACME CA) is one {@code
 * EngineParts} value its parts share. One planning pass (observe, digest the
 * basis, plan; after a write, the convergence check) is {@code PlanningPass}, and the {@code
 * onExpiring} obligations a renewal nothing does in time gives rise to are {@code ExpiringHooks}.
 * One write of a generation (executor, hook records, install steps, convergence check, hooks) is
 * {@code GenerationWrite}; it writes through the store envelope every writer shares ({@link
 * org.hostpki.store.StoreCommit}: lock, read under it, carry over, commit, tidy-up notices).
 * {@code Executor} is one small method per intent, each changing a draft of the next set ({@code
 * NextSet}); derived outputs hold what their intent names. The ACME order the plan asks for is
 * placed by {@code AcmeEdge} (through {@link org.hostpki.acme}) between the plan and the write;
 * {@code trust.install} targets are observed and changed through {@code TrustInstalls} (new
 * entries before the commit, leaving ones after it); declared outputs are read back by {@code
 * OutputObserver}. {@link
 * org.hostpki.apply.StoreObserver} is the one reader of store files: {@code sign} and {@code
 * revoke} read the CA through it too.
 *
 * <p>Hooks are obligations ({@link org.hostpki.apply.HookLedger}): the hooks a write makes due are
 * recorded inside the new generation before its commit, together with those still pending from
 * the generation before; they count as done only once a separate record, written after they ran
 * successfully, says so. Until then every apply runs them (first, or alone when nothing else is
 * to do), {@code plan} and {@code status} show them, and a failed one makes apply exit 3. How a
 * hook runs — its environment, its own process group, its timeout, its output — is {@link
 * org.hostpki.apply.Hooks} and {@link org.hostpki.apply.HookProcess}.
 */
package org.hostpki.apply;
