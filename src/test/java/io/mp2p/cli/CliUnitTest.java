package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

/** Small pieces of the tool that need no process: address text and file modes. */
class CliUnitTest {
    @Test
    void addressesArePrintedWithoutASlashAndIpv6InBrackets() throws Exception {
        assertEquals("224.0.226.140:41414",
                Addresses.format(new InetSocketAddress(InetAddress.getByName("224.0.226.140"), 41414)));
        assertEquals("[ff1e::1]:41414",
                Addresses.format(new InetSocketAddress(InetAddress.getByName("ff1e:0:0:0:0:0:0:1"), 41414)));
        assertEquals("/224.0.226.140:41414",
                new InetSocketAddress(InetAddress.getByName("224.0.226.140"), 41414).toString(),
                "what toString() would have printed");
    }

    @Test
    void modesAreOctalAsChmodTakesThem() {
        assertEquals("0644", KeyOption.mode(PosixFilePermissions.fromString("rw-r--r--")));
        assertEquals("0600", KeyOption.mode(PosixFilePermissions.fromString("rw-------")));
        assertEquals("0751", KeyOption.mode(PosixFilePermissions.fromString("rwxr-x--x")));
    }
}
