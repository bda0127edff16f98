package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** What the desired state says about the programs it runs and the secrets they must not see. */
@Execution(ExecutionMode.CONCURRENT)
class DesiredStateTest {
  private static DesiredState with(Optional<PasswordSource> password, HooksSpec hooks) {
    return DesiredStates.of(
        Path.of("/etc/hostpki/host.yaml"),
        new StoreSpec(Path.of("/var/lib/hostpki"), password, Pkcs12Profile.MODERN),
        HostSpec.defaults(), CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), hooks);
  }

  @Test
  void testSecretVariables_areTheVariablesOfEnvSources() {
    assertThat(with(Optional.of(new PasswordSource.Env("P12_PW")), HooksSpec.none()).secretVariables())
        .containsExactly("P12_PW");
    assertThat(with(Optional.of(new PasswordSource.File(Path.of("/p"))), HooksSpec.none()).secretVariables())
        .isEmpty();
    assertThat(with(Optional.empty(), HooksSpec.none()).secretVariables()).isEmpty();
  }

  /**
   * Hooks must never see a secret, so {@link DesiredState#secretSources()} must list every
   * secret source the model holds. This walks the desired state's records: a new field that
   * holds a {@link PasswordSource} fails here until it is added to secretSources() and here.
   */
  @Test
  void testSecretSources_coverEverySecretSourceTheModelCanHold() {
    Set<String> found = new TreeSet<>();
    walk(DesiredState.class, "desired", found, new HashSet<>());

    assertThat(found)
        .containsExactly(
            "desired.server.acme.externalAccountBinding.hmacKey", "desired.store.password",
            "desired.store.previousPassword", "desired.trust.install.javaPassword");
    assertThat(with(Optional.of(new PasswordSource.Env("X")), HooksSpec.none()).secretSources())
        .containsExactly(new PasswordSource.Env("X"));
  }

  @Test
  void testSecretSources_holdThePasswordBeingReplaced() {
    DesiredState changing =
        DesiredStates.of(
            Path.of("/etc/hostpki/host.yaml"),
            new StoreSpec(Path.of("/var/lib/hostpki"), Optional.of(new PasswordSource.Env("NEW")), Pkcs12Profile.MODERN,
                Optional.of(new PasswordSource.File(Path.of("/etc/hostpki/old"))), AccessSpec.NONE),
            HostSpec.defaults(), CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), HooksSpec.none());

    assertThat(changing.secretSources())
        .containsExactly(new PasswordSource.Env("NEW"), new PasswordSource.File(Path.of("/etc/hostpki/old")));
  }

  @Test
  void testPrograms_everyKindOfHookAndEveryOutputsOwn() {
    HooksSpec hooks =
        new HooksSpec(List.of(List.of("a")), List.of(List.of("b")), List.of(List.of("c")), List.of(List.of("d")),
            HooksSpec.DEFAULT_TIMEOUT, List.of(List.of("f")), HooksSpec.DEFAULT_EXPIRING_WITHIN, Map.of());
    OutputSpec output =
        new OutputSpec("haproxy.pem", new OutputFormat.CombinedPem(Optional.empty()), AccessSpec.NONE,
            List.of(List.of("e")), new SourcePosition(Path.of("host.yaml"), 1, 1));
    DesiredState desired = with(Optional.empty(), hooks);
    DesiredState withOutput =
        new DesiredState(desired.source(), desired.store(), desired.host(), desired.ca(), desired.server(),
            desired.trust(), hooks, RenewalSpec.defaults(), MetricsSpec.none(), List.of(output), List.of());

    assertThat(withOutput.programs())
        .containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"), List.of("f"), List.of("e"));
    assertThat(new DesiredState(desired.source(), desired.store(), desired.host(), desired.ca(), desired.server(),
            desired.trust(), HooksSpec.none(), RenewalSpec.defaults(), MetricsSpec.none(), List.of(output), List.of())
            .declaresPrograms())
        .isTrue();
  }

  @Test
  void testDeclaresPrograms_whenAnyHookHasACommand() {
    assertThat(with(Optional.empty(), HooksSpec.none()).declaresPrograms()).isFalse();
    assertThat(with(Optional.empty(), new HooksSpec(List.of(List.of("true")))).declaresPrograms())
        .isTrue();
  }

  private static void walk(Class<?> type, String path, Set<String> found, Set<Class<?>> seen) {
    if (!type.isRecord() || !seen.add(type)) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      String where = path + "." + c.getName();
      if (c.getGenericType().getTypeName().contains(PasswordSource.class.getName())) {
        found.add(where);
        continue;
      }
      for (Class<?> mentioned : classesIn(c.getGenericType())) {
        walk(mentioned, where, found, seen);
      }
    }
  }

  private static List<Class<?>> classesIn(Type type) {
    if (type instanceof Class<?> c) {
      return List.of(c);
    }
    if (type instanceof ParameterizedType p) {
      java.util.ArrayList<Class<?>> all = new java.util.ArrayList<>(classesIn(p.getRawType()));
      for (Type argument : p.getActualTypeArguments()) {
        all.addAll(classesIn(argument));
      }
      return all;
    }
    return List.of();
  }
}
