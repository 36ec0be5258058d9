package io.mp2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.mp2p.ChannelClosedException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mp2p chat}: stdin lines to the peer, the peer's messages to stdout. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Send each line of stdin to a peer and print what it sends, until end of input.")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    KeyOption key;

    @Mixin
    NetworkOptions network;

    @Mixin
    PeerOptions peer;

    @Override
    public Integer call() throws CliException, InterruptedException {
        Mp2pIdentity id = key.load();
        try (SecureMulticastChannel channel = Channels.open(id,
                Channels.withProgress(network.builder(), System.err).connectTimeout(peer.timeout()).build());
             PeerSession s = Channels.connect(channel, peer.key(), peer.group(network.port))) {
            System.err.println("mp2p: connected to " + s.peer().toHex() + "; type lines, end with Ctrl-D");
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        byte[] m = s.receive();
                        System.out.println("peer: " + new String(m, StandardCharsets.UTF_8));
                        System.out.flush();
                    }
                } catch (ChannelClosedException e) {
                    System.err.println("mp2p: the session closed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mp2p-chat-reader");
            reader.setDaemon(true);
            reader.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                s.send(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        } finally {
            id.destroy();
        }
        return ExitCodes.OK;
    }
}
