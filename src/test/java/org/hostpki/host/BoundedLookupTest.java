package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedLookupTest {
  private static final Duration TIMEOUT = Duration.ofMillis(200);

  @Test
  void testCanonicalName_answerInTime() {
    BoundedLookup lookup = new BoundedLookup(host -> Optional.of(host + ".example"), TIMEOUT);

    assertThat(lookup.canonicalName("portal")).contains("portal.example");
  }

  @Test
  void testCanonicalName_noAnswerAfterTheTimeout() {
    CountDownLatch never = new CountDownLatch(1);
    BoundedLookup lookup =
        new BoundedLookup(
            host -> {
              try {
                never.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Optional.of("portal.too-late.example");
            },
            TIMEOUT);

    assertThat(lookup.canonicalName("portal")).isEmpty();
  }

  @Test
  void testCanonicalName_runtimeExceptionIsNoAnswer() {
    BoundedLookup lookup =
        new BoundedLookup(
            host -> {
              throw new IllegalStateException("resolver bug");
            },
            TIMEOUT);

    assertThat(lookup.canonicalName("portal")).isEmpty();
  }

  @Test
  void testCanonicalName_errorIsNoAnswer() {
    BoundedLookup lookup =
        new BoundedLookup(
            host -> {
              throw new StackOverflowError();
            },
            TIMEOUT);

    assertThat(lookup.canonicalName("portal")).isEmpty();
  }

  @Test
  void testCanonicalName_nullAnswerIsNoAnswer() {
    BoundedLookup lookup = new BoundedLookup(host -> null, TIMEOUT);

    assertThat(lookup.canonicalName("portal")).isEmpty();
  }

  @Test
  void testConstructor_timeoutMustBePositive() {
    assertThatThrownBy(() -> new BoundedLookup(host -> Optional.empty(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
