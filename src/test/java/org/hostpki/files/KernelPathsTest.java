package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DIR/link/../f} names what the kernel opens by it, the file beside the link's target, in
 * a command's arguments and in the desired state's paths; without links names are tidied as
 * {@link Path#normalize()} tidies them.
 */
class KernelPathsTest {
  @TempDir Path dir;

  @Test
  void dotDotStaysAfterALinkAndGoesAfterAFolder() throws IOException {
    Path inner = Files.createDirectories(dir.resolve("away/inner"));
    Files.writeString(dir.resolve("away/f.pem"), "beside the link's target");
    Files.writeString(dir.resolve("f.pem"), "beside the link");
    Path link = Files.createSymbolicLink(dir.resolve("link"), inner);

    Path resolved = KernelPaths.resolve(dir, Path.of("link/../f.pem"));

    assertThat(resolved).isEqualTo(link.resolve("../f.pem"));
    assertThat(Files.readString(resolved)).isEqualTo("beside the link's target");
    assertThat(KernelPaths.resolve(dir, Path.of("./away//inner/./../f.pem"))).isEqualTo(dir.resolve("away/f.pem"));
    assertThat(KernelPaths.resolve(dir, Path.of("link/../inner/../f.pem"))).as("a folder after the link's '..'")
        .isEqualTo(link.resolve("../f.pem"));
    assertThat(KernelPaths.resolve(dir, Path.of("link/../../x"))).isEqualTo(link.resolve("../../x"));
    assertThat(KernelPaths.resolve(dir, Path.of("missing/../f.pem"))).as("no link there to follow")
        .isEqualTo(dir.resolve("f.pem"));
    assertThat(KernelPaths.resolve(dir, Path.of("f.pem/../x"))).as("ENOTDIR, as the kernel says")
        .isEqualTo(dir.resolve("f.pem/../x"));
    assertThat(KernelPaths.resolve(dir, Path.of("/../.."))).isEqualTo(Path.of("/"));
    assertThat(KernelPaths.resolve(dir, Path.of(dir + "/away/../f.pem"))).isEqualTo(dir.resolve("f.pem"));

    Path yaml = Files.writeString(dir.resolve("host.yaml"), "");
    DesiredState desired = new DesiredStateLoader().loadString(yaml, """
        apiVersion: hostpki/v1
        store: {path: pki}
        trust: {crls: [away/inner/../f.pem]}
        """).desiredState().orElseThrow();
    assertThat(desired.trust().crls()).extracting(c -> c.path()).containsExactly(dir.resolve("away/f.pem"));
    // The store's code takes the names of what it writes as they stand: a '..' only the kernel
    // resolves is refused in the desired state, and so is a desired state named with one.
    Path kernels = Files.createDirectories(dir.resolve("away/pki"));
    assertThat(new DesiredStateLoader().loadString(yaml, "apiVersion: hostpki/v1\nstore: {path: link/../pki}\n")
            .problems()).anySatisfy(p -> assertThat(p.message())
        .startsWith("store.path 'link/../pki' goes up ('..') after a symbolic link")
        // A desired state written for a build that took it by name: which folder that was, the
        // store the host has (upgrade trial: 'name it without that ..' alone left a guess open).
        .endsWith("; earlier hostpki builds took it by name, as " + dir.resolve("pki")
            + "; the kernel goes to " + kernels.toRealPath() + ": write the one meant"));
    assertThat(new DesiredStateLoader().load(link.resolve("../h.yaml")).problems()).singleElement()
        .satisfies(p -> assertThat(p.message()).startsWith("the desired state's path goes up ('..') after a symbolic link"));
  }
}
