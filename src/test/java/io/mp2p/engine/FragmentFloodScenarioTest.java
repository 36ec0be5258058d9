package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.wire.Frames;
import io.mp2p.wire.TransportData;

/**
 * Issue 11 item 3 (spec/THREATS.md "Fragment reassembly exhaustion"): seventeen identities with
 * sessions on an accept-any node start fragmented messages of 65,535 bytes and never finish them,
 * while an honest peer sends one 65,535-byte message a second for 60 s.
 */
class FragmentFloodScenarioTest {
    private static final int ATTACKERS = 17;
    private static final int HONEST_MESSAGES = 60;
    private static final int MESSAGE = 65_535;

    /** A FRAGMENT frame holding bytes [0, len) of a 65,535-byte message that is never finished. */
    private static byte[] firstFragment(int messageId, int len) {
        byte[] f = new byte[Frames.FRAGMENT_HEADER + len];
        f[0] = (byte) Frames.FRAGMENT;
        java.nio.ByteBuffer.wrap(f).putInt(1, messageId);
        f[5] = (byte) (MESSAGE >>> 8);
        f[6] = (byte) MESSAGE;
        f[9] = (byte) (len >>> 8);
        f[10] = (byte) len;
        return f;
    }

    private record Outcome(int delivered, long maxHeld, EngineMetrics server, AttackReport report) {
    }

    /**
     * Runs the attack with fragments of {@code fragmentBytes} bytes, at {@code packetsPerSecond}
     * (all attackers together), and returns what the honest peer got through.
     */
    private static Outcome run(long seed, int fragmentBytes, int packetsPerSecond, int messages, String name) {
        SimNetwork net = new SimNetwork(seed);
        Node server = net.addNode("server");
        Node honest = net.addNode("honest");
        List<Node> attackers = new ArrayList<>();
        for (int i = 0; i < ATTACKERS; i++) {
            Node a = net.addNode("attacker" + i);
            a.engine.connect(server.key(), net.now);
            attackers.add(a);
        }
        honest.engine.connect(server.key(), net.now);
        net.run(seconds(1));
        AttackReport report = new AttackReport(name);
        long dhBefore = server.engine.metrics().dhOperations();
        int step = 100;
        long stepNanos = seconds(1) / step;
        int perStep = Math.max(1, packetsPerSecond / step);
        int packet = TransportData.OVERHEAD + Frames.FRAGMENT_HEADER + fragmentBytes;
        int messageId = 0;
        long maxHeld = 0;
        List<byte[]> sent = new ArrayList<>();
        for (int tick = 0; tick < messages * step; tick++) {
            if (tick % step == 0) {
                byte[] m = new byte[MESSAGE];
                net.random.nextBytes(m);
                sent.add(m);
                honest.engine.send(server.key(), m, net.now);
            }
            for (int k = 0; k < perStep; k++) {
                Node a = attackers.get(k % ATTACKERS);
                if (a.engine.sealFramesForTest(server.key(), firstFragment(messageId++, fragmentBytes), net.now)) {
                    report.attackerSent(packet);
                }
            }
            net.run(stepNanos);
            maxHeld = Math.max(maxHeld, server.engine.metrics().reassemblyBytes());
        }
        net.run(seconds(1));
        List<byte[]> got = server.messagesFrom(honest);
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i));
        }
        EngineMetrics m = server.engine.metrics();
        report.print(messages, m.dhOperations() - dhBefore, String.format(Locale.ROOT,
                "memory: reassembly pool at most %,d of %,d bytes charged, %,d partial messages evicted, %,d fragments refused",
                maxHeld, Constants.MAX_REASSEMBLY_BYTES_TOTAL, m.fragmentedMessagesEvicted(), m.fragmentsRefused()),
                got.size() + " of " + messages + " honest 65,535-byte messages delivered");
        return new Outcome(got.size(), maxHeld, m, report);
    }

    @Test
    void atOneMegabitTheAttackersHoldOnlyWhatTheySentAndEveryHonestMessageArrives() {
        // The cheapest way to hold memory: 1-byte fragments, each starting a message.
        int rate = AttackReport.packetsPerSecond(TransportData.OVERHEAD + Frames.FRAGMENT_HEADER + 1);
        Outcome o = run(300, 1, rate, HONEST_MESSAGES, "fragment flood, 17 identities, 1-byte fragments at 1 Mbit/s");
        assertEquals(HONEST_MESSAGES, o.delivered());
        // Charged by what arrived: 10 s of the attacker's packets, far below the 16 MiB that
        // 272 announced-but-unsent 65,535-byte messages reserved before.
        long perPartial = io.mp2p.fragment.Reassembler.PARTIAL_OVERHEAD + 1 + io.mp2p.fragment.Reassembler.PIECE_OVERHEAD;
        assertTrue(o.maxHeld() < 11L * rate * perPartial + 2L * 70_000, "held " + o.maxHeld());
        assertTrue(o.maxHeld() < Constants.MAX_REASSEMBLY_BYTES_TOTAL / 2, "held " + o.maxHeld());
    }

    @Test
    void beyondTheLinkBudgetTheHonestPeerStillGetsItsFairShare() {
        // 40 times the threat model's budget, full-size fragments: the pool fills, and the honest
        // peer, below its fair share, evicts the largest holders' oldest partial messages.
        int rate = 40 * AttackReport.packetsPerSecond(TransportData.OVERHEAD + Frames.FRAGMENT_HEADER + 1189);
        int messages = 20;
        Outcome o = run(301, 1189, rate, messages, "fragment flood, 17 identities, full fragments at 40 Mbit/s");
        assertEquals(messages, o.delivered());
        assertTrue(o.server().fragmentsRefused() > 0, "the attackers were refused at their share");
        assertTrue(o.server().fragmentedMessagesEvicted() > 0, "the honest peer made room");
        assertTrue(o.maxHeld() <= Constants.MAX_REASSEMBLY_BYTES_TOTAL);
    }
}
