package org.hostpki.files;

/**
 * The bits of {@code st_mode} (stat(2)) that the walks over a path read, as the {@code unix:mode}
 * attribute gives them: who besides the owner may write a folder, the sticky bit, and the file's
 * type. One place for them, so that every walk that decides who may change a name reads the same
 * bits by the same names ({@link OwnWays}, and install/'s walk to a trust.install target).
 */
public final class FileModes {
  /** The group's and others' write bits: with an ACL, the group bits are its mask. */
  public static final int OTHERS_MAY_WRITE = 0022;

  /** Others' write bit alone. */
  public static final int EVERY_USER_MAY_WRITE = 0002;

  /** In a sticky folder ({@code /tmp}) only a name's owner may remove or rename it. */
  public static final int STICKY = 01000;

  /** The type bits ({@code S_IFMT}), and the types the walks tell apart. */
  public static final int TYPE = 0170000;

  public static final int DIRECTORY = 0040000;
  public static final int REGULAR = 0100000;
  public static final int LINK = 0120000;

  private FileModes() {}
}
