package io.mp2p.engine;

import io.mp2p.DropReason;

import io.mp2p.CipherSuite;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;

import io.mp2p.address.GroupAddresses;
import io.mp2p.cookie.CookieReplyKey;
import io.mp2p.cookie.ResponseAuth;
import io.mp2p.crypto.DhFunction;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.PeerKey;
import io.mp2p.identity.PeerKeyReader;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.KnownSecrets;
import io.mp2p.noise.NoiseException;
import io.mp2p.noise.NoiseProtocol;
import io.mp2p.noise.Token;
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
    private final PeerSecrets peerSecrets;

    private final java.util.Map<CipherSuite, NoiseProtocol> protocols = new java.util.EnumMap<>(CipherSuite.class);

    /** Handshakes keeping precomputed secrets for up to {@link Constants#MAX_PEERS} peers (see {@link PeerSecrets}). */
    Handshakes(DhKeyPair staticKey, PeerKey self, RandomSource random, Counters counters) {
        this(staticKey, self, random, counters, Constants.MAX_PEERS);
    }

    Handshakes(DhKeyPair staticKey, PeerKey self, RandomSource random, Counters counters, int maxPeers) {
        this.staticKey = staticKey;
        this.peerSecrets = new PeerSecrets(maxPeers);
        this.self = self;
        this.random = random;
        this.counters = counters;
        for (CipherSuite suite : CipherSuite.values()) {
            NoiseProtocol p = Suites.protocol(suite);
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
     * An initiation written: the Noise state waiting for the response, the response_key that keys
     * its response_auth (spec §4.3) and the reply_key a CookieReply to it is encrypted under (§4.5).
     * The caller zeroes both keys when the handshake ends.
     */
    record Written(HandshakeState state, byte[] responseKey, byte[] replyKey) {
    }

    /**
     * Writes a HandshakeInitiation without its MACs into {@code packet}. The ephemeral key is made
     * here rather than inside Noise, so that {@code es} can also key cookie replies (spec §4.5); the
     * handshake then takes that {@code es} rather than computing it again, and {@code ss} from
     * {@link PeerSecrets} when this peer's is known.
     */
    Written writeInitiation(byte[] packet, CipherSuite suite, int localIndex, byte[] remoteStatic, byte[] timestamp,
                            InetSocketAddress replyAddress) throws NoiseException {
        HandshakeInitiation.writeHeader(packet, 0, suite.id(), localIndex);
        NoiseProtocol protocol = protocols.get(suite);
        DhFunction dh = protocol.dh();
        DhKeyPair e = dh.generateKeyPair(random);
        InitiatorSecrets known = new InitiatorSecrets(remoteStatic, new byte[dh.dhLen()]);
        try {
            try {
                dh.dh(e.privateKey(), remoteStatic, known.es, 0);
            } catch (InvalidKeyException ex) {
                throw new NoiseException("the responder's static key is a low-order point", ex);
            }
            byte[] replyKey = CookieReplyKey.derive(known.es, e.publicKey());
            HandshakeState hs = HandshakeState.builder(protocol).initiator(true).prologue(prologue(packet, 0))
                    .localStatic(staticKey).localEphemeral(e).remoteStatic(remoteStatic).random(random)
                    .knownSecrets(known).build();
            byte[] responseKey = new byte[InitiationPayload.RESPONSE_KEY_LENGTH];
            random.nextBytes(responseKey);
            byte[] payload = InitiationPayload.encode(self, timestamp, replyAddress, responseKey);
            try {
                counters.noiseMessagesProcessed++;
                hs.writeMessage(payload, 0, payload.length, packet, HandshakeInitiation.NOISE_OFFSET);
            } finally {
                Arrays.fill(payload, (byte) 0);
            }
            return new Written(hs, responseKey, replyKey);
        } finally {
            e.destroy();
            known.wipe();
        }
    }

    /**
     * The initiator's known secrets: the {@code es} just computed for the reply_key (served once),
     * and {@code ss} of the responder from {@link PeerSecrets}, remembered there when first computed
     * (the responder is the peer we chose to address, so its key needs no further check).
     */
    private final class InitiatorSecrets implements KnownSecrets {
        private final byte[] remoteStatic;
        private final byte[] es;
        private boolean esServed;

        InitiatorSecrets(byte[] remoteStatic, byte[] es) {
            this.remoteStatic = remoteStatic;
            this.es = es;
        }

        @Override
        public boolean lookup(Token token, byte[] remotePublic, byte[] out) {
            if (token == Token.ES && !esServed && Arrays.equals(remotePublic, remoteStatic)) {
                esServed = true;
                System.arraycopy(es, 0, out, 0, es.length);
                return true;
            }
            if (token == Token.SS) {
                PeerSecrets.Entry entry = peerSecrets.get(remotePublic);
                if (entry != null) {
                    entry.copySs(out);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void computed(Token token, byte[] remotePublic, byte[] shared) {
            if (token == Token.SS) {
                peerSecrets.put(remotePublic, shared, null);
            }
        }

        void wipe() {
            esServed = true;
            Arrays.fill(es, (byte) 0);
        }
    }

    /**
     * The reply_key of a CookieReply to the initiation at {@code buf[off..)} (spec §4.5): one DH with
     * our static key. Null if its ephemeral key is a low-order point (es all zeros).
     */
    byte[] cookieReplyKey(byte[] buf, int off) {
        byte[] ephemeral = Arrays.copyOfRange(buf, off + HandshakeInitiation.EPHEMERAL_OFFSET,
                off + HandshakeInitiation.EPHEMERAL_OFFSET + HandshakeInitiation.EPHEMERAL_LENGTH);
        DhFunction dh = protocols.get(CipherSuite.AESGCM_SHA256).dh();
        byte[] es = new byte[dh.dhLen()];
        try {
            dh.dh(staticKey.privateKey(), ephemeral, es, 0);
            return CookieReplyKey.derive(es, ephemeral);
        } catch (InvalidKeyException ex) {
            return null;
        } finally {
            Arrays.fill(es, (byte) 0);
        }
    }

    /** A verified initiation: who sent it, where to answer, and the Noise state to answer with. */
    record Initiation(HandshakeState state, CipherSuite suite, int senderIndex, PeerKey identity, byte[] timestamp,
                      InetSocketAddress replyAddress, byte[] responseKey) {
        /** Zeroes what this initiation holds: its Noise state and the response_key. */
        void destroy() {
            state.destroy();
            Arrays.fill(responseKey, (byte) 0);
        }
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
        ResponderSecrets known = new ResponderSecrets();
        HandshakeState hs = HandshakeState.builder(protocols.get(suite)).initiator(false).prologue(prologue(buf, off))
                .localStatic(staticKey).random(random).knownSecrets(known).build();
        byte[] payload = new byte[InitiationPayload.LENGTH];
        try {
            int n;
            try {
                counters.noiseMessagesProcessed++;
                n = hs.readMessage(buf, off + HandshakeInitiation.NOISE_OFFSET, HandshakeInitiation.NOISE_LENGTH,
                        payload, 0);
            } catch (NoiseException e) {
                hs.destroy();
                return new InitiationResult(null, DropReason.HANDSHAKE_FAILED);
            }
            byte[] rs = hs.remoteStaticPublicKey();
            Parsed<InitiationPayload> parsed = InitiationPayload.parse(payload, 0, n, known.reader(rs));
            if (!parsed.isOk()) {
                hs.destroy();
                return new InitiationResult(null, DropReason.BAD_PAYLOAD);
            }
            InitiationPayload p = parsed.value();
            byte[] responseKey = p.responseKey();
            p.destroy();
            if (!MessageDigest.isEqual(rs, p.identity().x25519PublicKey())) {
                hs.destroy();
                Arrays.fill(responseKey, (byte) 0);
                return new InitiationResult(null, DropReason.IDENTITY_MISMATCH);
            }
            // Message 1 authenticated (its payload's tag needs ss) and bound to a valid identity.
            known.commit(rs, p.identity());
            InetSocketAddress reply = p.replyAddress();
            if (reply != null && !GroupAddresses.isMp2pGroup(reply.getAddress())) {
                hs.destroy();
                Arrays.fill(responseKey, (byte) 0);
                return new InitiationResult(null, DropReason.BAD_PAYLOAD);
            }
            return new InitiationResult(new Initiation(hs, suite, header.senderIndex(), p.identity(), p.timestamp(),
                    reply, responseKey), null);
        } finally {
            Arrays.fill(payload, (byte) 0);
            known.wipe();
        }
    }

    /**
     * The responder's known secrets: {@code ss} of an initiator already in {@link PeerSecrets}; a
     * newly computed one is held back and remembered only once message 1 proved to be from the
     * holder of that static key ({@link #commit}), so forged initiations add nothing to the cache.
     */
    private final class ResponderSecrets implements KnownSecrets {
        private PeerSecrets.Entry entry;
        private byte[] computedSs;

        @Override
        public boolean lookup(Token token, byte[] remotePublic, byte[] out) {
            if (token != Token.SS) {
                return false;
            }
            entry = peerSecrets.get(remotePublic);
            if (entry == null) {
                return false;
            }
            entry.copySs(out);
            return true;
        }

        @Override
        public void computed(Token token, byte[] remotePublic, byte[] shared) {
            if (token == Token.SS) {
                computedSs = shared.clone();
            }
        }

        /** Reads the initiator's identity: the one already validated for {@code rs}, else with the point check. */
        PeerKeyReader reader(byte[] rs) {
            PeerKey cached = entry != null ? entry.identity() : null;
            if (cached == null) {
                return PeerKeyReader.CHECKED;
            }
            return bytes -> cached.matches(bytes) ? cached : PeerKey.fromBytes(bytes);
        }

        /** Message 1 from {@code identity}, whose X25519 form is {@code rs}, was authenticated. */
        void commit(byte[] rs, PeerKey identity) {
            if (computedSs != null) {
                peerSecrets.put(rs, computedSs, identity);
            } else if (entry != null && entry.identity() == null) {
                peerSecrets.put(rs, null, identity);
            }
        }

        void wipe() {
            if (computedSs != null) {
                Arrays.fill(computedSs, (byte) 0);
                computedSs = null;
            }
        }
    }

    /**
     * Writes the HandshakeResponse with its response_auth but without MACs into {@code packet};
     * returns the session keys. The initiation is destroyed either way.
     */
    CipherStatePair writeResponse(byte[] packet, Initiation init, int localIndex) throws NoiseException {
        HandshakeResponse.writeHeader(packet, 0, init.senderIndex());
        byte[] payload = HandshakeResponse.encodePayload(localIndex);
        HandshakeState hs = init.state();
        try {
            counters.noiseMessagesProcessed++;
            hs.writeMessage(payload, 0, payload.length, packet, HandshakeResponse.NOISE_OFFSET);
            ResponseAuth.write(init.responseKey(), packet, 0);
            return hs.split();
        } finally {
            init.destroy();
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

    /** Zeroes the precomputed secrets of every peer (the engine is being destroyed). */
    void destroy() {
        peerSecrets.destroy();
    }

    /** Peers whose ss is held: for tests. */
    int peerSecretsHeld() {
        return peerSecrets.size();
    }
}
