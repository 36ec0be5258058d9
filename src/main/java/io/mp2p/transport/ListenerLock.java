package io.mp2p.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;

/**
 * One listener per key, group and port on this host. Two processes with the same key would both
 * join the same group on the same port (the group socket shares its port), both answer every
 * handshake, and neither would know: the newer one never got a session. Each listener holds an
 * exclusive lock on a file named by its key, group and port in a per-user runtime folder; the
 * operating system releases the lock when the process ends, however it ends, so no stale lock
 * survives a crash.
 *
 * <pre>{@code
 * try (ListenerLock lock = ListenerLock.acquire(ListenerLock.defaultFolder(), key.toHex(), group)) {
 *     ... listen ...
 * } catch (AlreadyListeningException e) {
 *     System.err.println("already listening, process " + e.holderPid().orElse(-1));
 * }
 * }</pre>
 */
public final class ListenerLock implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    /** A process id in decimal, and a newline: far below this. */
    private static final int MAX_PID_TEXT = 32;

    private final FileChannel file;
    private final FileLock lock;

    private ListenerLock(FileChannel file, FileLock lock) {
        this.file = file;
        this.lock = lock;
    }

    /**
     * The per-user folder for lock files: {@code $XDG_RUNTIME_DIR/mp2p} (emptied at logout and
     * reboot), else {@code mp2p-<user>} in the temporary folder.
     */
    public static Path defaultFolder() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "mp2p");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "mp2p-" + System.getProperty("user.name"));
    }

    /**
     * Takes the lock for {@code keyHex} on {@code group}, creating {@code folder} (owner only) if needed.
     *
     * @throws AlreadyListeningException when another process holds it
     * @throws TransportException        when the folder or file cannot be used (then nothing is known)
     */
    public static ListenerLock acquire(Path folder, String keyHex, InetSocketAddress group) throws TransportException {
        Path path = folder.resolve(fileName(keyHex, group));
        FileChannel ch = null;
        try {
            prepare(folder);
            ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), attributes(OWNER_ONLY_FILE));
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                ch.close();
                throw new AlreadyListeningException(path + " is locked by this process", ProcessHandle.current().pid());
            }
            if (lock == null) {
                long pid = readPid(ch);
                ch.close();
                throw new AlreadyListeningException(path + " is locked by another process", pid);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new ListenerLock(ch, lock);
        } catch (AlreadyListeningException e) {
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new TransportException("cannot use the lock file " + path + ": " + reason(e), e);
        }
    }

    /** {@code <key hex>-<group bytes hex>-<port>.lock}: no characters any file system minds. */
    static String fileName(String keyHex, InetSocketAddress group) {
        return keyHex + "-" + HexFormat.of().formatHex(group.getAddress().getAddress()) + "-" + group.getPort()
                + ".lock";
    }

    private static void prepare(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(folder, attributes(OWNER_ONLY_FOLDER));
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(folder + " is not a folder");
        }
        if (posix() && !java.util.Collections.disjoint(Files.getPosixFilePermissions(folder,
                LinkOption.NOFOLLOW_LINKS), OTHERS_WRITE)) {
            // Others could replace our lock files there, and make two listeners look like none.
            throw new IOException(folder + " is writable by other users");
        }
    }

    private static long readPid(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MAX_PID_TEXT);
        ch.read(b, 0);
        String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // The holder has not written its id yet, or wrote something else: say nothing of it.
            return 0;
        }
    }

    /** The reason alone: a FileSystemException's message repeats the path. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> perms) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            // Already failing for a better reason; closing a file we only opened cannot lose data.
        }
    }

    /**
     * Releases the lock. The file stays: deleting it could let a process that opened it just before
     * lock a file no one else can see, and two listeners would run again.
     */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            file.close();
        }
    }
}
