package org.hostpki.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.PendingHook;
import org.hostpki.model.StoreLayout;
import org.hostpki.plan.Address;
import org.hostpki.plan.Output;
import org.hostpki.plan.Plan;
import org.hostpki.store.StoreDirectory;

/**
 * Which hooks a change makes due, each with the addresses it changed ({@code HOSTPKI_CHANGED}):
 * after a plan is written, by its changes; after a switch to another kept generation (a rollback),
 * by what differs between the two. The {@link HookLedger} records them until they ran.
 */
public final class DueHooks {
  private DueHooks() {}

  /** The hooks a plan makes due once it is written, at {@code now}, that the state declares. */
  public static List<PendingHook> after(Plan plan, HooksSpec hooks, Instant now) {
    List<String> changed = plan.changes().stream().map(c -> c.address()).toList();
    List<PendingHook> due = new ArrayList<>();
    if (plan.changesServer() && !hooks.commands(HooksSpec.AFTER_SERVER_CHANGE).isEmpty()) {
      due.add(PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, now, changed));
    }
    dueFor(HooksSpec.AFTER_TRUST_CHANGE, changed.stream().filter(DueHooks::isTrust).toList(), hooks, now, due);
    dueFor(HooksSpec.AFTER_CA_CHANGE, changed.stream().filter(CA_ADDRESSES::contains).toList(), hooks, now, due);
    for (String address : changed) {
      if (address.startsWith(OUTPUT_ADDRESS)) {
        String hook = HooksSpec.outputHook(address.substring(OUTPUT_ADDRESS.length()));
        dueFor(hook, List.of(address), hooks, now, due);
      }
    }
    return due;
  }

  /**
   * The hooks a switch to another kept generation (a rollback, or forward again) makes due, by
   * what differs between the two, as {@link #after} makes them due by a plan's changes: {@code
   * afterServerChange} when the server certificate does, {@code afterCaChange} when a CA
   * certificate does, {@code afterTrustChange} when a trusted certificate or a trust output does,
   * and each output's {@code afterChange} when one of its files does — a service its output's
   * hook reloads (HAProxy's combined PEM) must take the files switched to, as it took the ones
   * switched from. Each names, for {@code HOSTPKI_CHANGED}, every address that differs and
   * concerns it, as an apply's does: all of them for {@code afterServerChange}.
   *
   * @param from the generation current before the switch; empty when {@code ..data} was broken
   */
  public static List<PendingHook> afterSwitch(
      StoreDirectory store, Optional<String> from, String to, boolean serverChanged, DesiredState desired,
      Instant now) {
    HooksSpec hooks = desired.hooks();
    List<String> changed = switched(store, from, to, serverChanged, desired);
    List<PendingHook> due = new ArrayList<>();
    dueFor(HooksSpec.AFTER_SERVER_CHANGE, serverChanged ? changed : List.of(), hooks, now, due);
    dueFor(HooksSpec.AFTER_TRUST_CHANGE, changed.stream().filter(DueHooks::isTrust).toList(), hooks, now, due);
    dueFor(HooksSpec.AFTER_CA_CHANGE, changed.stream().filter(CA_ADDRESSES::contains).toList(), hooks, now, due);
    for (OutputSpec output : desired.outputs()) {
      dueFor(
          HooksSpec.outputHook(output.file()),
          changed.contains(output.address()) ? List.of(output.address()) : List.of(), hooks, now, due);
    }
    return due;
  }

  /** The addresses whose files differ between the two generations, in a plan's order. */
  private static List<String> switched(
      StoreDirectory store, Optional<String> from, String to, boolean serverChanged, DesiredState desired) {
    List<String> changed = new ArrayList<>();
    if (serverChanged) {
      changed.add(Address.SERVER);
    }
    Map<String, String> cas =
        Map.of(
            Address.CA, StoreLayout.CA_CERT, Address.CA_NEXT, StoreLayout.CA_NEXT_CERT,
            Address.CA_PREVIOUS, StoreLayout.CA_PREVIOUS_CERT);
    Stream.of(Address.CA, Address.CA_NEXT, Address.CA_PREVIOUS)
        .filter(address -> differs(store, from, to, cas.get(address)))
        .forEach(changed::add);
    if (differs(store, from, to, StoreLayout.CA_CRL)) {
      changed.add(Address.CA_CRL);
    }
    for (String file : union(store, from, to, StoreLayout.TRUST_DIRECTORY)) {
      StoreLayout.trustName(file).filter(name -> differs(store, from, to, file)).map(Address::trust)
          .ifPresent(changed::add);
    }
    for (Output output : Output.values()) {
      boolean differs =
          output == Output.TRUST_HASHED
              ? union(store, from, to, StoreLayout.HASHED_DIRECTORY).stream().anyMatch(f -> differs(store, from, to, f))
              : differs(store, from, to, output.fileName());
      if (differs) {
        changed.add(output.address());
      }
    }
    for (OutputSpec output : desired.outputs()) {
      if (output.fileNames().stream().anyMatch(name -> differs(store, from, to, name))) {
        changed.add(output.address());
      }
    }
    return changed;
  }

  /** The files of a folder in either generation. */
  private static SortedSet<String> union(StoreDirectory store, Optional<String> from, String to, String folder) {
    SortedSet<String> names = new TreeSet<>(store.generationFolder(to, folder));
    from.ifPresent(f -> names.addAll(store.generationFolder(f, folder)));
    return names;
  }

  /** Whether the file differs between the two generations (held by one only, or other bytes). */
  private static boolean differs(StoreDirectory store, Optional<String> from, String to, String name) {
    Optional<byte[]> before = from.flatMap(f -> store.generationFile(f, name));
    Optional<byte[]> after = store.generationFile(to, name);
    return before.isPresent() != after.isPresent()
        || (before.isPresent() && !Arrays.equals(before.get(), after.get()));
  }

  private static final String OUTPUT_ADDRESS = Address.output("");
  private static final Set<String> CA_ADDRESSES = Set.of(Address.CA, Address.CA_NEXT, Address.CA_PREVIOUS);
  private static final Set<String> TRUST_OUTPUTS =
      Set.of(
          Output.TRUST_BUNDLE.address(), Output.TRUSTSTORE_PKCS12.address(), Output.TRUST_HASHED.address(),
          Output.TRUST_CRLS.address());

  /** The trusted certificates: {@code trust/NAME}, and the files that hold them all. */
  private static boolean isTrust(String address) {
    return Address.isTrust(address) || TRUST_OUTPUTS.contains(address);
  }

  /** The hook, due for these changed addresses, when it has commands and any changed. */
  private static void dueFor(
      String hook, List<String> changed, HooksSpec hooks, Instant now, List<PendingHook> due) {
    if (!changed.isEmpty() && !hooks.commands(hook).isEmpty()) {
      due.add(PendingHook.due(hook, now, changed));
    }
  }
}
