package io.mp2p.vectors;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.mp2p.crypto.DhFunction;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.noise.CipherState;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.NoiseException;
import io.mp2p.noise.NoiseProtocol;
import io.mp2p.noise.UnsupportedProtocolException;

/**
 * Runs Noise test vectors in the cacophony format ({@code {"vectors": [...]}}, hex fields; the
 * format of github.com/haskell-cryptography/cacophony and github.com/mcginty/snow) and prints
 * {@code N passed, M failed}.
 *
 * <p>Each vector is played between an initiator and a responder built from its keys: every
 * written message must equal {@code ciphertext} byte for byte, every read must give back
 * {@code payload}, and the handshake hash must match when the vector has one. Messages alternate
 * initiator/responder into the transport phase (one-way patterns: initiator only).
 *
 * <p>Run it with {@code mp2p vectors FILE}, or without the tool jar:
 * <pre>
 * mvn -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp target/classes:$(cat cp.txt) io.mp2p.vectors.NoiseVectorRunner FILE
 * </pre>
 * Exit status: 0 when nothing failed, 1 when a vector failed, 2 when the file cannot be read.
 */
public final class NoiseVectorRunner {
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_BAD_FILE = 2;
    private static final int MAX_FAILURES_SHOWN = 20;
    private static final HexFormat HEX = HexFormat.of();

    private NoiseVectorRunner() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: NoiseVectorRunner FILE");
            System.exit(EXIT_BAD_FILE);
        }
        System.exit(runAndPrint(Path.of(args[0]), System.out, System.err));
    }

    /** Runs {@code file}, prints the summary to {@code out} and problems to {@code err}; returns the exit status. */
    public static int runAndPrint(Path file, PrintStream out, PrintStream err) {
        VectorReport report;
        try {
            report = run(file);
        } catch (VectorFileException e) {
            err.println("mp2p vectors: " + e.getMessage());
            return EXIT_BAD_FILE;
        }
        int shown = 0;
        for (String f : report.failed()) {
            if (shown++ == MAX_FAILURES_SHOWN) {
                err.println("... and " + (report.failed().size() - MAX_FAILURES_SHOWN) + " more failures");
                break;
            }
            err.println("FAILED " + f);
        }
        if (!report.skipped().isEmpty()) {
            err.println("skipped (unsupported): " + String.join(", ", new java.util.TreeSet<>(report.skipped())));
        }
        out.println(report.summary());
        return report.failed().isEmpty() ? 0 : EXIT_FAILED;
    }

    /** Runs every vector in {@code file}. */
    public static VectorReport run(Path file) throws VectorFileException {
        JsonArray vectors = load(file);
        int passed = 0;
        List<String> failed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            String name = "?";
            try {
                JsonObject v = vectors.get(i).getAsJsonObject();
                name = string(v, "protocol_name");
                NoiseProtocol protocol = NoiseProtocol.parse(name);
                String problem = play(protocol, v);
                if (problem == null) {
                    passed++;
                } else {
                    failed.add("#" + i + " " + name + ": " + problem);
                }
            } catch (UnsupportedProtocolException e) {
                skipped.add(name);
            } catch (VectorFileException | RuntimeException e) {
                failed.add("#" + i + " " + name + ": malformed vector: " + e.getMessage());
            }
        }
        return new VectorReport(passed, failed, skipped);
    }

    private static JsonArray load(Path file) throws VectorFileException {
        String notNoise = file + " is not a Noise vector file: ";
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(r);
            if (!root.isJsonObject() || !root.getAsJsonObject().has("vectors")
                    || !root.getAsJsonObject().get("vectors").isJsonArray()) {
                throw new VectorFileException(notNoise
                        + "expected {\"vectors\": [...]} (the cacophony and snow format)");
            }
            JsonArray vectors = root.getAsJsonObject().getAsJsonArray("vectors");
            if (!vectors.isEmpty() && !anyHasProtocolName(vectors)) {
                // mp2p's own spec/vectors files have this shape, and are checked by the test suite instead.
                throw new VectorFileException(notNoise + "its vectors have no \"protocol_name\"");
            }
            return vectors;
        } catch (NoSuchFileException e) {
            throw new VectorFileException(file + " does not exist", e);
        } catch (IOException e) {
            throw new VectorFileException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            // Gson's own text advises a lenient parser, which is no help to someone who named the wrong file.
            throw new VectorFileException(notNoise + "it is not JSON" + where(e.getMessage()), e);
        }
    }

    private static boolean anyHasProtocolName(JsonArray vectors) {
        for (JsonElement v : vectors) {
            if (v.isJsonObject() && v.getAsJsonObject().has("protocol_name")) {
                return true;
            }
        }
        return false;
    }

    /** " (line L column C)" from a Gson message, or nothing. */
    private static String where(String gsonMessage) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+) column (\\d+)")
                .matcher(String.valueOf(gsonMessage));
        return m.find() ? " (line " + m.group(1) + " column " + m.group(2) + ")" : "";
    }

    /** Plays one vector; returns null when it passes, else what differed. */
    private static String play(NoiseProtocol protocol, JsonObject v) throws VectorFileException {
        HandshakeState init = side(protocol, v, "init", true);
        HandshakeState resp = side(protocol, v, "resp", false);
        JsonArray messages = v.getAsJsonArray("messages");
        if (messages == null) {
            throw new VectorFileException("no \"messages\"");
        }
        boolean oneWay = protocol.pattern().isOneWay();
        CipherStatePair initKeys = null;
        CipherStatePair respKeys = null;
        try {
            for (int m = 0; m < messages.size(); m++) {
                JsonObject msg = messages.get(m).getAsJsonObject();
                byte[] payload = hex(msg, "payload");
                byte[] expected = hex(msg, "ciphertext");
                boolean fromInitiator = oneWay || m % 2 == 0;
                byte[] written = new byte[payload.length + 2048];
                byte[] read = new byte[expected.length];
                int n;
                int r;
                if (initKeys == null) {
                    HandshakeState writer = fromInitiator ? init : resp;
                    HandshakeState reader = fromInitiator ? resp : init;
                    n = writer.writeMessage(payload, 0, payload.length, written, 0);
                    if (!equal(written, n, expected)) {
                        return "message " + m + " (handshake) differs: wrote " + HEX.formatHex(written, 0, n);
                    }
                    r = reader.readMessage(expected, 0, expected.length, read, 0);
                    if (init.isFinished() && resp.isFinished()) {
                        String hash = v.has("handshake_hash") ? string(v, "handshake_hash") : null;
                        if (hash != null && !HEX.formatHex(init.handshakeHash()).equals(hash.toLowerCase())) {
                            return "handshake hash differs";
                        }
                        if (!java.util.Arrays.equals(init.handshakeHash(), resp.handshakeHash())) {
                            return "the two sides' handshake hashes differ";
                        }
                        initKeys = init.split();
                        respKeys = resp.split();
                    }
                } else {
                    CipherState out = fromInitiator ? initKeys.sender() : respKeys.sender();
                    CipherState in = fromInitiator ? respKeys.receiver() : initKeys.receiver();
                    n = out.encryptWithAd(null, 0, 0, payload, 0, payload.length, written, 0);
                    if (!equal(written, n, expected)) {
                        return "message " + m + " (transport) differs: wrote " + HEX.formatHex(written, 0, n);
                    }
                    r = in.decryptWithAd(null, 0, 0, expected, 0, expected.length, read, 0);
                }
                if (!equal(read, r, payload)) {
                    return "message " + m + ": the reader got a different payload";
                }
            }
            return null;
        } catch (NoiseException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            init.destroy();
            resp.destroy();
        }
    }

    private static HandshakeState side(NoiseProtocol protocol, JsonObject v, String prefix, boolean initiator)
            throws VectorFileException {
        DhFunction dh = protocol.dh();
        HandshakeState.Builder b = HandshakeState.builder(protocol).initiator(initiator)
                .prologue(v.has(prefix + "_prologue") ? hex(v, prefix + "_prologue") : new byte[0]);
        if (v.has(prefix + "_static")) {
            byte[] priv = hex(v, prefix + "_static");
            b.localStatic(new DhKeyPair(priv, dh.publicKey(priv)));
        }
        if (v.has(prefix + "_ephemeral")) {
            byte[] priv = hex(v, prefix + "_ephemeral");
            b.localEphemeral(new DhKeyPair(priv, dh.publicKey(priv)));
        }
        if (v.has(prefix + "_remote_static")) {
            b.remoteStatic(hex(v, prefix + "_remote_static"));
        }
        if (v.has(prefix + "_psks")) {
            for (JsonElement p : v.getAsJsonArray(prefix + "_psks")) {
                b.psk(HEX.parseHex(p.getAsString()));
            }
        }
        return b.build();
    }

    private static boolean equal(byte[] buf, int n, byte[] expected) {
        return n == expected.length && java.util.Arrays.equals(buf, 0, n, expected, 0, n);
    }

    private static String string(JsonObject v, String field) throws VectorFileException {
        JsonElement e = v.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw new VectorFileException("missing \"" + field + "\"");
        }
        return e.getAsString();
    }

    private static byte[] hex(JsonObject v, String field) throws VectorFileException {
        String s = string(v, field);
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new VectorFileException("\"" + field + "\" is not hex: " + e.getMessage(), e);
        }
    }
}
