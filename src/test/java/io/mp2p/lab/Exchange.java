package io.mp2p.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sender session against a running {@code mp2p listen --echo}: the sender is {@code mp2p chat},
 * fed {@code messages} on its input at a steady pace, and the lab reads what both sides printed.
 *
 * <p>Handshake time: from the sender's last "joined" line (its channel is open; the first
 * initiation follows at once) to its "connected" line, both timestamped as the lab reads them, so
 * a few milliseconds of pipe latency are included. Delivery: each line the listener printed for
 * this sender is matched against the messages sent: exactly one match is an intact delivery, a
 * second match of the same message a duplicate, no match a corrupted one.
 */
final class Exchange {
    /** What one run showed. */
    record Outcome(boolean connected, double handshakeMs, int sent, int delivered, int duplicates, int corrupted,
                   int echoed, int exitCode, List<Long> deliveredAtNanos, List<Long> sentAtNanos,
                   List<Boolean> deliveredFlags, String senderStderr, double senderSeconds) {
        String deliveredText() {
            return delivered + "/" + sent;
        }
    }

    private static final String JOINED = "mp2p: DEBUG joined ";
    private static final String CONNECTED = "mp2p: connected to ";
    private static final String ECHO_PREFIX = "peer: ";
    /** After the sender ended, how long the listener may take to print the last messages it got. */
    private static final double LISTENER_SETTLE_SECONDS = 1.5;
    /** Beyond --timeout: the sender's JVM start and its quiet wait at the end of input. */
    private static final double SENDER_MARGIN_SECONDS = 60;

    private Exchange() {
    }

    /**
     * Runs {@code mp2p chat ARGS --peer <listener> --timeout T} in {@code ns}. With {@code expectAll}
     * the sender waits for every echo ({@code --expect-replies N}); else it waits until the peer is quiet.
     */
    static Outcome run(Lab lab, String ns, Mp2p.Key sender, Mp2p.Key listenerKey, LabProcess listener,
                       List<String> messages, long paceMillis, boolean expectAll, double timeoutSeconds,
                       String... options) throws IOException, InterruptedException {
        return run(lab, ns, sender, listenerKey.hex(), listener, messages, paceMillis, expectAll, timeoutSeconds,
                options);
    }

    /** As above, with {@code --peer PEER}: the listener's key or its signed node record. */
    static Outcome run(Lab lab, String ns, Mp2p.Key sender, String peer, LabProcess listener,
                       List<String> messages, long paceMillis, boolean expectAll, double timeoutSeconds,
                       String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("chat", "-k", sender.file().toString(), "--peer",
                peer, "--timeout", String.valueOf(timeoutSeconds)));
        if (expectAll) {
            args.add("--expect-replies");
            args.add(String.valueOf(messages.size()));
        }
        args.addAll(List.of(options));
        int listenerLinesBefore = listener.stdout().size();
        LabProcess chat = lab.start(ns, "chat-" + ns, Mp2p.command(args.toArray(new String[0])), Mp2p.env(lab, true));
        LabProcess.Line connected = chat.awaitStderr(l -> l.startsWith(CONNECTED), timeoutSeconds + SENDER_MARGIN_SECONDS);
        List<Long> sentAt = new ArrayList<>();
        if (connected != null) {
            for (String m : messages) {
                chat.println(m);
                sentAt.add(System.nanoTime());
                if (paceMillis > 0) {
                    Thread.sleep(paceMillis);
                }
            }
        }
        try {
            chat.closeInput();
        } catch (IOException e) {
            // The sender already ended (it could not connect): its exit code says so.
        }
        int exit = chat.awaitExit(timeoutSeconds + SENDER_MARGIN_SECONDS);
        double senderSeconds = (System.nanoTime() - chat.startNanos) / 1e9;
        Thread.sleep((long) (LISTENER_SETTLE_SECONDS * 1000));
        double handshakeMs = Double.NaN;
        if (connected != null) {
            long joined = -1;
            for (LabProcess.Line l : chat.stderr()) {
                if (l.nanos() > connected.nanos()) {
                    break;
                }
                if (l.text().startsWith(JOINED)) {
                    joined = l.nanos();
                }
            }
            handshakeMs = joined < 0 ? Double.NaN : (connected.nanos() - joined) / 1e6;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            index.put(messages.get(i), i);
        }
        List<LabProcess.Line> got = listener.stdout();
        String prefix = sender.hex() + " ";
        Set<Integer> seen = new HashSet<>();
        List<Long> deliveredAt = new ArrayList<>();
        List<Boolean> flags = new ArrayList<>(java.util.Collections.nCopies(messages.size(), Boolean.FALSE));
        int duplicates = 0;
        int corrupted = 0;
        for (LabProcess.Line l : got.subList(listenerLinesBefore, got.size())) {
            if (!l.text().startsWith(prefix)) {
                continue;
            }
            Integer i = index.get(l.text().substring(prefix.length()));
            if (i == null) {
                corrupted++;
            } else if (!seen.add(i)) {
                duplicates++;
            } else {
                deliveredAt.add(l.nanos());
                flags.set(i, Boolean.TRUE);
            }
        }
        int echoed = 0;
        for (LabProcess.Line l : chat.stdout()) {
            if (l.text().startsWith(ECHO_PREFIX) && index.containsKey(l.text().substring(ECHO_PREFIX.length()))) {
                echoed++;
            }
        }
        return new Outcome(connected != null, handshakeMs, messages.size(), seen.size(), duplicates, corrupted, echoed,
                exit, deliveredAt, sentAt, flags, chat.stderrText(), senderSeconds);
    }
}
