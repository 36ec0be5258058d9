package io.mp2p.engine;

/**
 * The engine's own monotonic time, built from the caller's readings (spec §6.7): it advances by
 * every forward step of the caller's {@code now} and ignores backward steps. A caller's clock that
 * jumps back therefore makes no session younger, no deadline later and no load state last longer:
 * the time that passes inside the engine is never negative. Deadlines are handed back in the
 * caller's time base.
 */
final class EngineClock {
    private boolean started;
    /** The last reading the caller gave. */
    private long lastCallerNow;
    /** Engine time at that reading. */
    private long engineNow;

    /** Takes a caller reading and returns the engine time for it. */
    long advance(long callerNow) {
        if (!started) {
            started = true;
            lastCallerNow = callerNow;
            engineNow = callerNow;
            return engineNow;
        }
        long step = callerNow - lastCallerNow;
        if (step > 0) {
            engineNow += step;
        }
        // A backward step moves the reference, not the engine's time: from here on the caller's
        // clock counts forward again from its new reading.
        lastCallerNow = callerNow;
        return engineNow;
    }

    /** An engine-time deadline in the caller's time base, or {@link Constants#NO_DEADLINE}. */
    long toCaller(long engineDeadline) {
        if (engineDeadline == Constants.NO_DEADLINE || !started) {
            return engineDeadline;
        }
        long callerDeadline = lastCallerNow + (engineDeadline - engineNow);
        // Keep the sentinel unambiguous: a real deadline never reads as "none".
        return callerDeadline == Constants.NO_DEADLINE ? callerDeadline - 1 : callerDeadline;
    }
}
