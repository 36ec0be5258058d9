package io.mp2p.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mp2p.address.NodeRecord;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.stream.AckFrame;
import io.mp2p.stream.StreamFrames;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.Frames;

/**
 * Writes the seed corpus of the fuzz tests (issue 14): genuine packets captured from a conversation on
 * the simulated network, well-formed plaintexts and stream runs, key texts, a node record, a PEM key
 * and a PKCS12 store. Run once, output committed:
 * {@code java -cp target/test-classes:target/classes:<deps> io.mp2p.engine.FuzzSeeds src/test/resources}.
 */
public final class FuzzSeeds {
    private static final String FUZZ = "io/mp2p/fuzz/";
    private static final String ENGINE = "io/mp2p/engine/";

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        // A real conversation: handshake, messages (one fragmented), a stream, a rekey.
        SimNetwork net = new SimNetwork(1414);
        List<byte[]> wire = new ArrayList<>();
        net.tap = wire::add;
        SimNetwork.Node a = net.addNode("a");
        SimNetwork.Node b = net.addNode("b");
        a.engine.send(b.key(), "hello".getBytes(StandardCharsets.UTF_8), net.now);
        net.run(SimNetwork.seconds(1));
        a.engine.send(b.key(), new byte[3000], net.now);
        long id = a.engine.openStream(b.key(), 80, net.now);
        a.engine.streamWrite(b.key(), id, "GET /".getBytes(StandardCharsets.UTF_8), 0, 5, net.now);
        a.engine.streamFinish(b.key(), id, net.now);
        net.run(SimNetwork.seconds(1));
        a.engine.close(b.key(), net.now);
        net.run(SimNetwork.seconds(1));
        byte[] cookie = new byte[CookieReply.LENGTH];
        CookieReply.writeHeader(cookie, 0, 7);
        wire.add(cookie);
        String[] packetTargets = {"packetType", "handshakeInitiation", "handshakeResponse", "cookieReply",
                "transportDataHeader"};
        int n = 0;
        for (byte[] d : wire) {
            String name = "type" + d[0] + "-" + d.length;
            for (String t : packetTargets) {
                write(root, FUZZ + "WireFuzzTestInputs/" + t, name, d);
            }
            write(root, ENGINE + "EngineFuzzTestInputs/anyDatagram", name, d);
            if (++n > 40) {
                break;
            }
        }

        List<byte[]> plaintexts = new ArrayList<>();
        byte[] p = new byte[200];
        int end = Frames.writeDatagram(p, 0, "hi".getBytes(StandardCharsets.UTF_8), 0, 2);
        end = Frames.writeKeepalive(p, end);
        plaintexts.add(java.util.Arrays.copyOf(p, end + 5));                       // with padding
        p = new byte[200];
        end = Frames.writeFragment(p, 0, 9, 20, 0, new byte[10], 0, 10);
        end = Frames.writeFragment(p, end, 9, 20, 10, new byte[10], 0, 10);
        plaintexts.add(java.util.Arrays.copyOf(p, end));
        p = new byte[8];
        plaintexts.add(java.util.Arrays.copyOf(p, Frames.writeClose(p, 0, Frames.CLOSE_REASON_NORMAL)));
        byte[] run = streamRun();
        plaintexts.add(run);
        p = new byte[300];
        end = Frames.writeDatagram(p, 0, "x".getBytes(StandardCharsets.UTF_8), 0, 1);
        System.arraycopy(run, 0, p, end, run.length);
        plaintexts.add(java.util.Arrays.copyOf(p, end + run.length));
        int i = 0;
        for (byte[] t : plaintexts) {
            write(root, FUZZ + "WireFuzzTestInputs/frames", "plain" + i, t);
            write(root, ENGINE + "EngineFuzzTestInputs/sealedPlaintext", "plain" + i, t);
            i++;
        }
        write(root, FUZZ + "WireFuzzTestInputs/streamFrames", "run", run);

        for (int mode = 0; mode < 6; mode++) {
            byte[] s = new byte[120];
            new java.util.SplittableRandom(mode).nextBytes(s);
            s[0] = (byte) mode;
            write(root, ENGINE + "EngineFuzzTestInputs/responderInitiation", "mode" + mode, s);
        }

        Mp2pIdentity id1 = net.newIdentity();
        String[] keys = {id1.publicKey().toHex(), id1.publicKey().toBase32(), id1.publicKey().toPem(),
                id1.publicKey().toBase32() + ".mp2p"};
        for (int k = 0; k < keys.length; k++) {
            write(root, FUZZ + "KeyTextFuzzTestInputs/peerKeyText", "key" + k, keys[k].getBytes(StandardCharsets.UTF_8));
        }
        NodeRecord r = NodeRecord.sign(id1, InetAddress.getByName("239.192.1.2"), 41414, Instant.parse("2030-01-01T00:00:00Z"));
        write(root, FUZZ + "KeyTextFuzzTestInputs/nodeRecord", "record", r.toText().getBytes(StandardCharsets.UTF_8));
        Path tmp = Files.createTempDirectory("seeds");
        Path pem = tmp.resolve("k.pem");
        id1.save(pem, false);
        write(root, FUZZ + "KeyTextFuzzTestInputs/pemPrivateKeyFile", "private", Files.readAllBytes(pem));
        write(root, FUZZ + "KeyTextFuzzTestInputs/pemPrivateKeyFile", "public", keys[2].getBytes(StandardCharsets.UTF_8));
        Path p12 = tmp.resolve("k.p12");
        id1.savePkcs12(p12, "fuzz".toCharArray(), false);
        write(root, FUZZ + "KeyTextFuzzTestInputs/pkcs12File", "store", Files.readAllBytes(p12));
        Files.delete(pem);
        Files.delete(p12);
        Files.delete(tmp);

        // Reassembler operations: a message in three pieces, overlaps, a tick, a wrong total.
        byte[] ops = {
            (byte) 200, 0, 1, 0, 40, 0, 0, 5,
            (byte) 200, 0, 1, 0, 40, 0, 20, 5,
            (byte) 200, 0, 1, 0, 40, 0, 10, 5,
            (byte) 200, 1, 2, 0, 30, 0, 0, 3,
            4, 0, 0, 0, 0, 0, 0, 0,
            (byte) 200, 1, 2, 0, 31, 0, 12, 3,
            (byte) 200, 2, 3, 4, 0, 0, 0, (byte) 255,
        };
        write(root, FUZZ + "ReassemblerFuzzTestInputs/fragments", "ops", ops);
        System.out.println("seeds written under " + root);
    }

    private static byte[] streamRun() {
        byte[] p = new byte[200];
        int end = StreamFrames.writePacketNumber(p, 0, 1, 1, 7);
        AckFrame ack = new AckFrame();
        ack.clear(25);
        ack.addRange(0, 5);
        end = StreamFrames.writeAck(p, end, ack);
        byte[] data = "GET /".getBytes(StandardCharsets.UTF_8);
        end = StreamFrames.writeStream(p, end, 0, 0, 80, true, data, 0, data.length);
        end = StreamFrames.writeMaxData(p, end, 1 << 20);
        end = StreamFrames.writePing(p, end);
        return java.util.Arrays.copyOf(p, end);
    }

    private static void write(Path root, String dir, String name, byte[] data) throws IOException {
        Path d = root.resolve(dir);
        Files.createDirectories(d);
        Files.write(d.resolve(name), data);
    }
}
