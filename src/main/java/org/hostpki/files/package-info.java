/**
 * Reading files hostpki does not write itself: the desired state, the password file, trusted
 * certificates, an external chain, a certificate request, a saved plan, the host's own files, and
 * (through the store package) the store's files.
 *
 * <p>Every such file is looked at before it is opened and read only when it is a regular file: a
 * FIFO would block the read (and with it a run that holds the store lock), a device such as
 * {@code /dev/zero} would never end. As a file may be swapped for a FIFO after that look, the
 * open itself runs in a daemon thread and is waited for a few seconds at most, and what opened is
 * refused unless it can seek and is a regular file still ({@link
 * org.hostpki.files.InputFiles#openBounded} for opens relative to a folder held open). What is read is bounded by a limit that suits the kind of
 * file ({@link org.hostpki.files.InputKind}, all limits in one place), so no file can exhaust the
 * memory. Failures carry their reason in words ({@link org.hostpki.files.FileReasons}) for the
 * caller to put after the file's name.
 *
 * <p>Depends on nothing but the JDK; every package that reads files may use it.
 */
package org.hostpki.files;
