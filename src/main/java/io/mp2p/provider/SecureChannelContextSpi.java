package io.mp2p.provider;

import java.io.IOException;
import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import io.mp2p.ChannelOptions;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.SecureDatagramSocket;
import io.mp2p.net.SecureDatagramSocketFactory;

/**
 * The service provider interface behind {@link SecureChannelContext}, as {@code SSLContextSpi} is behind
 * {@code SSLContext}: a {@link java.security.Provider} registers implementations under the service type
 * {@value Mp2pProvider#SECURE_CHANNEL}, and {@code SecureChannelContext.getInstance} instantiates one through
 * {@code Provider.Service.newInstance}. Each method backs the context method of the same name without "engine".
 */
public abstract class SecureChannelContextSpi {
    /** For a provider's implementation. */
    protected SecureChannelContextSpi() {
    }

    protected abstract void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
            throws KeyManagementException;

    protected abstract SecureMulticastChannel engineOpenChannel(ChannelOptions options) throws IOException;

    protected abstract SecureChannelEngine engineCreateEngine(PeerKey peer, boolean clientMode);

    protected abstract SecureDatagramSocket engineCreateDatagramSocket(ChannelOptions options) throws IOException;

    protected abstract SecureDatagramSocketFactory engineGetDatagramSocketFactory(ChannelOptions options);

    /** Not abstract, so that a provider written before stream sockets existed still compiles: it has none. */
    protected SocketFactory engineGetSocketFactory(ChannelOptions options) {
        throw new UnsupportedOperationException(getClass().getName() + " makes no stream sockets");
    }

    /** As {@link #engineGetSocketFactory}. */
    protected ServerSocketFactory engineGetServerSocketFactory(ChannelOptions options) {
        throw new UnsupportedOperationException(getClass().getName() + " makes no stream server sockets");
    }

    /** Releases what the socket factories hold; by default nothing. */
    protected void engineClose() {
    }
}
