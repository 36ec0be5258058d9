package io.mp2p.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseVectorsTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(NoiseVectorsTest.class.getResource("/vectors/noise/" + name).toURI());
    }

    @Test
    void everyIkAndXxVectorPasses() throws Exception {
        VectorReport r = NoiseVectorRunner.run(resource("noise-ik-xx.json"));
        System.out.println("noise-ik-xx.json: " + r.summary());
        assertEquals(40, r.passed(), "all 40 vectors ran and passed: " + r.failed());
        assertTrue(r.failed().isEmpty());
        assertTrue(r.skipped().isEmpty());
    }

    @Test
    void theWholeCacophonyFilePasses() throws Exception {
        VectorReport r = NoiseVectorRunner.run(resource("cacophony.txt"));
        System.out.println("cacophony.txt: " + r.summary());
        assertEquals(944, r.passed(), r.failed().toString());
        assertTrue(r.skipped().isEmpty(), "skipped: " + r.skipped());
    }

    @Test
    void theWholeSnowFilePasses() throws Exception {
        VectorReport r = NoiseVectorRunner.run(resource("snow.txt"));
        System.out.println("snow.txt: " + r.summary());
        assertEquals(408, r.passed(), r.failed().toString());
        assertTrue(r.skipped().isEmpty(), "skipped: " + r.skipped());
    }

    @Test
    void aWrongCiphertextIsReportedAsAFailure(@TempDir Path dir) throws Exception {
        String json = Files.readString(resource("noise-ik-xx.json"));
        // Flip one hex digit of the first ciphertext.
        int at = json.indexOf("\"ciphertext\": \"") + "\"ciphertext\": \"".length();
        char c = json.charAt(at);
        String broken = json.substring(0, at) + (c == '0' ? '1' : '0') + json.substring(at + 1);
        Path f = dir.resolve("broken.json");
        Files.writeString(f, broken);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NoiseVectorRunner.runAndPrint(f, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals("39 passed, 1 failed", out.toString(StandardCharsets.UTF_8).strip());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("FAILED #0"));
    }

    @Test
    void aBadFileGetsOneClearLineAndExit2(@TempDir Path dir) throws Exception {
        Path notJson = dir.resolve("x.json");
        Files.writeString(notJson, "{ this is not json");
        Path wrongShape = dir.resolve("y.json");
        Files.writeString(wrongShape, "{\"tests\": []}");
        Path badHex = dir.resolve("z.json");
        Files.writeString(badHex, "{\"vectors\": [{\"protocol_name\": \"Noise_NN_25519_AESGCM_SHA256\","
                + " \"init_ephemeral\": \"zz\", \"resp_ephemeral\": \"00\", \"messages\": []}]}");
        for (Path p : new Path[] {dir.resolve("missing.json"), notJson, wrongShape}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = NoiseVectorRunner.runAndPrint(p, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, msg);
            assertEquals(1, msg.lines().count(), msg);
            assertTrue(msg.startsWith("mp2p vectors: "), msg);
        }
        VectorReport r = NoiseVectorRunner.run(badHex);
        assertEquals(1, r.failed().size());
        assertTrue(r.failed().get(0).contains("not hex"), r.failed().get(0));
    }

    @Test
    void unsupportedProtocolsAreSkippedAndNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("u.json");
        Files.writeString(f, "{\"vectors\": [{\"protocol_name\": \"Noise_XXfallback_25519_AESGCM_SHA256\", \"messages\": []},"
                + "{\"protocol_name\": \"Noise_NN_25519_AESGCM_MD5\", \"messages\": []}]}");
        VectorReport r = NoiseVectorRunner.run(f);
        assertEquals(0, r.passed());
        assertEquals(2, r.skipped().size());
        assertEquals("0 passed, 0 failed, 2 skipped", r.summary());
    }
}
