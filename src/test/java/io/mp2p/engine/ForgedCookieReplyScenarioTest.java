package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.cookie.Mac1;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.PacketType;

/**
 * Issue 11 item 2 (spec/THREATS.md "Forged cookie replies", "Load from cheap garbage"). The
 * attacker keeps the responder under load and forges cookie replies to every initiation it sees.
 */
class ForgedCookieReplyScenarioTest {
    private static final int FLOOD_PER_SECOND = 300;
    private static final int FORGED_REPLIES_PER_INITIATION = 100;
    private static final long RETURN_PATH_DELAY = seconds(0.3);
    private static final double RUN_SECONDS = 20;

    /** A CookieReply anyone who saw the initiation can write: its sender index, random nonce and cookie. */
    private static byte[] forgedCookieReply(SplittableRandom r, byte[] initiation) {
        byte[] d = new byte[CookieReply.LENGTH];
        r.nextBytes(d);
        CookieReply.writeHeader(d, 0, 0);
        System.arraycopy(initiation, HandshakeInitiation.SENDER_INDEX_OFFSET, d, CookieReply.RECEIVER_INDEX_OFFSET,
                Integer.BYTES);
        return d;
    }

    /**
     * 300 garbage initiations a second (valid mac1) keep b under load; each initiation a sends is met
     * by 100 forged cookie replies, all before the genuine one (b's replies take 0.3 s to reach a).
     * Before: the first forged reply was accepted, the genuine one refused, and 0 of 18 attempts
     * completed. Now: forged replies fail under a's reply_key and change nothing; a's second attempt
     * carries the genuine cookie and completes.
     */
    @Test
    void forgedCookieRepliesCannotDerailAHandshakeUnderLoad() {
        SimNetwork net = new SimNetwork(200);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        net.setLink(b, a, new SimNetwork.LinkProfile(0, 0, 0, RETURN_PATH_DELAY, 0, 0));
        AttackReport report = new AttackReport("forged cookie replies under load, " + FLOOD_PER_SECOND
                + " garbage initiations/s + " + FORGED_REPLIES_PER_INITIATION + " forged replies per initiation");
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 6}), 666);
        SplittableRandom r = new SplittableRandom(201);
        long pace = seconds(1) / AttackReport.packetsPerSecond(CookieReply.LENGTH);
        net.tap = d -> {
            if (d.length == HandshakeInitiation.LENGTH && d[0] == PacketType.HANDSHAKE_INITIATION.code()
                    && Arrays.equals(Arrays.copyOfRange(d, HandshakeInitiation.MAC1_OFFSET, HandshakeInitiation.MAC2_OFFSET),
                    mac1(b, d))) {
                for (int i = 0; i < FORGED_REPLIES_PER_INITIATION; i++) {
                    byte[] forged = forgedCookieReply(r, d);
                    net.injectAt(net.now + i * pace, attacker, a.unicast, forged);
                    report.attackerSent(forged.length);
                }
            }
        };
        byte[] mac1Key = Mac1.key(b.key());
        long dhBefore = b.engine.metrics().dhOperations();
        int steps = 100;
        boolean sent = false;
        for (int step = 0; step < RUN_SECONDS * steps; step++) {
            for (int i = 0; i < FLOOD_PER_SECOND / steps; i++) {
                byte[] g = DosPackets.forgedInitiation(r, mac1Key);
                net.injectAt(net.now, attacker, b.group, g);
                report.attackerSent(g.length);
            }
            if (!sent && step == 2 * steps) {
                a.engine.send(b.key(), "under load".getBytes(), net.now);
                sent = true;
            }
            net.run(seconds(1.0 / steps));
        }
        EngineMetrics ma = a.engine.metrics();
        EngineMetrics mb = b.engine.metrics();
        long dh = mb.dhOperations() - dhBefore;
        report.print(RUN_SECONDS, dh, String.format(Locale.ROOT,
                "%,d cookie replies (budget %,d/s) = %.0f DH/s; initiator refused %d forged replies (BAD_COOKIE_REPLY)",
                mb.cookieRepliesSent(), Constants.COOKIE_REPLY_RATE, dh / RUN_SECONDS, ma.drops(DropReason.BAD_COOKIE_REPLY)),
                b.messagesFrom(a).size() + " message delivered after " + ma.handshakesInitiated() + " attempts");
        assertEquals(1, b.messagesFrom(a).size());
        assertEquals(2, ma.handshakesInitiated(), "the first attempt got the genuine cookie, the retry passed");
        assertTrue(ma.drops(DropReason.BAD_COOKIE_REPLY) >= FORGED_REPLIES_PER_INITIATION, ma.toString());
        assertTrue(mb.drops(DropReason.COOKIE_REQUIRED) > FLOOD_PER_SECOND * (RUN_SECONDS - 1), "b stayed under load");
        assertTrue(dh < (long) (RUN_SECONDS * (FLOOD_PER_SECOND + 2 * Constants.HANDSHAKE_LOAD_THRESHOLD)),
                "b's DH work is bounded by the flood's cookie replies plus what reached Noise before load");
    }

    private static byte[] mac1(Node receiver, byte[] packet) {
        byte[] m = new byte[Mac1.LENGTH];
        Mac1.compute(Mac1.key(receiver.key()), packet, 0, HandshakeInitiation.MAC1_OFFSET, m, 0);
        return m;
    }

    /**
     * Responses naming no handshake, with a valid mac1 (anyone can compute it), at 1 Mbit/s: they cost
     * b one HMAC each and no DH, so they no longer count as load. Before, they put b under load and
     * every initiation needed a cookie first.
     */
    @Test
    void garbageThatCostsNoDhDoesNotPutANodeUnderLoad() {
        SimNetwork net = new SimNetwork(202);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        AttackReport report = new AttackReport("garbage responses with valid mac1 at 1 Mbit/s");
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 7}), 667);
        SplittableRandom r = new SplittableRandom(203);
        byte[] mac1Key = Mac1.key(b.key());
        int perSecond = AttackReport.packetsPerSecond(HandshakeResponse.LENGTH);
        int steps = 100;
        double seconds = 5;
        for (int step = 0; step < seconds * steps; step++) {
            for (int i = 0; i < perSecond / steps; i++) {
                byte[] d = new byte[HandshakeResponse.LENGTH];
                r.nextBytes(d);
                HandshakeResponse.writeHeader(d, 0, r.nextInt());
                Mac1.compute(mac1Key, d, 0, HandshakeResponse.MAC1_OFFSET, d, HandshakeResponse.MAC1_OFFSET);
                net.injectAt(net.now, attacker, b.group, d);
                report.attackerSent(d.length);
            }
            if (step == steps) {
                a.engine.send(b.key(), "no cookie needed".getBytes(), net.now);
            }
            net.run(seconds(1.0 / steps));
        }
        EngineMetrics mb = b.engine.metrics();
        report.print(seconds, mb.dhOperations(), String.format(Locale.ROOT, "%,d dropped as UNKNOWN_INDEX, %d cookie replies",
                mb.drops(DropReason.UNKNOWN_INDEX), mb.cookieRepliesSent()),
                b.messagesFrom(a).size() + " message delivered after " + a.engine.metrics().handshakesInitiated()
                        + " attempt(s), no cookie");
        assertEquals(1, b.messagesFrom(a).size());
        assertEquals(1, a.engine.metrics().handshakesInitiated());
        assertEquals(0, mb.cookieRepliesSent());
        assertTrue(mb.drops(DropReason.UNKNOWN_INDEX) > perSecond * (seconds - 1));
    }
}
