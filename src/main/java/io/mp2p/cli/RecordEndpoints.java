package io.mp2p.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.address.UnicastEndpoints;

/**
 * The unicast endpoints a node publishes in its record (spec/ADDRESSING.md §7.5): those given with
 * {@code --endpoint}, else its unicast socket's address when a peer elsewhere could use it, plus a
 * port mapping's external endpoint when the router granted one.
 */
final class RecordEndpoints {
    private RecordEndpoints() {
    }

    /** Parses {@code --endpoint} values; a mistake is one usage line. */
    static List<InetSocketAddress> parse(List<String> texts) throws CliException {
        List<InetSocketAddress> out = new ArrayList<>();
        if (texts == null) {
            return out;
        }
        for (String t : texts) {
            try {
                out.add(UnicastEndpoints.parse(t.strip()));
            } catch (NodeRecordException e) {
                throw new CliException("--endpoint: " + e.getMessage(), ExitCodes.USAGE);
            }
        }
        if (out.size() > NodeRecord.MAX_ENDPOINTS) {
            throw new CliException("--endpoint: a node record lists at most " + NodeRecord.MAX_ENDPOINTS
                    + " endpoints, got " + out.size(), ExitCodes.USAGE);
        }
        return out;
    }

    /**
     * What to publish: {@code mapped} (a router's port mapping) if any — first, since a peer beyond
     * our router can use only that — then {@code given} if any, else the channel's unicast address if
     * it is one a peer may be sent to; at most MAX_ENDPOINTS.
     */
    static List<InetSocketAddress> publish(List<InetSocketAddress> given, SecureMulticastChannel channel,
                                           InetSocketAddress mapped) throws CliException {
        List<InetSocketAddress> out = new ArrayList<>();
        if (mapped != null) {
            out.add(mapped);
        }
        for (InetSocketAddress g : given) {
            if (!out.contains(g) && out.size() < NodeRecord.MAX_ENDPOINTS) {
                out.add(g);
            }
        }
        if (given.isEmpty()) {
            InetSocketAddress local;
            try {
                local = channel.localUnicastAddress();
            } catch (IOException e) {
                throw new CliException("cannot read our unicast address: " + e.getMessage());
            }
            if (UnicastEndpoints.problem(local, UnicastEndpoints.Policy.ROUTABLE) == null && !out.contains(local)) {
                out.add(local);
            }
        }
        return out;
    }
}
