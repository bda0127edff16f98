package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.pki.Pkcs12;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The record of the PKCS#12 files that executing a plan writes with them. */
class ExecutorTest {
  private static final String RECORD = Pkcs12Record.FILE_NAME;
  private static final char[] PASSWORD = Pkcs12Stores.PASSWORD.toCharArray();

  private final Pkcs12Stores stores = new Pkcs12Stores();

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  /** Asserts the snapshot's record describes each PKCS#12 file as decoding it does. */
  private static void assertRecordDescribesBothFiles(StoreSnapshot snapshot) throws Exception {
    Pkcs12Record record = Pkcs12Record.parse(snapshot.files().get(RECORD)).orElseThrow();
    for (String name : Pkcs12Record.FILES) {
      byte[] file = snapshot.files().get(name);
      assertThat(record.factsOf(name, file)).contains(Pkcs12.read(file, PASSWORD));
      assertThat(record.opensWith(snapshot.files(), PASSWORD, java.util.Set.of())).isTrue();
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
}
