package io.mp2p.engine;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/** What the engine produced for its caller: datagrams to send and events, in order. */
final class EngineOutput {
    private final Counters counters;
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<EngineEvent> events = new ArrayDeque<>();

    EngineOutput(Counters counters) {
        this.counters = counters;
    }

    void emit(InetSocketAddress destination, byte[] packet) {
        counters.packetsOut++;
        counters.bytesOut += packet.length;
        transmits.addLast(new Transmit(destination, packet, packet.length));
    }

    void event(EngineEvent e) {
        events.addLast(e);
    }

    Transmit pollTransmit() {
        return transmits.pollFirst();
    }

    EngineEvent pollEvent() {
        return events.pollFirst();
    }
}
