package io.mp2p.engine;

import java.util.PriorityQueue;

/**
 * Peers ordered by their next deadline. A peer is filed again only when its deadline moves earlier;
 * entries that went stale are recognised when they surface and skipped, so each timer change costs
 * O(log n) at most and a tick touches only the peers that are due.
 */
final class TimerQueue {
    private record Entry(long deadline, Peer peer) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.deadline - b.deadline, 0));

    /** Files {@code peer} under its current deadline if that is earlier than where it is filed. */
    void schedule(Peer peer) {
        long d = peer.nextDeadline();
        if (d == Peer.NONE) {
            return;
        }
        if (peer.scheduledAt == Peer.NONE || d - peer.scheduledAt < 0) {
            peer.scheduledAt = d;
            queue.add(new Entry(d, peer));
        }
    }

    /** The earliest filed deadline, possibly stale (early), or NONE. */
    long peekDeadline() {
        while (!queue.isEmpty()) {
            Entry e = queue.peek();
            if (e.peer.scheduledAt == e.deadline) {
                return e.deadline;
            }
            queue.poll();
        }
        return Peer.NONE;
    }

    /** Removes and returns a peer whose filed deadline is at or before {@code now}, or null. */
    Peer pollDue(long now) {
        while (!queue.isEmpty()) {
            Entry e = queue.peek();
            if (e.peer.scheduledAt != e.deadline) {
                queue.poll();
                continue;
            }
            if (now - e.deadline < 0) {
                return null;
            }
            queue.poll();
            e.peer.scheduledAt = Peer.NONE;
            return e.peer;
        }
        return null;
    }

    int size() {
        return queue.size();
    }
}
