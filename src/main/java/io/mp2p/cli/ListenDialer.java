package io.mp2p.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.PeerKey;

/**
 * {@code mp2p listen --connect RECORD}: dials each given peer once at start, on its own thread, and
 * says on stderr which path it got or why not. The listener keeps running either way; the peer may
 * still dial us.
 */
final class ListenDialer {
    private ListenDialer() {
    }

    /** Checks every record first (a bad one is a usage error before anything runs), then dials them all. */
    static void start(SecureMulticastChannel channel, List<String> records, int port, PrintStream err,
                      java.util.function.Consumer<PeerSession> reader) throws CliException {
        if (records == null) {
            return;
        }
        List<Runnable> dials = new ArrayList<>();
        for (String text : records) {
            PeerOptions peer = new PeerOptions();
            peer.peer = text;
            PeerKey key = peer.key();
            var group = peer.group(port);
            var endpoints = peer.endpoints();
            dials.add(() -> dial(channel, key, group, endpoints, err, reader));
        }
        for (Runnable r : dials) {
            Thread t = new Thread(r, "mp2p-dial");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void dial(SecureMulticastChannel channel, PeerKey key, java.net.InetSocketAddress group,
                             List<java.net.InetSocketAddress> endpoints, PrintStream err,
                             java.util.function.Consumer<PeerSession> reader) {
        try {
            PeerSession s = endpoints.isEmpty() ? (group == null ? channel.connect(key) : channel.connect(key, group))
                    : channel.connect(key, group, endpoints);
            err.println("mp2p: connected to " + key.toHex() + " via " + s.path());
            // A session we dialed is not offered to the session listener: its messages are read here.
            reader.accept(s);
        } catch (Mp2pException e) {
            err.println("mp2p: --connect " + key.toHex() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
