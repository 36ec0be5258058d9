package io.mp2p.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.ChannelOptions;
import io.mp2p.HandshakeTimeoutException;
import io.mp2p.LoopbackPorts;
import io.mp2p.PeerSession;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.SessionListener;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.provider.SecureChannelEngineResult.HandshakeStatus;

/**
 * The context's key and trust managers as Mockito doubles: which callbacks the context makes, and that their
 * answers decide. The channels and engines underneath run for real (on lo, TTL 0).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextManagersTest {
    private static final long WAIT_MILLIS = 10_000;

    private final Mp2pIdentity alice = Mp2pIdentity.generate();
    private final Mp2pIdentity bob = Mp2pIdentity.generate();
    private final Mp2pIdentity carol = Mp2pIdentity.generate();

    private static SecureChannelContext context(IdentityKeyManager km, PeerTrustManager tm) throws Exception {
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p", new Mp2pProvider());
        ctx.init(new KeyManager[] {km}, tm == null ? null : new TrustManager[] {tm}, null);
        return ctx;
    }

    @Test
    void theKeyManagerNamesTheIdentityAndTheTrustManagerDecides() throws Exception {
        IdentityKeyManager km = mock(IdentityKeyManager.class);
        when(km.chooseIdentity()).thenReturn(bob);
        PeerTrustManager tm = mock(PeerTrustManager.class);
        when(tm.isTrusted(alice.publicKey())).thenReturn(true);
        SessionListener listener = mock(SessionListener.class);
        int port = LoopbackPorts.free();
        ChannelOptions.Builder lo = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port);
        // The options' own policy refuses everyone; the context's trust manager replaces it.
        ChannelOptions bobsOptions = lo.trustPolicy(PeerTrustPolicy.allowList(List.of())).sessionListener(listener)
                .build();

        try (SecureMulticastChannel atBob = context(km, tm).openChannel(bobsOptions);
             SecureMulticastChannel atAlice = SecureMulticastChannel.open(alice,
                     ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).build());
             SecureMulticastChannel atCarol = SecureMulticastChannel.open(carol, ChannelOptions.builder()
                     .networkInterface("lo").ttl(0).port(port).connectTimeout(Duration.ofSeconds(2)).build())) {
            verify(km, times(1)).chooseIdentity();
            assertEquals(bob.publicKey(), atBob.localKey());

            PeerSession toBob = atAlice.connect(bob.publicKey());
            verify(listener, timeout(WAIT_MILLIS)).onSession(argThat(s -> s.peer().equals(alice.publicKey())));
            verify(tm, atLeastOnce()).isTrusted(alice.publicKey());
            assertTrue(toBob.isOpen());

            assertThrows(HandshakeTimeoutException.class, () -> atCarol.connect(bob.publicKey()),
                    "bob's trust manager refuses carol, so she gets no answer");
            verify(tm, atLeastOnce()).isTrusted(carol.publicKey());
            verify(listener, never()).onSession(argThat(s -> s.peer().equals(carol.publicKey())));
        }
    }

    @Test
    void enginesAskTheTrustManagerForTheirPeer() throws Exception {
        IdentityKeyManager km = mock(IdentityKeyManager.class);
        when(km.chooseIdentity()).thenReturn(bob);
        PeerTrustManager refuses = mock(PeerTrustManager.class);
        SecureChannelEngine refusing = context(km, refuses).createEngine(alice.publicKey(), false);
        SecureChannelEngine client = SecureChannelEngine.builder(alice, bob.publicKey()).build();

        ByteBuffer initiation = ByteBuffer.allocate(client.getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), initiation);
        refusing.unwrap(initiation.flip().duplicate(), ByteBuffer.allocate(refusing.getApplicationBufferSize()));
        verify(refuses).isTrusted(alice.publicKey());
        assertEquals(HandshakeStatus.NEED_UNWRAP, refusing.getHandshakeStatus(), "no response to a refused peer");

        PeerTrustManager accepts = mock(PeerTrustManager.class);
        when(accepts.isTrusted(any())).thenReturn(true);
        SecureChannelEngine accepting = context(km, accepts).createEngine(alice.publicKey(), false);
        accepting.unwrap(initiation.duplicate(), ByteBuffer.allocate(accepting.getApplicationBufferSize()));
        assertEquals(HandshakeStatus.NEED_WRAP, accepting.getHandshakeStatus(), "the response waits to be sent");
        ByteBuffer response = ByteBuffer.allocate(accepting.getPacketBufferSize());
        accepting.wrap(ByteBuffer.allocate(0), response);
        client.unwrap(response.flip(), ByteBuffer.allocate(client.getApplicationBufferSize()));
        assertTrue(client.isEstablished());
        verify(accepts).isTrusted(alice.publicKey());
        verify(km, times(2)).chooseIdentity();
        assertFalse(refusing.isEstablished());
        refusing.close();
        accepting.close();
        client.close();
    }

    @Test
    void withoutATrustManagerTheOptionsPolicyStays() throws Exception {
        IdentityKeyManager km = IdentityKeyManager.of(bob);
        int port = LoopbackPorts.free();
        ChannelOptions refuseAll = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
                .trustPolicy(PeerTrustPolicy.allowList(List.of())).build();
        try (SecureMulticastChannel atBob = context(km, null).openChannel(refuseAll);
             SecureMulticastChannel atAlice = SecureMulticastChannel.open(alice, ChannelOptions.builder()
                     .networkInterface("lo").ttl(0).port(port).connectTimeout(Duration.ofSeconds(2)).build())) {
            assertThrows(HandshakeTimeoutException.class, () -> atAlice.connect(bob.publicKey()));
            assertNotNull(atBob.localKey());
        }
    }
}
