package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hostpki.apply.StoreObserver;
import org.hostpki.plan.Output;
import org.hostpki.plan.Planner;
import org.hostpki.sign.IssuedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class StoreLayoutTest {

  @Test
  void testOwnNames_holdEveryNameTheWritersUse() {
    List<String> written = new ArrayList<>(List.of("ca.crt", "ca.key", "server.key", "server.crt", "server.csr"));
    for (Output output : Output.values()) {
      written.add(output.fileName());
    }
    written.addAll(
        List.of(
            Planner.CA_NEXT_CERT_FILE,
            Planner.CA_NEXT_KEY_FILE,
            Planner.CA_PREVIOUS_CERT_FILE,
            Planner.EXTERNAL_CHAIN_FILE,
            top(StoreObserver.TRUST_DIR),
            top(StoreObserver.HASHED_DIR),
            top(IssuedCertificate.DIRECTORY)));

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

  private static String top(String directory) {
    return directory.substring(0, directory.indexOf('/'));
  }
}
