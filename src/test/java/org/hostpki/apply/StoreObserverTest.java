package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Pkcs12;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The PKCS#12 part of observing: facts from the record exactly when it proves them. */
class StoreObserverTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String RECORD = StoreLayout.PKCS12_RECORD;

  private final Pkcs12Stores stores = new Pkcs12Stores();

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  private StoreSnapshot applied(Pkcs12Profile profile) throws IOException {
    stores.apply(stores.desired(profile));
    return stores.read();
  }

  private ObservedStore observe(StoreSnapshot snapshot, String password) {
    return new StoreObserver()
        .observe(snapshot, stores.store, Optional.of(password.toCharArray()), "environment variable PW")
        .facts();
  }

  private ObservedStore observe(StoreSnapshot snapshot) {
    return observe(snapshot, Pkcs12Stores.PASSWORD);
  }

  private static Pkcs12Facts decoded(StoreSnapshot snapshot, String name) throws Exception {
    return Pkcs12.read(snapshot.files().get(name), Pkcs12Stores.PASSWORD.toCharArray());
  }

  /** A record of both files with these facts. */
  private static byte[] record(StoreSnapshot snapshot, Pkcs12Facts facts) {
    Map<String, Pkcs12Record.Entry> entries = new TreeMap<>();
    for (String name : StoreLayout.PKCS12_FILES) {
      entries.put(name, Pkcs12Record.Entry.of(snapshot.files().get(name), facts));
    }
    return new Pkcs12Record(entries).format();
  }

  private static final Pkcs12Facts FORGED =
      new Pkcs12Facts(
          Optional.empty(),
          Map.of("forged", Fingerprint.sha256(new byte[] {1})),
          Pkcs12Profile.LEGACY);

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testObserve_factsFromTheRecordEqualTheDecodedFacts(Pkcs12Profile profile)
      throws Exception {
    StoreSnapshot snapshot = applied(profile);
    assertThat(snapshot.files()).containsKeys(RECORD, "server.p12", "truststore.p12");

    ObservedStore fromRecord = observe(snapshot);

    assertThat(fromRecord.serverPkcs12()).contains(decoded(snapshot, "server.p12"));
    assertThat(fromRecord.truststorePkcs12()).contains(decoded(snapshot, "truststore.p12"));
    assertThat(fromRecord.truststorePkcs12().orElseThrow().trustedEntries())
        .containsKeys(StoreLayout.CA_ALIAS, "ldap");
    assertThat(fromRecord.serverPkcs12().orElseThrow().profile()).isEqualTo(profile);
    ObservedStore decodedStore = observe(Pkcs12Stores.with(snapshot, RECORD, null));
    assertThat(fromRecord)
        .usingRecursiveComparison()
        .ignoringFields("contentFingerprint")
        .isEqualTo(decodedStore);
  }

  @Test
  void testObserve_aRecordThatMatchesStandsInForDecoding() throws IOException {
    // Facts no decoding gives: seeing them proves the files were not decoded.
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    byte[] forged = record(snapshot, FORGED);

    ObservedStore observed = observe(Pkcs12Stores.with(snapshot, RECORD, forged));

    assertThat(observed.serverPkcs12()).contains(FORGED);
    assertThat(observed.truststorePkcs12()).contains(FORGED);
  }

  @Test
  void testObserve_theRecordHoldsNothingDerivedFromThePassword() throws IOException {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);

    String record = new String(snapshot.files().get(RECORD), StandardCharsets.UTF_8);

    assertThat(record).startsWith("hostpki pkcs12-facts 2\n").doesNotContain("password", "salt");
    assertThat(record.lines().filter(l -> l.startsWith("sha256 ")).toList()).hasSize(2);
  }

  @Test
  void testObserve_theRecordIsUsedOnlyWhenThePasswordOpensTheFilesItDescribes() throws Exception {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    StoreSnapshot forged = Pkcs12Stores.with(snapshot, RECORD, record(snapshot, FORGED));

    // The MAC of server.p12 refuses the password: the files are decoded, which fails as ever.
    assertThatThrownBy(() -> observe(forged, "an earlier password"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("server.p12: cannot be opened with the store password");
  }

  @Test
  void testObserve_aFileOpenedWithThePasswordInThisRunIsNotCheckedAgain() throws Exception {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    StoreSnapshot forged = Pkcs12Stores.with(snapshot, RECORD, record(snapshot, FORGED));

    // Told that server.p12 opens with it, no MAC is computed: even a wrong password passes.
    ObservedStore observed =
        new StoreObserver()
            .observe(
                forged,
                stores.store,
                Optional.of("not checked".toCharArray()),
                "environment variable PW",
                List.of(),
                Map.of(Fingerprint.sha256(snapshot.files().get("server.p12")), snapshot.files().get("server.p12")),
                Optional.empty())
            .facts();

    assertThat(observed.serverPkcs12()).contains(FORGED);
  }

  @Test
  void testObserve_aVersion1RecordIsReadAndMarkedOutdated() throws Exception {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    String v2 = new String(record(snapshot, FORGED), StandardCharsets.UTF_8);
    String v1 =
        v2.replace("hostpki pkcs12-facts 2\n", "hostpki pkcs12-facts 1\n")
            .replaceAll(
                "(sha256 [0-9a-f]{64}\n)",
                "$1password-salt " + "ab".repeat(16) + "\npassword-sha256 " + "cd".repeat(32) + "\n");

    ObservedStore observed =
        observe(Pkcs12Stores.with(snapshot, RECORD, v1.getBytes(StandardCharsets.UTF_8)));

    assertThat(observed.serverPkcs12()).contains(FORGED);
    assertThat(observed.outdatedPkcs12Record()).isTrue();
    assertThat(observe(snapshot).outdatedPkcs12Record()).isFalse();
  }

  @Test
  void testObserve_wrongPasswordFailsExactlyAsWithoutARecord() throws IOException {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    String withoutRecord =
        messageOf(() -> observe(Pkcs12Stores.with(snapshot, RECORD, null), "not the password"));

    assertThatThrownBy(() -> observe(snapshot, "not the password"))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(withoutRecord)
        .hasMessageContaining("server.p12: cannot be opened with the store password");
  }

  @Test
  void testObserve_replacedFileIsDecoded() throws Exception {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    StoreContents contents =
        new StoreObserver()
            .observe(snapshot, stores.store, Optional.of("pw".toCharArray()), "environment variable PW");
    // Another valid key store with the same password: only its own bytes can tell what it holds.
    byte[] other =
        Pkcs12.keyStore(
            "other",
            contents.serverKey().orElseThrow(),
            List.of(contents.serverCertificate().orElseThrow()),
            Pkcs12Stores.PASSWORD.toCharArray(),
            Pkcs12Profile.LEGACY,
            RANDOM);

    ObservedStore observed = observe(Pkcs12Stores.with(snapshot, "server.p12", other));

    Pkcs12Facts expected = Pkcs12.read(other, Pkcs12Stores.PASSWORD.toCharArray());
    assertThat(observed.serverPkcs12()).contains(expected);
    assertThat(expected.keyEntry().orElseThrow().alias()).isEqualTo("other");
    assertThat(observed.truststorePkcs12()).contains(decoded(snapshot, "truststore.p12"));
  }

  @Test
  void testObserve_damagedFileIsReportedAsWithoutARecord() throws IOException {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    byte[] damaged = snapshot.files().get("truststore.p12").clone();
    damaged[damaged.length - 10] ^= 1;
    StoreSnapshot damagedStore = Pkcs12Stores.with(snapshot, "truststore.p12", damaged);
    String withoutRecord =
        messageOf(() -> observe(Pkcs12Stores.with(damagedStore, RECORD, null)));

    assertThatThrownBy(() -> observe(damagedStore))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(withoutRecord)
        .hasMessageContaining("truststore.p12");
  }

  @Test
  void testObserve_garbledRecordIsIgnored() throws Exception {
    StoreSnapshot snapshot = applied(Pkcs12Profile.MODERN);
    byte[] garbled = "hostpki pkcs12-facts 2\nfile server.p12\n".getBytes(StandardCharsets.UTF_8);

    ObservedStore observed = observe(Pkcs12Stores.with(snapshot, RECORD, garbled));

    assertThat(observed.serverPkcs12()).contains(decoded(snapshot, "server.p12"));
    assertThat(observed.truststorePkcs12()).contains(decoded(snapshot, "truststore.p12"));
  }

  @Test
  void testObserve_withoutAPasswordTheRecordIsNotUsed() throws IOException {
    StoreSnapshot snapshot = applied(Pkcs12Profile.LEGACY);

    ObservedStore observed =
        new StoreObserver()
            .observe(snapshot, stores.store, Optional.empty(), "no password")
            .facts();

    Pkcs12Facts unopened = new Pkcs12Facts(Optional.empty(), Map.of(), Pkcs12Profile.MODERN);
    assertThat(observed.serverPkcs12()).contains(unopened);
    // The trust store has no password: read whole, without one.
    assertThat(observed.truststorePkcs12().orElseThrow().trustedEntries()).containsKey("ldap");
  }

  private static String messageOf(Runnable observing) {
    try {
      observing.run();
    } catch (HostpkiException e) {
      return e.getMessage();
    }
    throw new AssertionError("observing did not fail");
  }
}
