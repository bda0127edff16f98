package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.hostpki.plan.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class StoreLayoutTest {
  private final StoreLayout layout = StoreLayout.standard();

  @Test
  void testKindOf_keysAndKeyStoresAreForTheirOwnerAlone() {
    for (String name :
        new String[] {
          StoreLayout.CA_KEY, StoreLayout.CA_NEXT_KEY, StoreLayout.SERVER_KEY,
          StoreLayout.SERVER_PKCS12
        }) {
      assertThat(layout.kindOf(name).ownerOnly()).as(name).isTrue();
      assertThat(layout.kindOf(name).secret()).as(name).isTrue();
    }
    // No password protects the trust store: it holds certificates, public as the bundle.
    assertThat(layout.kindOf(StoreLayout.TRUSTSTORE_PKCS12)).isEqualTo(FileKind.CERTIFICATES);
  }

  @Test
  void testKindOf_theRecordOfTheKeyStoresIsSecretButNotAKey() {
    FileKind record = layout.kindOf(StoreLayout.PKCS12_RECORD);

    assertThat(record.secret()).isTrue();
    assertThat(record.ownerOnly()).isFalse();
  }

  @Test
  void testKindOf_certificatesAndTheRequestArePublic() {
    for (String name :
        new String[] {
          StoreLayout.CA_CERT, StoreLayout.CA_NEXT_CERT, StoreLayout.CA_PREVIOUS_CERT,
          StoreLayout.SERVER_CERT, StoreLayout.SERVER_FULLCHAIN, StoreLayout.SERVER_CSR,
          StoreLayout.EXTERNAL_CHAIN, StoreLayout.TRUST_BUNDLE, "trust/ldap.crt",
          "trust-hashed/1a2b3c4d.0", "issued/0A.crt"
        }) {
      assertThat(layout.kindOf(name).secret()).as(name).isFalse();
    }
  }

  @Test
  void testKindOf_goesByTheNameNotItsEnding() {
    assertThat(layout.kindOf("trust/odd.key")).isEqualTo(FileKind.CERTIFICATES);
    assertThat(layout.kindOf("haproxy.pem")).isEqualTo(FileKind.UNKNOWN);
    assertThat(layout.with("haproxy.pem", FileKind.PRIVATE_KEY).kindOf("haproxy.pem"))
        .isEqualTo(FileKind.PRIVATE_KEY);
  }

  @Test
  void testKindOf_aNameTheLayoutLacksIsKeptPrivate() {
    assertThat(layout.kindOf("left-by-hand.txt").secret()).isTrue();
    assertThat(layout.kindOf("left-by-hand.txt").ownerOnly()).isFalse();
  }

  @Test
  void testWith_refusesTheStoresOwnNames() {
    assertThatThrownBy(() -> layout.with(StoreLayout.SERVER_KEY, FileKind.CERTIFICATES))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout.with("trust/x.crt", FileKind.CERTIFICATES))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testTrustFile_roundTrips() {
    assertThat(StoreLayout.trustFile("ldap")).isEqualTo("trust/ldap.crt");
    assertThat(StoreLayout.trustName("trust/ldap.crt")).contains("ldap");
    assertThat(StoreLayout.trustName("trust/ldap.pem")).isEmpty();
    assertThat(StoreLayout.trustName("ca.crt")).isEmpty();
    assertThat(StoreLayout.hashedName(StoreLayout.hashedFile("1a2b3c4d.0"))).contains("1a2b3c4d.0");
  }

  @Test
  void testOwnNames_holdEveryNameTheWritersUse() {
    List<String> written =
        new ArrayList<>(
            List.of(
                StoreLayout.CA_CERT, StoreLayout.CA_KEY, StoreLayout.SERVER_KEY,
                StoreLayout.SERVER_CERT, StoreLayout.SERVER_CSR));
    for (Output output : Output.values()) {
      written.add(output.fileName());
    }
    written.addAll(
        List.of(
            StoreLayout.CA_NEXT_CERT,
            StoreLayout.CA_NEXT_KEY,
            StoreLayout.CA_PREVIOUS_CERT,
            StoreLayout.EXTERNAL_CHAIN,
            top(StoreLayout.trustFile("x")),
            top(StoreLayout.hashedFile("x")),
            StoreLayout.ISSUED_DIRECTORY));

    assertThat(StoreLayout.OWN_NAMES).containsAll(written);
  }

  @Test
  void testOutputNameProblem_acceptsPlainNames() {
    for (String name : List.of("haproxy.pem", "server.jks", "pg.key", "app.p12", "ca.der", "haproxy.pem.key", "a")) {
      assertThat(StoreLayout.outputNameProblem(name)).as(name).isEmpty();
    }
  }

  @Test
  void testOutputNameProblem_refusesTheStoresOwnNamesInAnyCase() {
    assertThat(StoreLayout.outputNameProblem("server.key")).contains("is one of the store's own files");
    assertThat(StoreLayout.outputNameProblem("Trust")).contains("is the store's own trust on a file system that ignores case");
    assertThat(StoreLayout.outputNameProblem("TRUSTSTORE.P12")).isPresent();
  }

  @Test
  void testOutputNameProblem_refusesFoldersDotFilesAndOverlongNames() {
    for (String name : List.of("", ".", "..", "../x.pem", "a/b.pem", "a\\b.pem", "..data", ".lock", ".pkcs12-facts", "x".repeat(256))) {
      assertThat(StoreLayout.outputNameProblem(name)).as(name).isPresent();
    }
  }

  private static String top(String name) {
    return name.substring(0, name.indexOf('/'));
  }
}
