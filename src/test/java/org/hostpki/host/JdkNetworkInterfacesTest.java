package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.util.List;
import org.hostpki.host.NetworkInterfaces.Nic;
import org.junit.jupiter.api.Test;

/** The real interfaces of the machine the tests run on: every machine has a loopback one. */
class JdkNetworkInterfacesTest {

  @Test
  void testList_includesAnUpLoopbackInterfaceWithALoopbackAddress() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      List<Nic> nics = NetworkInterfaces.system(fs.getPath("/")).list();

      assertThat(nics)
          .anySatisfy(
              nic -> {
                assertThat(nic.loopback()).isTrue();
                assertThat(nic.up()).isTrue();
                assertThat(nic.addresses()).anyMatch(a -> a.isLoopbackAddress());
              });
    }
  }
}
