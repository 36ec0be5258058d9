package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a named module ({@code io.mp2p}), seen from an application module that
 * {@code requires io.mp2p}: the drop-in example compiles and runs on the module path (the provider is
 * found through {@code provides java.security.Provider}), and the protocol's machinery is not exported.
 * Tests otherwise run on the class path, as most users run the library.
 */
class ModulePathTest {
    /** The drop-in example: provider lookup, then a DatagramSocket echo between two identities on lo. */
    private static final String EXAMPLE = """
            package example;

            import java.net.DatagramPacket;
            import java.net.DatagramSocket;
            import java.net.InetSocketAddress;
            import java.nio.charset.StandardCharsets;

            import io.mp2p.ChannelOptions;
            import io.mp2p.IpFamily;
            import io.mp2p.identity.Mp2pIdentity;
            import io.mp2p.identity.PeerKey;
            import io.mp2p.net.PeerAddresses;
            import io.mp2p.provider.IdentityKeyManager;
            import io.mp2p.provider.SecureChannelContext;

            public class Main {
                public static void main(String[] args) throws Exception {
                    int port = Integer.parseInt(args[0]);
                    ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).build();
                    Mp2pIdentity serverId = Mp2pIdentity.generate();
                    SecureChannelContext server = SecureChannelContext.getInstance("mp2p");
                    server.init(new javax.net.ssl.KeyManager[] {IdentityKeyManager.of(serverId)}, null, null);
                    SecureChannelContext client = SecureChannelContext.getInstance("mp2p");
                    client.init(new javax.net.ssl.KeyManager[] {IdentityKeyManager.of(Mp2pIdentity.generate())},
                            null, null);
                    System.out.println("provider: " + server.getProvider().getName());
                    try (DatagramSocket s = server.createDatagramSocket(options);
                         DatagramSocket c = client.createDatagramSocket(options)) {
                        InetSocketAddress to = PeerAddresses.socketAddress(serverId.publicKey(), IpFamily.IPV4, port);
                        byte[] hello = "hello over the module path".getBytes(StandardCharsets.UTF_8);
                        c.send(new DatagramPacket(hello, hello.length, to));
                        DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
                        s.setSoTimeout(20000);
                        s.receive(got);
                        s.send(new DatagramPacket(got.getData(), got.getLength(), got.getSocketAddress()));
                        DatagramPacket echo = new DatagramPacket(new byte[2048], 2048);
                        c.setSoTimeout(20000);
                        c.receive(echo);
                        PeerKey from = PeerAddresses.peerKey(echo.getAddress()).orElseThrow();
                        System.out.println("echo: " + new String(echo.getData(), 0, echo.getLength(),
                                StandardCharsets.UTF_8) + " from server: " + from.equals(serverId.publicKey()));
                    }
                }
            }
            """;

    /** An application reaching for the engine: the module does not export it, so this must not compile. */
    private static final String SNEAKY = """
            package sneaky;

            public class Main {
                public static void main(String[] args) {
                    System.out.println(io.mp2p.engine.Constants.REKEY_AFTER_TIME);
                }
            }
            """;

    private static String modulePath;

    @BeforeAll
    static void libraryModulePath() {
        Path classes = Path.of(System.getProperty("basedir", "."), "target", "classes");
        assertTrue(Files.exists(classes.resolve("module-info.class")), "the library is built as a named module");
        List<String> entries = new ArrayList<>();
        entries.add(classes.toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // What a library user gets: Bouncy Castle and the SLF4J API, nothing else.
            if (e.contains("bcprov-jdk18on") || e.contains("slf4j-api")) {
                entries.add(e);
            }
        }
        assertEquals(3, entries.size(), "found bcprov and slf4j-api on the test class path: " + entries);
        modulePath = String.join(File.pathSeparator, entries);
    }

    @Test
    void theDropInExampleRunsOnTheModulePath(@TempDir Path dir) throws Exception {
        Path out = compile(dir, "example", EXAMPLE, true);
        String mp = modulePath + File.pathSeparator + out;
        String port = String.valueOf(LoopbackPorts.free());
        Result r = run(List.of(javaBinary(), "-p", mp, "-m", "example/example.Main", port));
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("provider: Mp2p"), r.output);
        assertTrue(r.output.contains("echo: hello over the module path from server: true"), r.output);
    }

    @Test
    void theEngineIsNotExported(@TempDir Path dir) throws Exception {
        Path out = compile(dir, "sneaky", SNEAKY, false);
        assertNotNull(out);
    }

    /** Compiles a one-class module that requires io.mp2p; returns its output folder. */
    private static Path compile(Path dir, String module, String source, boolean mustCompile) throws IOException {
        Path src = dir.resolve("src");
        Path pkg = src.resolve(module);
        Files.createDirectories(pkg);
        Files.writeString(src.resolve("module-info.java"), "module " + module + " { requires io.mp2p; }\n");
        Files.writeString(pkg.resolve("Main.java"), source);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-d", out.toString(), "-p", modulePath,
                src.resolve("module-info.java").toString(), pkg.resolve("Main.java").toString());
        String messages = err.toString(StandardCharsets.UTF_8);
        if (mustCompile) {
            assertEquals(0, rc, messages);
        } else {
            assertFalse(rc == 0, "an application module could use io.mp2p.engine");
            assertTrue(messages.contains("package io.mp2p.engine is not visible")
                    || messages.contains("does not export io.mp2p.engine"), messages);
        }
        return out;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example finished");
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
