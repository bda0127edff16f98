package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.plan.Action;
import org.hostpki.plan.Change;
import org.hostpki.plan.Held;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Output;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Reason;
import org.hostpki.plan.ReasonCode;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The record of the PKCS#12 files that executing a plan writes with them. */
class ExecutorTest {
  private static final String RECORD = StoreLayout.PKCS12_RECORD;
  private static final char[] PASSWORD = Pkcs12Stores.PASSWORD.toCharArray();

  private final Pkcs12Stores stores = new Pkcs12Stores();

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  /** Asserts the snapshot's record describes each PKCS#12 file as decoding it does. */
  private static void assertRecordDescribesBothFiles(StoreSnapshot snapshot) throws Exception {
    Pkcs12Record record = Pkcs12Record.parse(snapshot.files().get(RECORD)).orElseThrow();
    for (String name : StoreLayout.PKCS12_FILES) {
      byte[] file = snapshot.files().get(name);
      assertThat(record.factsOf(name, file)).contains(Pkcs12.read(file, PASSWORD));
      assertThat(record.opensWith(snapshot.files(), PASSWORD, Map.of())).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testExecute_writesARecordDescribingEachPkcs12File(Pkcs12Profile profile) throws Exception {
    Plan plan = stores.apply(stores.desired(profile)).plan();

    assertRecordDescribesBothFiles(stores.read());
    assertThat(plan.changes()).extracting(Change::address).noneMatch(a -> a.contains("pkcs12-facts"));
  }

  @Test
  void testExecute_recordIsSecret() throws Exception {
    stores.apply(stores.desired(Pkcs12Profile.MODERN));

    assertThat(Files.getPosixFilePermissions(stores.store.resolve(RECORD)))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void testExecute_carriedOverFileKeepsAnEntry() throws Exception {
    DesiredState desired = stores.desired(Pkcs12Profile.MODERN);
    stores.apply(desired);
    byte[] truststore = stores.read().files().get("truststore.p12");
    stores.host = Pkcs12Stores.identity("192.0.2.10", "192.0.2.20");

    Plan plan = stores.apply(desired).plan();

    assertThat(plan.changes()).extracting(Change::address).contains("output/server.p12")
        .doesNotContain("output/truststore.p12");
    StoreSnapshot after = stores.read();
    assertThat(after.files().get("truststore.p12")).isEqualTo(truststore);
    assertRecordDescribesBothFiles(after);
  }

  @Test
  void testExecute_storeWithoutARecordIsConvergedAndGetsOneWithTheNextWrite() throws Exception {
    DesiredState desired = stores.desired(Pkcs12Profile.MODERN);
    stores.apply(desired);
    // As a store written before the record existed.
    SortedMap<String, byte[]> files = new TreeMap<>(stores.read().files());
    files.remove(RECORD);
    stores.write(files);
    assertThat(stores.read().files()).doesNotContainKey(RECORD);

    assertThat(stores.reconciler().plan(desired, java.util.Set.of()).plan().isEmpty()).isTrue();
    assertThat(stores.apply(desired).generation()).isEmpty();

    stores.host = Pkcs12Stores.identity("192.0.2.10", "192.0.2.20");
    stores.apply(desired);
    assertRecordDescribesBothFiles(stores.read());
  }

  @Test
  void testExecute_noPasswordNoRecord() throws Exception {
    stores.apply(stores.desired(Pkcs12Profile.MODERN, Optional.empty()));

    StoreSnapshot snapshot = stores.read();
    assertThat(snapshot.files()).doesNotContainKeys(RECORD, "server.p12", "truststore.p12");
  }

  @Test
  void testExecute_passwordRemovedRemovesTheRecordWithTheFiles() throws Exception {
    stores.apply(stores.desired(Pkcs12Profile.MODERN));

    stores.apply(stores.desired(Pkcs12Profile.MODERN, Optional.empty()));

    assertThat(stores.read().files()).doesNotContainKeys(RECORD, "server.p12", "truststore.p12");
  }

  @Test
  void testExecute_outputsHoldWhatThePlanSaysInItsOrderAndUnderItsAliases() throws Exception {
    DesiredState desired = stores.desired(Pkcs12Profile.MODERN);
    stores.apply(desired);
    Reconciler.Observation seen = stores.reconciler().plan(desired, java.util.Set.of());
    Certificate ca = seen.store().caCertificate().orElseThrow();
    Certificate ldap = seen.store().trusted().get("ldap");
    // Not the order nor the aliases the planner chooses: apply decides neither, it writes these.
    Plan plan =
        new Plan(
            List.of(
                write(Output.TRUST_BUNDLE, List.of(new Held.Trusted("ldap"), Held.Stored.CA), new TreeMap<>()),
                write(Output.TRUSTSTORE_PKCS12, List.of(), new TreeMap<>(Map.of("only-the-ca", Held.Stored.CA)))),
            List.of(),
            0,
            Fingerprint.sha256(new byte[0]));

    SortedMap<String, StoreFile> carried = new TreeMap<>();
    seen.store().snapshot().files()
        .forEach((n, b) -> carried.put(n, new StoreFile(b, StoreLayout.standard().kindOf(n))));
    SortedMap<String, StoreFile> files =
        new Executor(new SecureRandom())
            .execute(plan, desired, carried, seen.store(), seen.desiredTrust(), seen.crls(), seen.externalChain(), seen.password(), seen.now(), thisUpdate -> java.math.BigInteger.ONE, java.util.Optional.empty());

    assertThat(new String(files.get(StoreLayout.TRUST_BUNDLE).content(), StandardCharsets.US_ASCII))
        .isEqualTo(Pem.certificates(List.of(ldap, ca)));
    assertThat(Pkcs12.read(files.get(StoreLayout.TRUSTSTORE_PKCS12).content(), PASSWORD).trustedEntries())
        .containsExactly(Map.entry("only-the-ca", ca.fingerprint()));
  }

  private static Change write(
      Output output, List<Held> certificates, SortedMap<String, Held> aliases) {
    return new Change(
        output.address(),
        Action.UPDATE,
        List.of(new Reason(ReasonCode.OUT_OF_DATE, "test")),
        new Intent.WriteOutput(output, certificates, aliases));
  }
}
