package io.mp2p.engine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.mp2p.address.GroupAddresses;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.PeerKey;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.NoiseException;
import io.mp2p.noise.NoiseProtocol;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.InitiationPayload;
import io.mp2p.wire.Parsed;

/**
 * The cryptographic half of the handshake (spec §6.2): writes and reads Noise IK messages inside
 * HandshakeInitiation and HandshakeResponse packets. It keeps no per-peer state; {@link Endpoint}
 * decides what to do with the results.
 */
final class Handshakes {
    /** "mp2p/1": the fixed part of the prologue (spec §2). */
    private static final byte[] PROLOGUE_LABEL = "mp2p/1".getBytes(StandardCharsets.US_ASCII);

    private final DhKeyPair staticKey;
    private final PeerKey self;
    private final RandomSource random;
    private final Counters counters;

    private final java.util.Map<CipherSuite, NoiseProtocol> protocols = new java.util.EnumMap<>(CipherSuite.class);

    Handshakes(DhKeyPair staticKey, PeerKey self, RandomSource random, Counters counters) {
        this.staticKey = staticKey;
        this.self = self;
        this.random = random;
        this.counters = counters;
        for (CipherSuite suite : CipherSuite.values()) {
            NoiseProtocol p = suite.protocol();
            protocols.put(suite, p.withDh(new CountingDh(p.dh(), counters)));
        }
    }

    /** An initiation's clear header bound into the handshake: "mp2p/1" || initiation[0..8). */
    static byte[] prologue(byte[] packet, int off) {
        byte[] p = new byte[PROLOGUE_LABEL.length + HandshakeInitiation.PROLOGUE_HEADER_LENGTH];
        System.arraycopy(PROLOGUE_LABEL, 0, p, 0, PROLOGUE_LABEL.length);
        System.arraycopy(packet, off, p, PROLOGUE_LABEL.length, HandshakeInitiation.PROLOGUE_HEADER_LENGTH);
        return p;
    }

    /**
     * Writes a HandshakeInitiation without its MACs into {@code packet} and returns the Noise state
     * waiting for the response.
     */
    HandshakeState writeInitiation(byte[] packet, CipherSuite suite, int localIndex, byte[] remoteStatic,
                                   byte[] timestamp, InetSocketAddress replyAddress) throws NoiseException {
        HandshakeInitiation.writeHeader(packet, 0, suite.id(), localIndex);
        HandshakeState hs = HandshakeState.builder(protocols.get(suite)).initiator(true).prologue(prologue(packet, 0))
                .localStatic(staticKey).remoteStatic(remoteStatic).random(random).build();
        byte[] payload = InitiationPayload.encode(self, timestamp, replyAddress);
        counters.noiseMessagesProcessed++;
        hs.writeMessage(payload, 0, payload.length, packet, HandshakeInitiation.NOISE_OFFSET);
        return hs;
    }

    /** A verified initiation: who sent it, where to answer, and the Noise state to answer with. */
    record Initiation(HandshakeState state, CipherSuite suite, int senderIndex, PeerKey identity, byte[] timestamp,
                      InetSocketAddress replyAddress) {
    }

    /** Either an {@link Initiation} or the reason it was refused. */
    record InitiationResult(Initiation initiation, DropReason reason) {
    }

    /**
     * Runs Noise message 1 of a HandshakeInitiation whose header and MACs were already checked, then
     * checks its payload and the identity binding (spec §4.2).
     */
    InitiationResult readInitiation(byte[] buf, int off, HandshakeInitiation header) {
        CipherSuite suite = CipherSuite.fromId(header.suite());
        HandshakeState hs = HandshakeState.builder(protocols.get(suite)).initiator(false).prologue(prologue(buf, off))
                .localStatic(staticKey).random(random).build();
        byte[] payload = new byte[InitiationPayload.LENGTH];
        int n;
        try {
            counters.noiseMessagesProcessed++;
            n = hs.readMessage(buf, off + HandshakeInitiation.NOISE_OFFSET, HandshakeInitiation.NOISE_LENGTH,
                    payload, 0);
        } catch (NoiseException e) {
            hs.destroy();
            return new InitiationResult(null, DropReason.HANDSHAKE_FAILED);
        }
        Parsed<InitiationPayload> parsed = InitiationPayload.parse(payload, 0, n);
        if (!parsed.isOk()) {
            hs.destroy();
            return new InitiationResult(null, DropReason.BAD_PAYLOAD);
        }
        InitiationPayload p = parsed.value();
        if (!MessageDigest.isEqual(hs.remoteStaticPublicKey(), p.identity().x25519PublicKey())) {
            hs.destroy();
            return new InitiationResult(null, DropReason.IDENTITY_MISMATCH);
        }
        InetSocketAddress reply = p.replyAddress();
        if (reply != null && !GroupAddresses.isMp2pGroup(reply.getAddress())) {
            hs.destroy();
            return new InitiationResult(null, DropReason.BAD_PAYLOAD);
        }
        return new InitiationResult(new Initiation(hs, suite, header.senderIndex(), p.identity(), p.timestamp(), reply),
                null);
    }

    /** Writes the HandshakeResponse without MACs into {@code packet}; returns the session keys. */
    CipherStatePair writeResponse(byte[] packet, Initiation init, int localIndex) throws NoiseException {
        HandshakeResponse.writeHeader(packet, 0, init.senderIndex());
        byte[] payload = HandshakeResponse.encodePayload(localIndex);
        HandshakeState hs = init.state();
        try {
            counters.noiseMessagesProcessed++;
            hs.writeMessage(payload, 0, payload.length, packet, HandshakeResponse.NOISE_OFFSET);
            return hs.split();
        } finally {
            hs.destroy();
        }
    }

    /** The responder's index and the session keys, or null when Noise refused the response. */
    record Response(int remoteIndex, CipherStatePair keys) {
    }

    /** Tries a HandshakeResponse on a copy of the pending state, leaving the original intact. */
    Response readResponse(byte[] buf, int off, PendingHandshake pending) {
        HandshakeState copy = pending.state.copy();
        byte[] payload = new byte[HandshakeResponse.PAYLOAD_LENGTH];
        try {
            counters.noiseMessagesProcessed++;
            int n = copy.readMessage(buf, off + HandshakeResponse.NOISE_OFFSET, HandshakeResponse.NOISE_LENGTH,
                    payload, 0);
            int remoteIndex = HandshakeResponse.decodePayload(payload);
            if (n != HandshakeResponse.PAYLOAD_LENGTH || remoteIndex == 0) {
                return null;
            }
            return new Response(remoteIndex, copy.split());
        } catch (NoiseException e) {
            return null;
        } finally {
            copy.destroy();
        }
    }
}
