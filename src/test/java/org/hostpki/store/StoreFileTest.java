package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.store.StoreFiles.bytes;

import org.hostpki.model.FileKind;
import org.junit.jupiter.api.Test;

class StoreFileTest {

  @Test
  void testContent_isCopiedInAndOut() {
    byte[] content = bytes("key");
    StoreFile file = new StoreFile(content, FileKind.PRIVATE_KEY);

    content[0] = 'X';
    file.content()[1] = 'X';

    assertThat(file.content()).isEqualTo(bytes("key"));
  }

  @Test
  void testAdopting_takesTheArrayUncopied() {
    byte[] content = bytes("bundle");
    StoreFile file = StoreFile.adopting(content, FileKind.CERTIFICATES);

    assertThat(file.bytes()).isSameAs(content);
    assertThat(file).isEqualTo(new StoreFile(bytes("bundle"), FileKind.CERTIFICATES));
    assertThat(file.content()).isNotSameAs(content).isEqualTo(content);
  }

  @Test
  void testHasContent_comparesTheBytes() {
    StoreFile file = new StoreFile(bytes("ab"), FileKind.CERTIFICATES);

    assertThat(file.hasContent(bytes("ab"))).isTrue();
    assertThat(file.hasContent(bytes("aB"))).isFalse();
    assertThat(file.hasContent(bytes("abc"))).isFalse();
    assertThat(file.hasContent(null)).isFalse();
  }

  @Test
  void testEquals_byContentAndSecrecy() {
    assertThat(new StoreFile(bytes("a"), FileKind.CERTIFICATES))
        .isEqualTo(new StoreFile(bytes("a"), FileKind.CERTIFICATES));
    assertThat(new StoreFile(bytes("a"), FileKind.CERTIFICATES))
        .isNotEqualTo(new StoreFile(bytes("a"), FileKind.PRIVATE_KEY));
  }

  @Test
  void testToString_doesNotShowTheContent() {
    assertThat(new StoreFile(bytes("private"), FileKind.PRIVATE_KEY)).hasToString("StoreFile[7 bytes, secret]");
  }
}
