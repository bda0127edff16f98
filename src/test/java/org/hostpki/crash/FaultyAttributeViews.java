package org.hostpki.crash;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import org.hostpki.crash.FileOperation.Kind;

/** Attribute views whose setters are numbered operations (chmod, chown, utimes). */
final class FaultyAttributeViews {
  private FaultyAttributeViews() {}

  private static void set(FaultInjector injector, Path raw, FaultInjector.IoCall<Void> change)
      throws IOException {
    injector.mutate(
        Kind.SET_ATTRIBUTE,
        raw,
        null,
        () -> {
          injector.cache().beforeSetAttributes(injector.currentIndex(), raw);
          return change.call();
        });
  }

  record Basic(FaultInjector injector, Path raw, BasicFileAttributeView view)
      implements BasicFileAttributeView {
    @Override
    public String name() {
      return view.name();
    }

    @Override
    public BasicFileAttributes readAttributes() throws IOException {
      return injector.read(view::readAttributes);
    }

    @Override
    public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
      set(injector, raw, () -> {
        view.setTimes(modified, access, create);
        return null;
      });
    }
  }

  record Owner(FaultInjector injector, Path raw, FileOwnerAttributeView view)
      implements FileOwnerAttributeView {
    @Override
    public String name() {
      return view.name();
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return injector.read(view::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      set(injector, raw, () -> {
        view.setOwner(owner);
        return null;
      });
    }
  }

  record Posix(FaultInjector injector, Path raw, PosixFileAttributeView view)
      implements PosixFileAttributeView {
    @Override
    public String name() {
      return view.name();
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
      return injector.read(view::readAttributes);
    }

    @Override
    public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
      set(injector, raw, () -> {
        view.setTimes(modified, access, create);
        return null;
      });
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return injector.read(view::getOwner);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      set(injector, raw, () -> {
        view.setOwner(owner);
        return null;
      });
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
      set(injector, raw, () -> {
        view.setPermissions(permissions);
        return null;
      });
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
      set(injector, raw, () -> {
        view.setGroup(group);
        return null;
      });
    }
  }
}
