package io.mp2p.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mp2p.identity.Mp2pIdentity;

/** Unicast endpoints in node records (spec/ADDRESSING.md §7.5); the signed vectors are in NodeRecordTest. */
class NodeRecordEndpointsTest {
    private static final Instant EXPIRES = Instant.ofEpochSecond(1_767_312_000L);
    private static final Instant BEFORE = EXPIRES.minusSeconds(1);
    private static final InetSocketAddress V6 = ep("2001:db8:1::2", 41415);
    private static final InetSocketAddress V4 = ep("198.51.100.7", 50000);

    private static InetSocketAddress ep(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Mp2pIdentity identity() throws Exception {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        Arrays.fill(seed, (byte) 7);
        return Mp2pIdentity.fromSeed(seed);
    }

    private static NodeRecord signed(List<InetSocketAddress> eps, UnicastEndpoints.Policy policy) throws Exception {
        Mp2pIdentity id = identity();
        return NodeRecord.sign(id, GroupAddresses.ipv6(id.publicKey()), GroupAddresses.DEFAULT_PORT, EXPIRES, eps, policy);
    }

    @Test
    void endpointsRoundTripThroughTheTextInOrderAndVerify() throws Exception {
        NodeRecord r = signed(List.of(V6, V4), UnicastEndpoints.Policy.ROUTABLE);
        NodeRecord back = NodeRecord.parse(r.toText());
        assertEquals(List.of(V6, V4), back.endpoints());
        assertEquals(r, back);
        assertEquals(NodeRecord.Verdict.VALID, back.verify(BEFORE));
        assertTrue(r.toText().contains("&ep=[2001:db8:1::2]:41415&ep=198.51.100.7:50000&sig="), r.toText());
    }

    @Test
    void aRecordWithoutEndpointsSignsTheVersionOneBytesSoOldRecordsStillVerify() throws Exception {
        NodeRecord without = signed(List.of(), UnicastEndpoints.Policy.ROUTABLE);
        NodeRecord with = signed(List.of(V6), UnicastEndpoints.Policy.ROUTABLE);
        assertEquals(78, without.signedBytes().length);
        assertEquals(78 + 1 + 19, with.signedBytes().length);
        assertEquals(List.of(), NodeRecord.parse(without.toText()).endpoints());
    }

    @Test
    void anEndpointAddedRemovedOrReorderedBreaksTheSignature() throws Exception {
        NodeRecord r = signed(List.of(V6, V4), UnicastEndpoints.Policy.ROUTABLE);
        String text = r.toText();
        String added = text.replace("&sig=", "&ep=203.0.113.5:9&sig=");
        String removed = text.replace("&ep=198.51.100.7:50000", "");
        String swapped = text.replace("ep=[2001:db8:1::2]:41415&ep=198.51.100.7:50000",
                "ep=198.51.100.7:50000&ep=[2001:db8:1::2]:41415");
        String moved = text.replace("198.51.100.7:50000", "198.51.100.8:50000");
        for (String forged : List.of(added, removed, swapped, moved)) {
            assertEquals(NodeRecord.Verdict.BAD_SIGNATURE, NodeRecord.parse(forged).verify(BEFORE), forged);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, LOOPBACK", "::1, LOOPBACK", "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED",
            "0.1.2.3, UNSPECIFIED", "239.192.0.1, MULTICAST", "ff1e::1, MULTICAST",
            "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "255.255.255.255, BROADCAST"})
    void unreachableOrHarmfulEndpointsAreRefusedWithAReason(String host, UnicastEndpoints.Problem expected)
            throws Exception {
        InetSocketAddress bad = ep(host, 41415);
        assertEquals(expected, UnicastEndpoints.problem(bad, UnicastEndpoints.Policy.ROUTABLE));
        NodeRecordException e = assertThrows(NodeRecordException.class,
                () -> signed(List.of(V4, bad), UnicastEndpoints.Policy.ROUTABLE));
        assertEquals(NodeRecordException.Reason.ENDPOINT, e.reason());
        assertTrue(e.getMessage().contains(expected.explanation()), e.getMessage());
    }

    @Test
    void anIpv4MappedIpv6EndpointIsRefused() throws Exception {
        NodeRecord r = NodeRecord.parse(signed(List.of(V4), UnicastEndpoints.Policy.ROUTABLE).toText()
                .replace("198.51.100.7:50000", "[::ffff:c633:6407]:50000"));
        assertEquals(UnicastEndpoints.Problem.IPV4_MAPPED,
                UnicastEndpoints.problem(r.endpoints().get(0), UnicastEndpoints.Policy.ROUTABLE));
        assertEquals(NodeRecord.Verdict.BAD_SIGNATURE, r.verify(BEFORE));
    }

    @Test
    void loopbackIsAcceptedOnlyUnderTheLoopbackPolicyAndOnlyLoopback() throws Exception {
        InetSocketAddress lo = ep("127.0.0.1", 41415);
        NodeRecord r = signed(List.of(lo), UnicastEndpoints.Policy.LOOPBACK_ALLOWED);
        assertEquals(NodeRecord.Verdict.VALID, r.verify(BEFORE, UnicastEndpoints.Policy.LOOPBACK_ALLOWED));
        assertEquals(NodeRecord.Verdict.BAD_ENDPOINT, r.verify(BEFORE));
        assertEquals(UnicastEndpoints.Problem.LINK_LOCAL,
                UnicastEndpoints.problem(ep("fe80::1", 1), UnicastEndpoints.Policy.LOOPBACK_ALLOWED));
        assertNull(UnicastEndpoints.problem(ep("10.0.0.1", 1), UnicastEndpoints.Policy.ROUTABLE));
    }

    @Test
    void aSignedBadEndpointIsReportedAfterTheSignatureAndBeforeTheExpiry() throws Exception {
        NodeRecord r = signed(List.of(ep("::1", 41415)), UnicastEndpoints.Policy.LOOPBACK_ALLOWED);
        assertEquals(NodeRecord.Verdict.BAD_ENDPOINT, r.verify(EXPIRES));
    }

    @Test
    void atMostFourEndpointsAndNoneTwice() throws Exception {
        List<InetSocketAddress> five = List.of(ep("192.0.2.1", 1), ep("192.0.2.2", 1), ep("192.0.2.3", 1),
                ep("192.0.2.4", 1), ep("192.0.2.5", 1));
        NodeRecordException many = assertThrows(NodeRecordException.class,
                () -> signed(five, UnicastEndpoints.Policy.ROUTABLE));
        assertEquals(NodeRecordException.Reason.ENDPOINT, many.reason());
        String four = signed(five.subList(0, NodeRecord.MAX_ENDPOINTS), UnicastEndpoints.Policy.ROUTABLE).toText();
        NodeRecordException parsedMany = assertThrows(NodeRecordException.class,
                () -> NodeRecord.parse(four.replace("&sig=", "&ep=192.0.2.5:1&sig=")));
        assertEquals(NodeRecordException.Reason.ENDPOINT, parsedMany.reason());
        NodeRecordException twice = assertThrows(NodeRecordException.class,
                () -> signed(List.of(V4, V4), UnicastEndpoints.Policy.ROUTABLE));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"198.51.100.7", "198.51.100.7:0", "198.51.100.7:65536", "[2001:db8::1:1",
            "2001:db8::1:1", "[2001:db8::1]", "[fe80::1%lan0]:1", "198.51.100.07:1", "host.example:1", "''"})
    void malformedEndpointsAreRefusedByTheParserAsEndpointErrors(String bad) throws Exception {
        String text = signed(List.of(V4), UnicastEndpoints.Policy.ROUTABLE).toText()
                .replace("198.51.100.7:50000", bad);
        NodeRecordException e = assertThrows(NodeRecordException.class, () -> NodeRecord.parse(text));
        assertEquals(NodeRecordException.Reason.ENDPOINT, e.reason(), e.getMessage());
    }
}
