package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.cookie.Mac1;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.PacketType;

/**
 * Issue 11 item 1 (spec/THREATS.md "Forged responses"): the attacker sees every initiation on the
 * responder's group and answers each with 1,000 forged responses — the right receiver index, a mac1
 * it can compute from the initiator's public key — paced at 1 Mbit/s, all arriving before the
 * genuine response (the path back from the responder takes 1.2 s).
 */
class ForgedResponseScenarioTest {
    private static final int FORGED_PER_INITIATION = 1000;
    private static final long RETURN_PATH_DELAY = seconds(1.2);

    private record Run(Node initiator, Node responder, AttackReport report, long attackNanos) {
    }

    private static byte[] forgedResponse(SplittableRandom r, byte[] initiation, byte[] mac1Key) {
        byte[] d = new byte[HandshakeResponse.LENGTH];
        r.nextBytes(d);
        HandshakeResponse.writeHeader(d, 0, 0);
        System.arraycopy(initiation, HandshakeInitiation.SENDER_INDEX_OFFSET, d, HandshakeResponse.RECEIVER_INDEX_OFFSET,
                Integer.BYTES);
        Mac1.compute(mac1Key, d, 0, HandshakeResponse.MAC1_OFFSET, d, HandshakeResponse.MAC1_OFFSET);
        Arrays.fill(d, HandshakeResponse.MAC2_OFFSET, HandshakeResponse.LENGTH, (byte) 0);
        return d;
    }

    private static Run run(boolean attack) {
        SimNetwork net = new SimNetwork(100);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        net.setLink(b, a, new SimNetwork.LinkProfile(0, 0, 0, RETURN_PATH_DELAY, 0, 0));
        AttackReport report = new AttackReport("forged responses, " + FORGED_PER_INITIATION + " per initiation");
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 6}), 666);
        SplittableRandom r = new SplittableRandom(101);
        byte[] mac1Key = Mac1.key(a.key());
        long pace = seconds(1) / AttackReport.packetsPerSecond(HandshakeResponse.LENGTH);
        long[] window = {0};
        if (attack) {
            net.tap = d -> {
                if (d.length == HandshakeInitiation.LENGTH && d[0] == PacketType.HANDSHAKE_INITIATION.code()) {
                    for (int i = 0; i < FORGED_PER_INITIATION; i++) {
                        byte[] forged = forgedResponse(r, d, mac1Key);
                        net.injectAt(net.now + i * pace, attacker, a.group, forged);
                        report.attackerSent(forged.length);
                    }
                    window[0] += FORGED_PER_INITIATION * pace;
                }
            };
        }
        a.engine.send(b.key(), "through the forgeries".getBytes(), net.now);
        net.run(seconds(4));
        return new Run(a, b, report, window[0]);
    }

    @Test
    void aThousandForgedResponsesBeforeTheGenuineOneCostNoDhAndTheFirstAttemptCompletes() {
        Run attacked = run(true);
        Run quiet = run(false);
        Node a = attacked.initiator();
        EngineMetrics m = a.engine.metrics();
        long dhQuiet = quiet.initiator().engine.metrics().dhOperations();
        attacked.report().print(attacked.attackNanos() / 1e9, m.dhOperations(), String.format(Locale.ROOT,
                "no state kept for forged responses; initiator's DH %d with the attack vs %d without; %d forged responses dropped as BAD_RESPONSE_AUTH",
                m.dhOperations(), dhQuiet, m.drops(DropReason.BAD_RESPONSE_AUTH)),
                a.eventsOf(EngineEvent.SessionEstablished.class).size() + " session, " + m.handshakesInitiated()
                        + " initiation(s), message delivered: " + (attacked.responder().messagesFrom(a).size() == 1));
        assertEquals(1, attacked.responder().messagesFrom(a).size());
        assertEquals(1, m.handshakesInitiated(), "completed on the first attempt");
        assertEquals(FORGED_PER_INITIATION, m.drops(DropReason.BAD_RESPONSE_AUTH));
        assertEquals(dhQuiet, m.dhOperations(), "the forged responses cost the initiator no DH");
        assertEquals(quiet.initiator().engine.metrics().noiseMessagesProcessed(), m.noiseMessagesProcessed());
    }
}
