package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.store.StoreFiles.bytes;

import org.junit.jupiter.api.Test;

class StoreFileTest {

  @Test
  void testContent_isCopiedInAndOut() {
    byte[] content = bytes("key");
    StoreFile file = StoreFile.secretFile(content);

    content[0] = 'X';
    file.content()[1] = 'X';

    assertThat(file.content()).isEqualTo(bytes("key"));
  }

  @Test
  void testEquals_byContentAndSecrecy() {
    assertThat(StoreFile.publicFile(bytes("a"))).isEqualTo(StoreFile.publicFile(bytes("a")));
    assertThat(StoreFile.publicFile(bytes("a"))).isNotEqualTo(StoreFile.secretFile(bytes("a")));
  }

  @Test
  void testToString_doesNotShowTheContent() {
    assertThat(StoreFile.secretFile(bytes("private"))).hasToString("StoreFile[7 bytes, secret]");
  }
}
