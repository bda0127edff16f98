package org.hostpki.files;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One open in an opener thread of {@link InputFiles#openBounded}, handed to the caller that waits
 * for it: the channel, or what the open threw, when it returns within the limit; an open given up
 * on (the limit passed, or the caller was interrupted) is closed when it returns at last, so no
 * channel is left open behind a refusal.
 *
 * <p>Apart from {@link InputFiles} because it is the one part that knows threads and nothing of
 * files: what is opened, looked at and read stays there.
 */
final class Opening<C extends SeekableByteChannel> implements Runnable {
  private final InputFiles.Opener<C> opener;
  private C channel;
  private IOException failure;
  private RuntimeException unchecked;
  private boolean done;
  private boolean abandoned;

  Opening(InputFiles.Opener<C> opener) {
    this.opener = opener;
  }

  @Override
  public void run() {
    C opened = null;
    IOException ioFailure = null;
    RuntimeException runtimeFailure = null;
    try {
      opened = opener.open();
    } catch (IOException e) {
      ioFailure = e;
    } catch (RuntimeException e) {
      runtimeFailure = e;
    }
    synchronized (this) {
      if (!abandoned) {
        channel = opened;
        failure = ioFailure;
        unchecked = runtimeFailure;
        done = true;
        notifyAll();
        return;
      }
    }
    if (opened != null) {
      try {
        opened.close();
      } catch (IOException e) {
        // given up on already: nothing to tell
      }
    }
  }

  /** The channel; null when it did not open within the limit (then it is given up on). */
  synchronized C await(Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    try {
      while (!done) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          abandoned = true;
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      abandoned = true;
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
    if (unchecked != null) {
      throw unchecked;
    }
    return channel;
  }
}
