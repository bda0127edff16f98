package org.hostpki;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of the main code's package dependencies, and what each package may touch. The
 * README's "Architecture" paragraph states the same rules; change both together.
 *
 * <pre>
 *   model                                       the domain as values; the JDK only
 *     ← files, config, host, pki, store, plan   reading, parsing, keys, the store, the planner
 *       ← apply, sign, acme, install, fetch     the engine and the edges that act
 *         ← cli                                 commands and wiring; nothing uses it
 * </pre>
 *
 * A package may use the packages of the tiers below its own and, without cycles, those of its own
 * tier. Beyond the tiers: pki is the only package that touches BouncyCastle, acme the only one
 * that touches acme4j, cli the only one that touches picocli, and the planner does no I/O and
 * reads no clock.
 */
class ArchitectureTest {
  private static final String ROOT = "org.hostpki";

  /** The tiers, lowest first. A new package must be placed here (see {@link #everyPackageHasATier}). */
  private static final List<Set<String>> TIERS =
      List.of(
          Set.of("model"),
          // renewal: the planner's renewal schedules, as pure as the planner; json: the one JSON
          // writer and reader (text in, text out), which the planner's plan form uses too
          Set.of("files", "config", "host", "pki", "store", "plan", "renewal", "json"),
          // remote is fetch's old name (issue 15: remote/ becomes fetch/); check and metrics read
          // plans and renewal schedules for monitoring
          Set.of("apply", "sign", "acme", "install", "fetch", "remote", "check", "metrics"),
          Set.of("cli"));

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
    assertThat(main).as("the main classes (target/classes)").hasSizeGreaterThan(100);
  }

  @Test
  void everyPackageHasATier() {
    Set<String> unplaced = new TreeSet<>();
    for (JavaPackage p : main.getPackage(ROOT).getSubpackages()) {
      if (tierOf(p.getRelativeName()) < 0) {
        unplaced.add(p.getRelativeName());
      }
    }
    assertThat(unplaced).as("packages not in ArchitectureTest.TIERS (place them)").isEmpty();
  }

  /**
   * The README's "How hostpki is built" names the tiers in order, each package in its tier:
   * {@code `model` (...) ← `files`, ... ← ... ← `cli` (`ArchitectureTest` holds it)}.
   */
  @Test
  void theReadmeNamesEveryPackageInItsTier() throws IOException {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"));
    int start = readme.indexOf("The code runs one way:");
    int end = readme.indexOf("(`ArchitectureTest` holds it)", start);
    assertThat(start).as("README.md: 'The code runs one way:' ... (`ArchitectureTest` holds it)").isNotNegative();
    assertThat(end).as("README.md: 'The code runs one way:' ... (`ArchitectureTest` holds it)").isPositive();
    String chain = readme.substring(start, end).replaceAll("\\([^()]*\\)", "");
    List<Set<String>> named = new ArrayList<>();
    for (String tier : chain.split("←")) {
      Set<String> packages = new TreeSet<>();
      Matcher m = Pattern.compile("`([a-z]+)`").matcher(tier);
      while (m.find()) {
        packages.add(m.group(1));
      }
      named.add(packages);
    }
    Set<String> existing = new TreeSet<>();
    main.getPackage(ROOT).getSubpackages().forEach(p -> existing.add(p.getRelativeName()));
    List<Set<String>> tiers = TIERS.stream()
        .map(t -> (Set<String>) new TreeSet<>(t.stream().filter(existing::contains).toList()))
        .toList();
    assertThat(named).as("README.md, How hostpki is built: the tiers from model to cli").isEqualTo(tiers);
  }

  @Test
  void packagesUseOnlyTheirOwnAndLowerTiers() {
    Map<String, Set<String>> upward = new TreeMap<>();
    main.stream()
        .filter(c -> !topPackage(c).isEmpty())
        .forEach(
            origin ->
                origin.getDirectDependenciesFromSelf().forEach(d -> {
                  String from = topPackage(origin);
                  String to = topPackage(d.getTargetClass());
                  if (!to.isEmpty() && tierOf(to) > tierOf(from)) {
                    upward.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>())
                        .add(d.getDescription());
                  }
                }));
    assertThat(upward).as("dependencies against the direction model <- ... <- cli").isEmpty();
  }

  @Test
  void packagesHaveNoCycles() {
    SlicesRuleDefinition.slices()
        .matching(ROOT + ".(*)..")
        .should()
        .beFreeOfCycles()
        .check(main);
  }

  @Test
  void modelUsesOnlyTheJdk() {
    noClasses()
        .that().resideInAPackage(ROOT + ".model..")
        .should().dependOnClassesThat().resideOutsideOfPackages("java..", ROOT + ".model..")
        .because("model is the domain as values: every other package may use it, it uses none")
        .check(main);
  }

  @Test
  void thePlannerUsesOnlyTheModel() {
    noClasses()
        .that().resideInAPackage(ROOT + ".plan..")
        .should().dependOnClassesThat().resideOutsideOfPackages(
            "java..", ROOT + ".model..", ROOT + ".plan..", ROOT + ".renewal..", ROOT + ".json..")
        .because("the planner is a pure function of (desired, observed, now)")
        .check(main);
  }

  @Test
  void thePlannerDoesNoIoAndReadsNoClock() {
    noClasses()
        .that().resideInAnyPackage(ROOT + ".plan..", ROOT + ".renewal..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "java.nio.file.spi..", "java.nio.channels..", "java.net.http..", "javax.net..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Paths")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.FileSystems")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
        .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.(File|Random).*")
        .orShould().dependOnClassesThat().haveNameMatching("java\\.net\\.(Socket|ServerSocket|URL|HttpURLConnection).*")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Runtime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().callMethodWhere(ArchitectureTest.readsTheWorld())
        .because("the planner is a pure function of (desired, observed, now): I/O, time and"
            + " randomness are injected at the edges")
        .check(main);
  }

  @Test
  void onlyPkiTouchesBouncyCastle() {
    noClasses()
        .that().resideOutsideOfPackage(ROOT + ".pki..")
        .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
        .because("pki wraps BouncyCastle; its types hand out model facts and encoded bytes")
        .check(main);
  }

  @Test
  void onlyAcmeTouchesAcme4j() {
    noClasses()
        .that().resideOutsideOfPackage(ROOT + ".acme..")
        .should().dependOnClassesThat().resideInAPackage("org.shredzone.acme4j..")
        .because("runs that do not order never load acme4j")
        .check(main);
  }

  /**
   * acme4j brings BouncyCastle code of its own (its CSRBuilder, KeyPairUtils, CertificateUtils,
   * {@code Order.execute(KeyPair)}). The acme package makes its keys and requests with pki and
   * hands acme4j only JDK types and DER, so the BouncyCastle that runs through acme4j is limited
   * to the calls listed here: each acme4j method acme calls, and everything it calls within
   * acme4j, is searched for a BouncyCastle reference. All acme4j runs BC for is the ARI id; it
   * runs the BouncyCastle held at ours in the pom (one version), and installs no JCA provider.
   */
  @Test
  void acmeReachesBouncyCastleThroughAcme4jOnlyWhereListed() {
    Set<String> allowed =
        Set.of(
            // The ARI certificate id (RFC 9773), which acme4j computes from the certificate's
            // authority key identifier and serial with BC: directly, when asking for renewal
            // information, and when an order names the certificate it replaces.
            "org.shredzone.acme4j.toolbox.AcmeUtils.getRenewalUniqueIdentifier(java.security.cert.X509Certificate)",
            "org.shredzone.acme4j.Login.bindRenewalInfo(java.security.cert.X509Certificate)",
            "org.shredzone.acme4j.OrderBuilder.replaces(java.security.cert.X509Certificate)");
    JavaClasses acme4j = new ClassFileImporter().importPackages("org.shredzone.acme4j");
    Set<String> reaching = new TreeSet<>();
    main.stream()
        .filter(c -> c.getPackageName().startsWith(ROOT + ".acme"))
        .flatMap(c -> c.getCodeUnits().stream())
        .flatMap(u -> u.getCallsFromSelf().stream())
        .filter(call -> call.getTargetOwner().getPackageName().startsWith("org.shredzone.acme4j"))
        .forEach(call -> {
          String target = call.getTarget().getFullName();
          if (!allowed.contains(target) && reachesBouncyCastle(call, acme4j)) {
            reaching.add(call.getOrigin().getFullName() + " calls " + target);
          }
        });
    assertThat(reaching)
        .as("acme calls into acme4j that run BouncyCastle code: make keys, requests and"
            + " certificates with pki instead")
        .isEmpty();
  }

  @Test
  void onlyCliTouchesPicocli() {
    noClasses()
        .that().resideOutsideOfPackage(ROOT + ".cli..")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .check(main);
  }

  /** Whether the acme4j code a call lands in, or anything it calls within acme4j, uses BC. */
  private static boolean reachesBouncyCastle(JavaAccess<?> call, JavaClasses acme4j) {
    Deque<JavaCodeUnit> todo = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    // acme's classes were imported without the jars: look the target up in acme4j's own import
    inAcme4j(call, acme4j).ifPresent(todo::add);
    while (!todo.isEmpty()) {
      JavaCodeUnit unit = todo.pop();
      if (!seen.add(unit.getFullName())) {
        continue;
      }
      if (usesBouncyCastle(unit)) {
        return true;
      }
      unit.getCallsFromSelf().forEach(c -> inAcme4j(c, acme4j).ifPresent(todo::add));
    }
    return false;
  }

  private static Optional<JavaCodeUnit> inAcme4j(JavaAccess<?> call, JavaClasses acme4j) {
    String owner = call.getTargetOwner().getName();
    if (!acme4j.contain(owner) || !(call.getTarget() instanceof CodeUnitAccessTarget target)) {
      return Optional.empty();
    }
    List<String> parameters =
        target.getRawParameterTypes().stream().map(JavaClass::getName).toList();
    return acme4j.get(owner).tryGetCodeUnitWithParameterTypeNames(target.getName(), parameters);
  }

  private static boolean usesBouncyCastle(JavaCodeUnit unit) {
    return unit.getRawParameterTypes().stream().anyMatch(ArchitectureTest::isBouncyCastle)
        || isBouncyCastle(unit.getRawReturnType())
        || unit.getAccessesFromSelf().stream().anyMatch(a -> isBouncyCastle(a.getTargetOwner()))
        || unit.getReferencedClassObjects().stream().anyMatch(r -> isBouncyCastle(r.getRawType()));
  }

  private static boolean isBouncyCastle(JavaClass type) {
    return type.getName().startsWith("org.bouncycastle.");
  }

  /** Calls that read the clock, the environment, randomness or DNS. */
  private static DescribedPredicate<JavaMethodCall> readsTheWorld() {
    Set<String> forbidden =
        Set.of(
            "java.time.Instant.now",
            "java.time.LocalDate.now",
            "java.time.LocalDateTime.now",
            "java.time.ZonedDateTime.now",
            "java.time.OffsetDateTime.now",
            "java.lang.System.currentTimeMillis",
            "java.lang.System.nanoTime",
            "java.lang.System.getenv",
            "java.lang.System.getProperty",
            "java.lang.Math.random",
            "java.net.InetAddress.getByName",
            "java.net.InetAddress.getAllByName",
            "java.net.InetAddress.getLocalHost",
            "java.net.InetAddress.getHostName",
            "java.net.InetAddress.getCanonicalHostName",
            "java.util.UUID.randomUUID");
    return DescribedPredicate.describe(
        "reads the clock, the environment, randomness or DNS",
        call -> forbidden.contains(call.getTargetOwner().getName() + "." + call.getName()));
  }

  private static String topPackage(JavaClass type) {
    String name = type.getPackageName();
    if (!name.startsWith(ROOT + ".")) {
      return "";
    }
    String rest = name.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static int tierOf(String topPackage) {
    for (int i = 0; i < TIERS.size(); i++) {
      if (TIERS.get(i).contains(topPackage)) {
        return i;
      }
    }
    return -1;
  }
}
