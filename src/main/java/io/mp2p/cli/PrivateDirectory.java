package io.mp2p.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The folder a new key goes into. Only the default folder ({@code ~/.mp2p}) is created, readable by
 * its owner alone; any other missing folder is refused, since it is more often a typo in {@code -o}
 * than a wish for a new tree of folders.
 */
final class PrivateDirectory {
    private PrivateDirectory() {
    }

    static void create(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        if (!dir.toAbsolutePath().normalize().equals(KeyOption.defaultFolder().toAbsolutePath().normalize())) {
            throw new IOException("folder " + dir + " does not exist; create it first (only the default folder ~/"
                    + KeyOption.DEFAULT_FOLDER + " is created for you)");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }
}
