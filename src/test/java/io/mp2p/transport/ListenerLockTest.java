package io.mp2p.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock one listener holds per key, group and port. Across processes it is checked by
 * {@code CliRoughEdgesTest}; here, within one process, the same rules hold.
 */
class ListenerLockTest {
    private static final String KEY = "ab".repeat(32);
    private static final String OTHER_KEY = "cd".repeat(32);

    private static InetSocketAddress group(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void theSameKeyGroupAndPortIsTakenOnceAndFreeAgainAfterClose(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("run").resolve("mp2p");
        InetSocketAddress g = group("224.0.226.140", 41414);
        try (ListenerLock first = ListenerLock.acquire(folder, KEY, g)) {
            AlreadyListeningException e = assertThrows(AlreadyListeningException.class,
                    () -> ListenerLock.acquire(folder, KEY, g));
            assertEquals(ProcessHandle.current().pid(), e.holderPid().orElseThrow());
            // Another key, port or group is another listener.
            ListenerLock.acquire(folder, OTHER_KEY, g).close();
            ListenerLock.acquire(folder, KEY, group("224.0.226.140", 41415)).close();
            ListenerLock.acquire(folder, KEY, group("ff1e::1", 41414)).close();
        }
        ListenerLock.acquire(folder, KEY, g).close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        Path file = folder.resolve(ListenerLock.fileName(KEY, g));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(KEY + "-e000e28c-41414.lock", file.getFileName().toString());
    }

    @Test
    void aFolderOthersCanWriteIsRefused(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("shared");
        Files.createDirectory(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        TransportException e = assertThrows(TransportException.class,
                () -> ListenerLock.acquire(folder, KEY, group("224.0.226.140", 41414)));
        assertTrue(e.getMessage().contains("writable by other users"), e.getMessage());
    }
}
