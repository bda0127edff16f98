/**
 * The store directory: reading it safely, writing it atomically, locking it. This package deals
 * in bytes; what they mean is for the pki package and its callers.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * STORE/
 *   .lock                         the writers' lock ({@link org.hostpki.store.StoreLock})
 *   .hostpki-store.json           the store's format ({@link org.hostpki.store.StoreFormat})
 *   ..2026_03_01_12_00_00.000000000/   a generation: a complete set, never changed once made
 *     .generation.json            the writer's metadata (what changed, when, from which file)
 *     .access.json                the owner, group and mode it declared for its files, if any
 *     .hooks-due.json  .hooks-done.json  .hold.json   records about the set, see below
 *     ca.crt  ca.key  server.key  server.crt  ...  trust/NAME.crt  trust-hashed/...
 *   ..2026_03_02_08_30_00.000000000/   an older generation, kept for history and rollback
 *   ..data -&gt; ..2026_03_02_08_30_00.000000000     THE commit point
 *   ca.crt -&gt; ..data/ca.crt       visible names: one link per top-level entry
 *   trust  -&gt; ..data/trust
 * </pre>
 *
 * As the kubelet's atomic writer does (kubernetes {@code pkg/volume/util/atomic_writer.go}), a
 * write makes a complete new generation directory, points {@code ..data_tmp} at it and renames
 * that over {@code ..data}: one {@code rename(2)}, so a reader that opens {@code
 * STORE/server.crt} and {@code STORE/server.key} sees both old or both new, never one of each.
 * Unlike the kubelet, every file and directory of the new generation is synced before the
 * rename, the store directory after it, and writers hold a lock.
 *
 * <h2>A write, step by step, and what a crash at each step leaves</h2>
 *
 * <ol>
 *   <li>Remove leftovers of an interrupted earlier write: a stale {@code ..data_tmp}, any {@code
 *       ..NAME.partial} or {@code ..NAME.removing} directory (an apply that writes nothing removes
 *       them too). One that cannot be removed (a file in it marked immutable, {@code chattr +i})
 *       does not stop the write: no new generation takes its name, and the tidy-up after the
 *       commit tries again and says why it failed. (Crash: more leftovers.)
 *   <li>Write every file into {@code ..NAME.partial} (secret files created 0600, others 0644,
 *       directories 0755; O_CREAT|O_EXCL without following links), sync all files and
 *       directories. A file with exactly the bytes the live generation has under its name is not
 *       written but hard-linked to the live generation's file, already on disk, when the link is
 *       exactly the file writing would make (mode, owner); generations never change a file, and
 *       deleting an old one only removes its names. (Crash: a leftover; the old set is current.)
 *   <li>Link {@code ..data_tmp -> ..NAME}, dangling for now. (Crash: a stale link, a leftover.)
 *   <li>Rename {@code ..NAME.partial} to {@code ..NAME}; make the visible links the new set
 *       needs and the store lacks; sync the store directory. Made now, a link for a name the old
 *       set lacks dangles until the commit, which to a reader is the same as no link; made after
 *       the commit, a crash could leave the new set without it, and no later apply that finds
 *       nothing to do would notice. (Crash: a complete generation that never became current; it
 *       stays in history like any other, a valid set to roll to; perhaps a dangling link. In a
 *       store's first write, {@code ..data_tmp} pointing at it is what tells this apart from a
 *       store whose {@code ..data} was lost: the store was never written.)
 *   <li><b>Rename {@code ..data_tmp} over {@code ..data}: the commit.</b> Before it, readers see
 *       the old set; after it, the new one. Nothing of the old generation is touched before it.
 *   <li>Sync the store directory; remove visible links to names the new set no longer has; sync
 *       again. (Crash: such a link left dangling, to a reader the same as absent; the next write
 *       removes it.)
 *   <li>Prune to the newest {@value org.hostpki.store.StoreDirectory#KEPT_GENERATIONS}
 *       generations (and the current one): each is renamed to {@code ..NAME.removing} first, the
 *       renames synced, then deleted, so no generation is ever half-deleted under its own name.
 *       A generation that came with an overlay's read-only lower layer (a container image that
 *       holds the store) cannot be renamed (EXDEV) and stays: deleting it would free nothing.
 *       (Crash: a leftover.) Then close the kept generations but the current one to the store's
 *       owner (0700): a file an older one gave a group since narrowed must not be read there.
 *       (Crash: some still 0755; the next write closes them.)
 * </ol>
 *
 * So after a crash anywhere the store reads as exactly the old or the new set, and the next
 * write converges. A failure (rather than a crash) before the commit is reported as "the store
 * is unchanged"; after it, as a {@link org.hostpki.store.StoreTidyUpException}: the new set is
 * in use, the tidying up is for the next write. Every writer ({@code apply}, {@code sign},
 * {@code revoke}) goes through one envelope, {@link org.hostpki.store.StoreCommit}: the lock, the
 * live set read under it, its files carried over with what each holds ({@link
 * org.hostpki.model.StoreLayout}), the commit, and such a tidy-up failure turned into a notice.
 *
 * <h2>Records</h2>
 *
 * A generation's files never change once it is made: they may be hard links shared with other
 * generations. Beside them, a generation holds {@link org.hostpki.store.GenerationRecord records}
 * about it, which are not part of the set (not read as content, not in its fingerprint, never
 * carried over by a link): the hooks it made due, written inside it with the set before the
 * commit; which of them have run, written after each attempt; a rollback's hold. A record is
 * only ever replaced as a whole — a new file written and synced beside it ({@code NAME.tmp}),
 * renamed over it, the directory synced — or removed; never edited in place. {@link
 * org.hostpki.store.StoreDirectory#activate(String, java.util.Map)} replaces every record of the
 * generation it switches to before the switch, so that what it recorded while it was current
 * before never counts again.
 *
 * <h2>Modes</h2>
 *
 * Which files are secret goes by what they hold, never by their names' endings: every file to be
 * written carries its {@link org.hostpki.model.FileKind}, and reading goes by the store's {@link
 * org.hostpki.model.StoreLayout}, which gives each name its kind. Secret files (private keys, key
 * stores, the record of what the key stores hold) are created 0600 by the creating call itself,
 * never chmod-ed afterwards, so no moment exists in which others could open them. Public files are
 * 0644 and directories 0755 exactly (the kept generations but the current one 0700), whatever
 * the umask (as the kubelet does): services running
 * as other users must reach the certificates, and the keys inside are protected by their own
 * mode, the layout openssl and nginx setups expect. A missing store directory is created 0755;
 * missing parents 0755 less the umask (never writable by group or others, whatever the umask: the
 * folders above a store must not be, see {@code StrictModes}), since they are not the store's. The
 * directories holding each new one are synced, so that a power cut cannot lose the store's name.
 *
 * <p>Files for other services ({@code store.access}, {@code outputs:} in the desired state) get the
 * owner, group and mode declared for them from creation: {@link org.hostpki.store.OwnedFiles}
 * creates a file with the declared mode's owner bits, sets the exact mode, then group and owner,
 * and only then writes the content, so no moment exists in which a key is readable by more than
 * the declaration allows; a generation directory can be made the same way, {@code 0750} with a
 * group, so that only that group's members traverse it (and {@code ..data}, a link into it).
 * What the writer declared is recorded in the generation, {@code .access.json} ({@link
 * org.hostpki.store.AccessRecord}), written with the set and never changed: reading accepts a file
 * as the desired state declares it or as its own generation declared it, so that declaring less
 * later ({@code store.access} removed, a mode narrowed) is a narrowing the next write carries out
 * ({@link org.hostpki.store.StoreDirectory#accessDrift}), not a refusal, and a rollback reads the
 * generation it switches to by its own record; what neither allows stays refused.
 *
 * <h2>Reading</h2>
 *
 * {@link org.hostpki.store.StoreDirectory#read()} is read-only: it resolves {@code ..data} once
 * and reads that generation's files directly, so it never depends on the visible links (one may
 * have been removed by hand: {@link org.hostpki.store.StoreDirectory#missingLinks} names it, and
 * {@link org.hostpki.store.StoreDirectory#restoreLinks} makes it again, with no new generation)
 * and a concurrent commit cannot mix two sets into one snapshot. It
 * refuses, with the fix in the message (most often the exact {@code hostpki rollback} that
 * restores a kept generation): a store that keeps generations but has no {@code ..data} (removed
 * by hand, by a backup that drops dangling links, or turned into a directory by {@code cp -rL}),
 * which is never an empty store; a {@code ..data} that dangles or points outside the store's
 * generations; a symbolic link, FIFO, socket, device, or a directory where a file belongs inside
 * the generation ("altered by hand", never "missing", which would make a new key); a visible
 * name that exists but is not the link through {@code ..data} (say {@code server.key ->
 * /etc/shadow}, a regular file or a FIFO); a store directory owned by another user than the
 * process's (or root), or writable by group or others, as ssh's StrictModes refuses; a
 * generation directory or secret file of another owner; a private key or key store that group or
 * others may read. File systems without POSIX permissions
 * skip the ownership and mode checks. A store needs symbolic links: one on a file system without
 * them (FAT, exFAT) is refused by its type before anything is made, or, where the type does not
 * tell (FUSE), when its first write fails ({@link org.hostpki.store.StoreFileSystem}).
 *
 * <p>A folder that is no store yet (no {@code ..data}, no generation) reads as empty, but a
 * store is made only in a folder that holds nothing else than what hostpki itself leaves (its
 * lock, leftovers of an interrupted first write, the {@code .acme}, {@code .install} and {@code
 * .crl} records, the format marker)
 * and a mount point's {@code lost+found}: {@link org.hostpki.store.StoreDirectory#foreignEntries()}
 * names the rest, which the planner's caller refuses before the lock, so that nothing, not even a
 * lock file, is made among another program's files.
 *
 * <h2>Locking</h2>
 *
 * Writers (apply, rollback) hold a {@link org.hostpki.store.StoreLock}, an OS lock the kernel
 * releases when its process dies; readers need none. A write also removes the leftovers of
 * earlier writes, which is only safe because no other writer can be running.
 */
package org.hostpki.store;
